"""Function-like ops (`tt.func`, `func.func`) seen through their generic properties.

Passes that add or drop arguments must keep `function_type`, `arg_attrs` / `res_attrs`, the entry block
and every call site in step, or the printed module no longer verifies.
"""

from __future__ import annotations

from collections.abc import Iterator

from xdsl.dialects.builtin import (
    ArrayAttr,
    DictionaryAttr,
    FlatSymbolRefAttr,
    FunctionType,
    StringAttr,
    SymbolRefAttr,
)
from xdsl.ir import Attribute, Block, BlockArgument, Operation

from reducer.mlir.ops import op_name

FUNC_OPS = frozenset({"tt.func", "func.func", "llvm.func"})
CALL_OPS = frozenset({"tt.call", "func.call"})
RETURN_OPS = frozenset({"tt.return", "func.return", "llvm.return"})


def _get(op: Operation, key: str) -> Attribute | None:
    return op.properties.get(key, op.attributes.get(key))


def _set(op: Operation, key: str, value: Attribute | None) -> None:
    where = op.attributes if key in op.attributes and key not in op.properties else op.properties
    if value is None:
        where.pop(key, None)
    else:
        where[key] = value


def is_function(op: Operation) -> bool:
    return op_name(op) in FUNC_OPS


def functions(module: Operation) -> Iterator[Operation]:
    for op in module.walk():
        if is_function(op):
            yield op


def symbol_name(func: Operation) -> str | None:
    name = _get(func, "sym_name")
    return name.data if isinstance(name, StringAttr) else None


def function_type(func: Operation) -> FunctionType | None:
    ftype = _get(func, "function_type")
    return ftype if isinstance(ftype, FunctionType) else None


def entry_block(func: Operation) -> Block | None:
    if not func.regions or not func.regions[0].blocks:
        return None
    return func.regions[0].blocks.first


def enclosing_function(op: Operation) -> Operation | None:
    cur = op.parent_op()
    while cur is not None and not is_function(cur):
        cur = cur.parent_op()
    return cur


def callee_name(call: Operation) -> str | None:
    ref = _get(call, "callee")
    if isinstance(ref, SymbolRefAttr | FlatSymbolRefAttr):
        return ref.root_reference.data
    return None


def calls_to(module: Operation, name: str) -> list[Operation]:
    return [op for op in module.walk() if op_name(op) in CALL_OPS and callee_name(op) == name]


def returns_of(func: Operation) -> list[Operation]:
    return [op for op in func.walk() if op_name(op) in RETURN_OPS and enclosing_function(op) is func]


def _edit_list_attr(func: Operation, key: str, index: int, insert: bool, count: int) -> None:
    attrs = _get(func, key)
    if not isinstance(attrs, ArrayAttr):
        return
    items = list(attrs.data)
    if insert:
        items.insert(index, DictionaryAttr({}))
    elif index < len(items):
        items.pop(index)
    if len(items) != count:
        return
    _set(func, key, ArrayAttr(items) if any(isinstance(d, DictionaryAttr) and d.data for d in items) else None)


def add_argument(func: Operation, arg_type: Attribute) -> BlockArgument | None:
    """Append an argument to a function without callers; None when it has callers (they would need a value)."""
    ftype, block, name = function_type(func), entry_block(func), symbol_name(func)
    if ftype is None or block is None:
        return None
    module = func.parent_op()
    if name is not None and module is not None and calls_to(module, name):
        return None
    inputs = [*ftype.inputs.data, arg_type]
    arg = block.insert_arg(arg_type, len(block.args))
    _set(func, "function_type", FunctionType.from_lists(inputs, list(ftype.outputs.data)))
    _edit_list_attr(func, "arg_attrs", len(inputs) - 1, True, len(inputs))
    return arg


def erase_argument(func: Operation, index: int) -> bool:
    """Drop an unused argument from the signature, the entry block and every call site."""
    ftype, block, name = function_type(func), entry_block(func), symbol_name(func)
    if ftype is None or block is None or index >= len(block.args):
        return False
    arg = block.args[index]
    if arg.uses:
        return False
    block.erase_arg(arg)
    inputs = list(ftype.inputs.data)
    inputs.pop(index)
    _set(func, "function_type", FunctionType.from_lists(inputs, list(ftype.outputs.data)))
    _edit_list_attr(func, "arg_attrs", index, False, len(inputs))
    module = func.parent_op()
    if name is not None and module is not None:
        for call in calls_to(module, name):
            ops = list(call.operands)
            if index < len(ops):
                ops.pop(index)
                call.operands = ops
    return True


def erase_result(func: Operation, index: int) -> None:
    """Drop result `index` from the signature and the returns; callers must have dropped their uses."""
    ftype = function_type(func)
    if ftype is None:
        return
    outputs = list(ftype.outputs.data)
    outputs.pop(index)
    _set(func, "function_type", FunctionType.from_lists(list(ftype.inputs.data), outputs))
    _edit_list_attr(func, "res_attrs", index, False, len(outputs))
    for ret in returns_of(func):
        ops = list(ret.operands)
        if index < len(ops):
            ops.pop(index)
            ret.operands = ops
