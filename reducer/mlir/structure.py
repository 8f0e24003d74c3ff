"""Structural facts xdsl cannot tell us about unregistered ops: terminators, predecessors, attachment."""

from __future__ import annotations

from xdsl.ir import Block, Operation

from reducer.mlir import funcs
from reducer.mlir.module import op_name

KNOWN_TERMINATORS = frozenset(
    {
        "scf.yield",
        "scf.condition",
        "tt.reduce.return",
        "tt.scan.return",
        "cf.br",
        "cf.cond_br",
        "cf.switch",
        "linalg.yield",
        "tensor.yield",
        "affine.yield",
        "memref.alloca_scope.return",
    }
    | funcs.RETURN_OPS
)


def is_terminator(op: Operation) -> bool:
    """Known terminators, ops with successors, and the last op of any block not directly in a module."""
    if op_name(op) in KNOWN_TERMINATORS or op.successors:
        return True
    block = op.parent
    if block is None or block.last_op is not op:
        return False
    parent = block.parent_op()
    return parent is not None and op_name(parent) != "builtin.module"


def is_structural(op: Operation) -> bool:
    """Ops a reduction must not delete directly: the module, functions, terminators."""
    return op_name(op) == "builtin.module" or funcs.is_function(op) or is_terminator(op)


def is_attached(op: Operation, root: Operation) -> bool:
    cur: Operation | None = op
    while cur is not None:
        if cur is root:
            return True
        cur = cur.parent_op()
    return False


def predecessors(block: Block) -> list[Operation]:
    """Terminators that branch to `block` (one entry per edge)."""
    region = block.parent
    if region is None:
        return []
    preds: list[Operation] = []
    for other in region.blocks:
        term = other.last_op
        if term is not None:
            preds.extend(term for succ in term.successors if succ is block)
    return preds
