"""Jump threading: a block that only forwards (`cf.br ^next` and nothing else) is bypassed.

Its predecessors branch straight to `^next` and the empty block disappears. Collapsing a branch
(`inline-regions`) leaves such blocks behind, and merging cannot remove them once the join has
two predecessors; canonicalize would, but triton-adapter-opt registers no canonicalize pass.
"""

from __future__ import annotations

from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block

from reducer.mlir import structure
from reducer.mlir.ops import op_name
from reducer.passes.base import ModulePass, PassContext


def _forward_target(block: Block) -> Block | None:
    """The block this one only forwards to (no arguments on either side), else None."""
    ops = list(block.ops)
    if len(ops) != 1 or op_name(ops[0]) != "cf.br" or block.args:
        return None
    br = ops[0]
    if list(br.operands) or len(br.successors) != 1 or br.successors[0] is block:
        return None
    return br.successors[0]


class ThreadBranches(ModulePass[Block]):
    name = "thread-branches"
    description = "bypass blocks that only `cf.br` onward: predecessors jump straight to the target"

    def collect(self, module: ModuleOp, ctx: PassContext) -> list[Block]:
        found = []
        for op in module.walk():
            for region in op.regions:
                found.extend(b for b in list(region.blocks)[1:] if _forward_target(b) is not None)
        return found

    def edit(self, module: ModuleOp, chosen: list[Block], ctx: PassContext) -> bool:
        done = False
        for block in chosen:
            target = _forward_target(block)
            region = block.parent
            if target is None or region is None:
                continue
            for pred in structure.predecessors(block):
                for i, succ in enumerate(list(pred.successors)):
                    if succ is block:
                        pred.successors[i] = target
                        done = True
            structure.drop_unreachable_blocks(region)
        return done
