"""Retarget a branch to another block of its region (llvm-reduce's basic-block and simplify-cfg deltas).

A branch to `^b` becomes a branch to `^c` (any block of the same region but the entry, the branch's own block
included: a self-loop) when `^c` takes the arguments `^b` took. The blocks nothing reaches any more are
dropped, and a `cf.cond_br` whose two sides now agree becomes a `cf.br`. Collapsing one side of a branch
(`inline-regions`) keeps both blocks' contents on the path; retargeting lets a store or a whole block go while
the control flow the bug needs stays.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation

from reducer.mlir import structure, values
from reducer.mlir.ops import op_name
from reducer.passes.base import ModulePass, PassContext

# Branches whose successor operands are, slot by slot, the operands after the condition.
_BRANCHES = ("cf.br", "cf.cond_br")


@dataclass(frozen=True)
class Target:
    op: Operation
    slot: int  # which successor
    block: Block  # the new one


def _slot_operands(op: Operation, slot: int) -> list:
    """The operands passed to successor `slot` (cf.cond_br: after the condition, by its segment sizes)."""
    operands = list(op.operands)
    if op_name(op) == "cf.br":
        return operands
    sizes = op.properties.get("operandSegmentSizes", op.attributes.get("operandSegmentSizes"))
    counts = list(getattr(sizes, "get_values", lambda: [])()) if sizes is not None else []
    if len(counts) != 3:
        return operands[1:] if slot == 0 and len(op.successors) == 2 and len(operands) == 1 else []
    start = 1 + (counts[1] if slot == 1 else 0)
    return operands[start : start + counts[1 + slot]]


def _candidates(op: Operation) -> list[tuple[int, Block]]:
    block = op.parent
    region = block.parent if block is not None else None
    if region is None or op_name(op) not in _BRANCHES:
        return []
    blocks = list(region.blocks)
    found = []
    for slot, current in enumerate(op.successors):
        types = [v.type for v in _slot_operands(op, slot)]
        for other in blocks[1:]:  # the entry block has no predecessors
            if other is not current and [a.type for a in other.args] == types:
                found.append((slot, other))
    return found


def _simplify(op: Operation) -> None:
    """`cf.cond_br %c, ^a(x), ^a(x)` -> `cf.br ^a(x)`."""
    if op_name(op) != "cf.cond_br" or len(op.successors) != 2 or op.successors[0] is not op.successors[1]:
        return
    if [id(v) for v in _slot_operands(op, 0)] != [id(v) for v in _slot_operands(op, 1)]:
        return
    block = op.parent
    assert block is not None
    br = values.create_op("cf.br", operands=_slot_operands(op, 0), successors=[op.successors[0]])
    block.insert_op_before(br, op)
    block.detach_op(op)
    op.erase(safe_erase=False)


class RetargetBranches(ModulePass[Target]):
    name = "retarget-branches"
    description = "point a branch at another block of its region (a self-loop too), dropping what is unreachable"

    def collect(self, module: ModuleOp, ctx: PassContext) -> list[Target]:
        found: list[Target] = []
        for op in module.walk():
            found.extend(Target(op, slot, block) for slot, block in _candidates(op))
        return found

    def edit(self, module: ModuleOp, chosen: list[Target], ctx: PassContext) -> bool:
        done: set[tuple[int, int]] = set()
        regions = []
        for t in chosen:
            key = (id(t.op), t.slot)
            if key in done or not structure.is_attached(t.op, module):
                continue  # one new target per slot; an earlier choice may have dropped this branch's block
            done.add(key)
            t.op.successors[t.slot] = t.block
            if t.op.parent is not None and t.op.parent.parent is not None:
                regions.append(t.op.parent.parent)
        if not done:
            return False
        for t in chosen:
            if structure.is_attached(t.op, module):
                _simplify(t.op)
        for region in regions:
            structure.drop_unreachable_blocks(region)
        return True
