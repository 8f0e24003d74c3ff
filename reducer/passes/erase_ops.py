"""Erase operations, latest and innermost first, replacing the uses of their results.

Reverse order means a chunk drops users before their definitions, and the first halves tried are the tail of
the kernel (stores, epilogues), which rarely hold the bug. Uses are rewired to stand-in values (see
`reducer.mlir.values`) so that, e.g., a load whose pointer computation is erased keeps a function argument.
"""

from __future__ import annotations

from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation

from reducer.mlir import structure, values
from reducer.passes.base import ModulePass, PassContext


def erase_with_stand_ins(op: Operation) -> bool:
    """Erase `op` (and its regions), rewiring every remaining use of its results; False if impossible."""
    avoid = frozenset(id(o) for o in op.walk())
    for result in op.results:
        if not result.uses:
            continue
        repl = values.stand_in(op, result.type, avoid)
        if repl is None:
            return False
        result.replace_all_uses_with(repl)
    block = op.parent
    if block is None:
        return False
    block.detach_op(op)
    op.erase(safe_erase=False)
    return True


class EraseOps(ModulePass[Operation]):
    name = "erase-ops"
    description = "erase ops (latest/innermost first), rewiring uses to existing values, new arguments or zeros"

    def collect(self, module: ModuleOp, ctx: PassContext) -> list[Operation]:
        return [op for op in reversed(list(module.walk())) if not structure.is_structural(op)]

    def edit(self, module: ModuleOp, chosen: list[Operation], ctx: PassContext) -> bool:
        chosen_ids = {id(op) for op in chosen}
        for op in chosen:  # already latest-first
            if _has_chosen_ancestor(op, chosen_ids) or not structure.is_attached(op, module):
                continue
            if not erase_with_stand_ins(op):
                return False
        return True


def _has_chosen_ancestor(op: Operation, chosen_ids: set[int]) -> bool:
    cur = op.parent_op()
    while cur is not None:
        if id(cur) in chosen_ids:
            return True
        cur = cur.parent_op()
    return False
