"""Replace an operand by a value already in scope (llvm-reduce's operands-to-args / operands-skip).

A condition computed from a constant and an argument (`%c0 = arith.constant 0; %0 = arith.cmpi ne, %arg0, %c0;
cf.cond_br %0`) can usually be any `i1` in scope: an existing function argument of the same type first (it
costs no op), else the earliest dominating value of that type. The op that computed the old operand is left
for `erase-ops` / `opt` to remove once nothing uses it.
"""

from __future__ import annotations

from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import BlockArgument, Operation, SSAValue

from reducer.mlir import funcs, values
from reducer.mlir.ops import op_name
from reducer.passes.base import ModulePass, PassContext

Target = tuple[Operation, int]


def _replacement(op: Operation, index: int) -> SSAValue | None:
    """An argument of the function of the operand's type, else the farthest dominating value of that type."""
    current = op.operands[index]
    func = funcs.enclosing_function(op)
    entry = funcs.entry_block(func) if func is not None else None
    if entry is not None:
        for arg in entry.args:
            if arg.type == current.type and arg is not current:
                return arg
    earlier = [v for v in values.dominating_values(op) if v.type == current.type and v is not current]
    return earlier[-1] if earlier else None


class ReplaceOperands(ModulePass[Target]):
    name = "replace-operands"
    description = "replace an operand by a function argument or an earlier value of the same type"

    def collect(self, module: ModuleOp, ctx: PassContext) -> list[Target]:
        found: list[Target] = []
        for op in module.walk():
            if op_name(op) == "builtin.module" or funcs.is_function(op):
                continue  # terminators stay: a branch condition or a returned value is a fine target
            for index, operand in enumerate(op.operands):
                if isinstance(operand, BlockArgument) and operand.block is funcs.entry_block(
                    funcs.enclosing_function(op)
                ):
                    continue  # already the cheapest thing it can be
                if _replacement(op, index) is not None:
                    found.append((op, index))
        return found

    def edit(self, module: ModuleOp, chosen: list[Target], ctx: PassContext) -> bool:
        for op, index in chosen:
            repl = _replacement(op, index)
            if repl is None:
                return False
            operands = list(op.operands)
            operands[index] = repl
            op.operands = operands
        return True
