"""Make a loop run once while keeping it a loop: `scf.for %i = %lb to %ub step %s` -> upper bound `lb + s`.

Peeling (`inline-regions`) removes the loop, which loses a bug that needs one (a memory plan that
double-buffers across iterations, a loop-carried value). With one iteration the loop stays, and the constants
that only fed its trip count (a `K` of 4096 over a `BLOCK_K` of 64) go with the next `erase-ops`. Bounds must
be `arith.constant`s; the new bound is a new constant just before the loop (others may share the old one).
"""

from __future__ import annotations

from xdsl.dialects.builtin import IntegerAttr, ModuleOp
from xdsl.ir import Operation, SSAValue

from reducer.mlir import structure, values
from reducer.mlir.ops import op_name
from reducer.passes.base import ModulePass, PassContext


def _constant(v: SSAValue) -> int | None:
    owner = v.owner
    if not isinstance(owner, Operation) or op_name(owner) != "arith.constant":
        return None
    attr = owner.properties.get("value", owner.attributes.get("value"))
    return attr.value.data if isinstance(attr, IntegerAttr) else None


def _bounds(op: Operation) -> tuple[int, int, int] | None:
    if op_name(op) != "scf.for" or len(op.operands) < 3:
        return None
    lb, ub, step = (_constant(v) for v in op.operands[:3])
    if lb is None or ub is None or step is None or step <= 0 or ub - lb <= step:
        return None  # unknown, or one iteration (or none) already
    return lb, ub, step


class ShrinkLoopBounds(ModulePass[Operation]):
    name = "loop-once"
    description = "set a constant-bounded scf.for's upper bound to lower + step: one iteration, still a loop"

    def collect(self, module: ModuleOp, ctx: PassContext) -> list[Operation]:
        return [op for op in module.walk() if _bounds(op) is not None]

    def edit(self, module: ModuleOp, chosen: list[Operation], ctx: PassContext) -> bool:
        for op in chosen:
            found = _bounds(op)
            block = op.parent
            if found is None or block is None or not structure.is_attached(op, module):
                return False
            lb, _, step = found
            ub = op.operands[1]
            const = values.create_op("arith.constant", result_types=[ub.type],
                                     properties={"value": IntegerAttr(lb + step, ub.type)})
            block.insert_op_before(const, op)
            operands = list(op.operands)
            operands[1] = const.results[0]
            op.operands = operands
        return True
