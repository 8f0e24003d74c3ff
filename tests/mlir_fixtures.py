"""Shared helpers for the search/pass tests: fixture loading and Python predicates over MLIR text."""

from __future__ import annotations

from pathlib import Path

from xdsl.dialects.builtin import IntegerAttr

from reducer.mlir.module import ParseError, op_name, parse_module

DATA = Path(__file__).parent / "data"


def load(name: str) -> str:
    return (DATA / name).read_text()


def has_zero_stride_block_ptr(text: str) -> bool:
    """Interesting iff some tt.make_tensor_ptr has a stride operand that is an arith.constant 0."""
    try:
        module = parse_module(text)
    except ParseError:
        return False
    for op in module.walk():
        if op_name(op) != "tt.make_tensor_ptr":
            continue
        rank = (len(op.operands) - 1) // 3
        for stride in op.operands[1 + rank : 1 + 2 * rank]:
            owner = stride.owner
            if hasattr(owner, "properties") and op_name(owner) == "arith.constant":  # type: ignore[arg-type]
                value = owner.properties.get("value")  # type: ignore[union-attr]
                if isinstance(value, IntegerAttr) and value.value.data == 0:
                    return True
    return False


def names(text: str) -> list[str]:
    return [op_name(op) for op in parse_module(text).walk()]
