"""Replace control flow by one of its paths: the biggest cuts after erasing whole ops.

`scf.if` -> its then or else block inlined (yielded values replace the results); `scf.for` -> its body once
(iv = lower bound, iter_args = inits); `scf.while` -> its before-region once; `cf.cond_br` -> `cf.br` to one
side (unreachable blocks dropped); a block with a single `cf.br` predecessor merged into it.
Targets are listed outermost first, so the all-targets chunk flattens the whole kernel in one candidate.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.dialects.builtin import DenseArrayBase, ModuleOp
from xdsl.ir import Block, Operation, Region, SSAValue

from reducer.mlir import structure, values
from reducer.mlir.ops import op_name
from reducer.passes.base import ModulePass, PassContext


@dataclass(frozen=True)
class Target:
    op: Operation | None  # the control-flow op (None for a block merge)
    variant: int  # which side / region
    block: Block | None = None  # the block to merge into its predecessor


def _single_block(region: Region) -> Block | None:
    blocks = list(region.blocks)
    return blocks[0] if len(blocks) == 1 else None


def _replace_and_erase(op: Operation, results: list[SSAValue]) -> bool:
    if len(results) != len(op.results):
        return False
    for old, new in zip(op.results, results, strict=False):
        if old.type != new.type:
            return False
    for old, new in zip(op.results, results, strict=False):
        old.replace_all_uses_with(new)
    block = op.parent
    assert block is not None
    block.detach_op(op)
    op.erase(safe_erase=False)
    return True


def _variants(op: Operation) -> int:
    name = op_name(op)
    if name == "scf.if" and len(op.regions) == 2:
        then_ok = _single_block(op.regions[0]) is not None
        else_ok = _single_block(op.regions[1]) is not None or (not op.regions[1].blocks and not op.results)
        return 2 if then_ok and else_ok else int(then_ok)
    if name in ("scf.for", "scf.while") and op.regions and _single_block(op.regions[0]) is not None:
        return 1
    if name == "cf.cond_br" and len(op.successors) == 2:
        return 2
    return 0


def _inline(op: Operation, variant: int) -> bool:
    name = op_name(op)
    if name == "scf.if":
        region = op.regions[variant]
        block = _single_block(region)
        if block is None:  # empty else of an if without results
            return _replace_and_erase(op, [])
        yielded = structure.inline_block_before(block, op, [])
        return yielded is not None and _replace_and_erase(op, yielded)
    if name == "scf.for":
        block = _single_block(op.regions[0])
        lb, inits = op.operands[0], list(op.operands[3:])
        if block is None:
            return False
        yielded = structure.inline_block_before(block, op, [lb, *inits])
        return yielded is not None and _replace_and_erase(op, yielded)
    if name == "scf.while":
        block = _single_block(op.regions[0])
        if block is None:
            return False
        yielded = structure.inline_block_before(block, op, list(op.operands))
        return yielded is not None and _replace_and_erase(op, yielded[1:])
    if name == "cf.cond_br":
        return _cond_br_to_br(op, variant)
    return False


def _cond_br_to_br(op: Operation, variant: int) -> bool:
    sizes = op.properties.get("operandSegmentSizes", op.attributes.get("operandSegmentSizes"))
    if not isinstance(sizes, DenseArrayBase):
        return False
    _, n_true, n_false = (int(v) for v in sizes.get_values())
    ops = list(op.operands)
    dest_ops = ops[1 : 1 + n_true] if variant == 0 else ops[1 + n_true : 1 + n_true + n_false]
    block = op.parent
    assert block is not None
    br = values.create_op("cf.br", operands=dest_ops, successors=[op.successors[variant]])
    block.insert_op_before(br, op)
    block.detach_op(op)
    op.erase(safe_erase=False)
    region = block.parent
    if region is not None:
        structure.drop_unreachable_blocks(region)
    return True


def merge_into_predecessor(block: Block) -> bool:
    preds = structure.predecessors(block)
    region = block.parent
    if len(preds) != 1 or region is None or region.blocks.first is block or op_name(preds[0]) != "cf.br":
        return False
    br = preds[0]
    pred_block = br.parent
    if pred_block is None or pred_block is block:
        return False
    for arg, value in zip(block.args, list(br.operands), strict=False):
        arg.replace_all_uses_with(value)
    pred_block.detach_op(br)
    br.erase(safe_erase=False)
    for inner in list(block.ops):
        block.detach_op(inner)
        pred_block.add_op(inner)
    region.detach_block(block)
    block.erase(safe_erase=False)
    return True


class InlineRegions(ModulePass[Target]):
    name = "inline-regions"
    description = "replace scf.if/for/while and cf.cond_br by one path; merge single-predecessor blocks"

    def collect(self, module: ModuleOp, ctx: PassContext) -> list[Target]:
        found: list[Target] = []
        merges: list[Target] = []
        for op in module.walk():
            found.extend(Target(op, v) for v in range(_variants(op)))
            for region in op.regions:
                for block in list(region.blocks)[1:]:
                    preds = structure.predecessors(block)
                    if len(preds) == 1 and op_name(preds[0]) == "cf.br":
                        merges.append(Target(None, 0, block))
        return found + merges  # merges last: they only tidy up

    def edit(self, module: ModuleOp, chosen: list[Target], ctx: PassContext) -> bool:
        first_variant: dict[int, Target] = {}
        for t in chosen:
            key = id(t.op) if t.op is not None else id(t.block)
            first_variant.setdefault(key, t)
        done = False
        for t in reversed(list(first_variant.values())):  # innermost first
            if t.op is not None:
                if structure.is_attached(t.op, module):
                    done |= _inline(t.op, t.variant)
            elif t.block is not None and t.block.parent is not None:
                done |= merge_into_predecessor(t.block)
        return done
