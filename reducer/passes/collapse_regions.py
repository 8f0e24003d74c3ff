"""Replace a region op whose region only forwards an argument by what it forwards.

A `tt.reduce` or `tt.scan` whose combine region returns one of its block arguments unchanged, or a
`linalg.generic` / `linalg.map` whose body yields an input element, computes nothing: each result is one of
its operands, in place (same type: a scan, a generic) or reshaped (a reduce over an axis of size 1 is a
`tt.reshape` dropping that axis). Other reductions leave such ops behind once `bypass-ops` has emptied their
regions; `bypass-ops` itself may only pick an operand of the result's type, and cannot see what a region says.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.dialects.builtin import IntegerAttr, ModuleOp
from xdsl.ir import Attribute, BlockArgument, Operation, SSAValue

from reducer.mlir import structure, values
from reducer.mlir.ops import op_name
from reducer.passes.base import ModulePass, PassContext


@dataclass(frozen=True)
class Target:
    op: Operation


def _forwarded(op: Operation) -> list[int | SSAValue] | None:
    """For each result, the index of the block argument the region returns for it, or the value from outside
    the op it returns; None when the op has not exactly one single-block region whose terminator returns only
    its block's arguments and values defined outside it."""
    if len(op.regions) != 1 or len(op.regions[0].blocks) != 1 or not op.results:
        return None
    block = op.regions[0].blocks.first
    last = block.last_op if block is not None else None
    if last is None or len(last.operands) != len(op.results):
        return None
    found: list[int | SSAValue] = []
    for v in last.operands:
        if isinstance(v, BlockArgument) and v.block is block:
            found.append(v.index)
        elif _outside(v, op):
            found.append(v)
        else:
            return None
    return found


def _outside(v: SSAValue, op: Operation) -> bool:
    """`v` is defined outside `op` (so it dominates it: the region could use it)."""
    owner = v.owner
    inner = owner if isinstance(owner, Operation) else owner.parent_op()
    return inner is None or not structure.is_attached(inner, op)


def _reduce_axis(op: Operation) -> int | None:
    axis = op.properties.get("axis", op.attributes.get("axis"))
    return axis.value.data if isinstance(axis, IntegerAttr) else None


def _replacements(op: Operation) -> list[SSAValue | tuple[SSAValue, Attribute]] | None:
    """Per result: the operand itself (same type) or (operand, type to reshape it to); None when impossible."""
    picks = _forwarded(op)
    operands = list(op.operands)
    if picks is None or not operands:
        return None
    out: list[SSAValue | tuple[SSAValue, Attribute]] = []
    for result, arg in zip(op.results, picks, strict=True):
        # Combine regions take (accumulators..., elements...); a value from outside is what the op yields.
        source = arg if isinstance(arg, SSAValue) else operands[arg % len(operands)]
        if source.type == result.type:
            out.append(source)
            continue
        axis = _reduce_axis(op) if op_name(op) == "tt.reduce" else None
        get_shape = getattr(source.type, "get_shape", None)
        shape = list(get_shape()) if get_shape is not None else []
        if axis is None or not (0 <= axis < len(shape)) or shape[axis] != 1:
            return None
        out.append((source, result.type))
    return out


class CollapseRegions(ModulePass[Target]):
    name = "collapse-regions"
    description = "replace a reduce / scan / generic whose region only forwards a value by that value"

    def collect(self, module: ModuleOp, ctx: PassContext) -> list[Target]:
        return [Target(op) for op in reversed(list(module.walk()))
                if not structure.is_structural(op) and _replacements(op) is not None]

    def edit(self, module: ModuleOp, chosen: list[Target], ctx: PassContext) -> bool:
        for t in chosen:
            if not structure.is_attached(t.op, module):
                continue
            ways = _replacements(t.op)
            block = t.op.parent
            if ways is None or block is None:
                return False
            for result, way in zip(t.op.results, ways, strict=True):
                if isinstance(way, tuple):
                    reshape = values.create_op("tt.reshape", operands=[way[0]], result_types=[way[1]])
                    block.insert_op_before(reshape, t.op)
                    way = reshape.results[0]
                result.replace_all_uses_with(way)
            block.detach_op(t.op)
            t.op.erase(safe_erase=False)
        return True
