"""Replace an op by one of its own operands of the result's type (`%y = f(%x)` -> uses of %y take %x).

Erasing a link in the middle of a chain (load -> dot -> max -> store) with an unrelated stand-in cuts the
crashing producer off from its consumer, and the compiler then drops the producer as dead; passing the
operand through keeps the chain connected while removing the op.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, SSAValue

from reducer.mlir import structure
from reducer.mlir.ops import op_name
from reducer.passes.base import ModulePass, PassContext


def _pass_throughs(op: Operation) -> list[list[SSAValue]]:
    """Ways to replace the results by operands, one per candidate operand, values defined by ops first."""
    operands = list(op.operands)
    if op_name(op) == "scf.for":
        inits = operands[3:]  # results correspond to the inits, position by position
        return [inits] if len(inits) == len(op.results) else []
    if len(op.results) != 1:
        matches = [next((v for v in operands if v.type == r.type), None) for r in op.results]
        return [[m for m in matches if m is not None]] if all(m is not None for m in matches) else []
    result = op.results[0]
    distinct: list[SSAValue] = []
    for v in operands:
        if v.type == result.type and all(v is not d for d in distinct):
            distinct.append(v)
    distinct.sort(key=lambda v: isinstance(v.owner, Block))  # chains through ops before function arguments
    return [[v] for v in distinct]


@dataclass(frozen=True)
class Target:
    op: Operation
    replacement: int  # index into _pass_throughs(op)


class BypassOps(ModulePass[Target]):
    name = "bypass-ops"
    description = "replace an op by its own operand of the same type, keeping def-use chains connected"

    def collect(self, module: ModuleOp, ctx: PassContext) -> list[Target]:
        found: list[Target] = []
        for op in reversed(list(module.walk())):
            if op.results and not structure.is_structural(op):
                found.extend(Target(op, i) for i in range(len(_pass_throughs(op))))
        return found

    def edit(self, module: ModuleOp, chosen: list[Target], ctx: PassContext) -> bool:
        done: set[int] = set()
        for t in chosen:  # latest first: a bypassed user never points at a bypassed-and-erased def
            if id(t.op) in done or not structure.is_attached(t.op, module):
                continue
            done.add(id(t.op))
            ways = _pass_throughs(t.op)
            block = t.op.parent
            if t.replacement >= len(ways) or block is None:
                return False
            for result, value in zip(t.op.results, ways[t.replacement], strict=True):
                result.replace_all_uses_with(value)
            block.detach_op(t.op)
            t.op.erase(safe_erase=False)
        return True
