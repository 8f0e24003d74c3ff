"""Function-level cuts: unused functions, calls inlined, arguments and results dropped.

Kept together because they share the signature bookkeeping of `reducer.mlir.funcs`; each class is still one
registered pass with its own name.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation

from reducer.mlir import funcs, structure, values
from reducer.mlir.ops import op_name
from reducer.passes.base import ModulePass, PassContext


def _called_names(module: ModuleOp) -> set[str]:
    return {n for op in module.walk() if op_name(op) in funcs.CALL_OPS and (n := funcs.callee_name(op)) is not None}


class DropUnusedFuncs(ModulePass[Operation]):
    name = "drop-unused-funcs"
    description = "erase functions nothing calls (never the last remaining function)"

    def collect(self, module: ModuleOp, ctx: PassContext) -> list[Operation]:
        called = _called_names(module)
        all_funcs = list(funcs.functions(module))
        if len(all_funcs) < 2:
            return []
        return [f for f in all_funcs if funcs.symbol_name(f) not in called]

    def edit(self, module: ModuleOp, chosen: list[Operation], ctx: PassContext) -> bool:
        if len(chosen) >= len(list(funcs.functions(module))):
            return False
        for f in chosen:
            block = f.parent
            assert block is not None
            block.detach_op(f)
            f.erase(safe_erase=False)
        return True


class InlineCalls(ModulePass[Operation]):
    name = "inline-calls"
    description = "inline tt.call/func.call of single-block callees defined in the module"

    def collect(self, module: ModuleOp, ctx: PassContext) -> list[Operation]:
        by_name = {funcs.symbol_name(f): f for f in funcs.functions(module)}
        found = []
        for op in module.walk():
            if op_name(op) in funcs.CALL_OPS:
                callee = by_name.get(funcs.callee_name(op))
                if (
                    callee is not None
                    and len(list(callee.regions[0].blocks)) == 1
                    and callee is not funcs.enclosing_function(op)
                ):
                    found.append(op)
        return found

    def edit(self, module: ModuleOp, chosen: list[Operation], ctx: PassContext) -> bool:
        by_name = {funcs.symbol_name(f): f for f in funcs.functions(module)}
        for call in reversed(chosen):
            callee = by_name.get(funcs.callee_name(call))
            if callee is None:
                return False
            body = callee.regions[0].clone()
            block = body.blocks.first
            assert block is not None
            returned = structure.inline_block_before(block, call, list(call.operands))
            if returned is None or len(returned) != len(call.results):
                return False
            for old, new in zip(call.results, returned, strict=False):
                old.replace_all_uses_with(new)
            parent = call.parent
            assert parent is not None
            parent.detach_op(call)
            call.erase(safe_erase=False)
        return True


@dataclass(frozen=True)
class ArgRef:
    func: Operation
    index: int


class DropFuncArgs(ModulePass[ArgRef]):
    name = "drop-func-args"
    description = "drop unused function arguments, or merge one into another argument of the same type"

    def collect(self, module: ModuleOp, ctx: PassContext) -> list[ArgRef]:
        found = []
        for f in funcs.functions(module):
            block = funcs.entry_block(f)
            if block is not None:
                found.extend(ArgRef(f, i) for i in range(len(block.args)))
        return found

    def edit(self, module: ModuleOp, chosen: list[ArgRef], ctx: PassContext) -> bool:
        for ref in reversed(chosen):  # highest index first keeps the others' indices valid
            block = funcs.entry_block(ref.func)
            assert block is not None
            arg = block.args[ref.index]
            if arg.uses:  # a constant stand-in would add an op: never smaller, so only a twin argument
                others = [a for a in block.args if a is not arg and a.type == arg.type]
                if not others:
                    return False
                arg.replace_all_uses_with(others[0])
            if not funcs.erase_argument(ref.func, ref.index):
                return False
        return True


@dataclass(frozen=True)
class ResultRef:
    func: Operation
    index: int


class DropFuncResults(ModulePass[ResultRef]):
    name = "drop-func-results"
    description = "drop function results; callers' uses get stand-in values"

    def collect(self, module: ModuleOp, ctx: PassContext) -> list[ResultRef]:
        found = []
        for f in funcs.functions(module):
            ftype = funcs.function_type(f)
            if ftype is not None:
                found.extend(ResultRef(f, i) for i in range(len(ftype.outputs.data)))
        return found

    def edit(self, module: ModuleOp, chosen: list[ResultRef], ctx: PassContext) -> bool:
        for ref in reversed(chosen):
            name = funcs.symbol_name(ref.func)
            for call in funcs.calls_to(module, name) if name is not None else []:
                result = call.results[ref.index]
                if result.uses:
                    repl = values.stand_in(call, result.type, frozenset({id(call)}))
                    if repl is None:
                        return False
                    result.replace_all_uses_with(repl)
                values.recreate(call, [i for i in range(len(call.results)) if i != ref.index])
            funcs.erase_result(ref.func, ref.index)
        return structure.is_attached(module, module)
