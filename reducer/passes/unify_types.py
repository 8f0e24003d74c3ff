"""Give the two sides of a cast one element type, so the cast (and the pair it makes) disappears.

`%w = arith.extf %v : tensor<4xf16> to tensor<4xf32>` with f16 retyped to f32 everywhere: the load, the
argument and the constants that made `%v` now make an f32, and the cast is gone. One target per ordered pair
of element types some cast converts between (`f16 -> f32` and `f32 -> f16` are two); the chosen pairs are
applied together. Every cast between a pair's two types is bypassed on the module, then the type is rewritten
in the printed text (types hide in opaque dialect types such as `!tt.ptr<f16>`, which only the text shows).
Ops that insist on a width (`tt.make_range` is i32) make a candidate the compiler rejects; the search drops it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from xdsl.ir import Attribute, Operation

from reducer.mlir.lexical import pieces
from reducer.mlir.module import print_module
from reducer.mlir.ops import op_name
from reducer.passes.base import PassContext, Subject

# One-operand, one-result ops whose result differs from the operand only in its element type.
CASTS = frozenset({
    "arith.extf", "arith.truncf", "arith.extsi", "arith.extui", "arith.trunci", "arith.sitofp", "arith.uitofp",
    "arith.fptosi", "arith.fptoui", "arith.bitcast", "arith.index_cast", "arith.index_castui", "tt.fp_to_fp",
    "tt.bitcast",
})
_ELEMENT = re.compile(r"^(?:bf16|f16|f32|f64|f8E\w+|i1|i8|i16|i32|i64|index)$")


def element_type(t: Attribute) -> str:
    inner = getattr(t, "element_type", t)
    return str(inner)


def _shape(t: Attribute) -> tuple[int, ...] | None:
    get_shape = getattr(t, "get_shape", None)
    return tuple(get_shape()) if get_shape is not None else None


def _pairs(module: Operation) -> list[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for op in module.walk():
        if op_name(op) not in CASTS or len(op.operands) != 1 or len(op.results) != 1:
            continue
        src, dst = op.operands[0].type, op.results[0].type
        a, b = element_type(src), element_type(dst)
        if a != b and _shape(src) == _shape(dst) and _ELEMENT.match(a) and _ELEMENT.match(b):
            found.update({(a, b), (b, a)})
    # Floats first (widening casts are the common pair), then by name: a fixed order across runs.
    return sorted(found, key=lambda p: (p[0][0] != "f" and p[0][0] != "b", p))


def _retype(text: str, old: str, new: str) -> str:
    """Every `old` type word outside strings and comments becomes `new` (`array<i32: ...>` lists keep theirs)."""
    word = re.compile(rf"(?<![\w.$#@%-]){re.escape(old)}(?![\w.$-])")

    def swap(m: re.Match[str]) -> str:
        return m.group(0) if m.string[max(0, m.start() - 6) : m.start()] == "array<" else new

    return "".join(word.sub(swap, piece) if kind == "code" else piece for kind, piece in pieces(text, comments=True))


class UnifyTypes:
    name = "unify-types"
    description = "retype an element type to the other side of a cast (f16 -> f32), so the cast pair goes"
    needs_module = True

    def targets(self, subject: Subject, ctx: PassContext) -> int:
        return 0 if subject.module is None else len(_pairs(subject.module))

    def apply(self, subject: Subject, chosen: Sequence[int], ctx: PassContext) -> str | None:
        if subject.module is None:
            return None
        pairs = _pairs(subject.module)
        picked: dict[str, str] = {}
        for i in sorted(set(chosen)):
            if i < len(pairs) and pairs[i][0] not in picked and pairs[i][1] not in picked:
                picked[pairs[i][0]] = pairs[i][1]  # never both directions of one pair, never a chain
        if not picked:
            return None
        module = subject.module.clone()
        merged = {a: picked.get(b, b) for a, b in picked.items()}
        for op in list(module.walk()):
            if op_name(op) not in CASTS or len(op.operands) != 1 or len(op.results) != 1:
                continue
            a, b = element_type(op.operands[0].type), element_type(op.results[0].type)
            if merged.get(a, a) == merged.get(b, b):
                op.results[0].replace_all_uses_with(op.operands[0])
                block = op.parent
                if block is not None:
                    block.detach_op(op)
                    op.erase(safe_erase=False)
        text = print_module(module)
        for old, new in merged.items():
            text = _retype(text, old, new)
        return text
