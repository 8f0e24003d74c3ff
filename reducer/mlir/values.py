"""Where a replacement value comes from when a pass removes the op that defined it.

Order of preference, cheapest final IR first: an existing function argument of the type (costs no op), the
nearest dominating value, a new function argument (still no op; impossible when the function has callers), and
a zero `arith.constant` (one op, so it only pays when the erased op was bigger).
"""

from __future__ import annotations

from collections.abc import Iterator

from xdsl.dialects.builtin import (
    AnyFloat,
    DenseIntOrFPElementsAttr,
    FloatAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    TensorType,
)
from xdsl.ir import Attribute, Block, Operation, SSAValue

from reducer.mlir import funcs
from reducer.mlir.ops import op_name


def create_op(
    name: str,
    *,
    operands: list[SSAValue] | tuple[SSAValue, ...] = (),
    result_types: list[Attribute] | tuple[Attribute, ...] = (),
    properties: dict[str, Attribute] | None = None,
    attributes: dict[str, Attribute] | None = None,
    successors: list[Block] | tuple[Block, ...] = (),
) -> Operation:
    """A new unregistered op with the given real name (our context registers only builtin)."""
    from xdsl.dialects.builtin import UnregisteredOp

    cls = UnregisteredOp.with_name(name)
    return cls.create(
        operands=operands,
        result_types=result_types,
        properties=properties or {},
        attributes=attributes or {},
        successors=successors,
    )


def _block_values(block: Block, before: Operation | None) -> list[SSAValue]:
    """Values of `block` visible just before `before` (all of them when None), nearest first."""
    values: list[SSAValue] = []
    for op in block.ops:
        if op is before:
            break
        values.extend(op.results)
    values.reverse()
    values.extend(reversed(block.args))
    return values


def dominating_values(op: Operation) -> Iterator[SSAValue]:
    """Values usable as operands of `op`, nearest first, stopping at the enclosing function."""
    cur: Operation | None = op
    while cur is not None and cur.parent is not None:
        block = cur.parent
        yield from _block_values(block, cur)
        region = block.parent
        if region is not None and region.blocks and region.blocks.first is not block:
            yield from _block_values(region.blocks.first, None)  # the entry block dominates its region
        parent = block.parent_op()
        if parent is None or funcs.is_function(parent) or op_name(parent) == "builtin.module":
            return
        cur = parent


def zero_attr(t: Attribute) -> Attribute | None:
    """The zero value of a scalar or a splat of it for a tensor; None for types without a constant."""
    if isinstance(t, IntegerType | IndexType):
        return IntegerAttr(0, t)
    if isinstance(t, AnyFloat):
        return FloatAttr(0.0, t)
    if isinstance(t, TensorType) and t.has_static_shape():
        elem = t.get_element_type()
        if isinstance(elem, IntegerType | IndexType):
            return DenseIntOrFPElementsAttr.from_list(t, [0])
        if isinstance(elem, AnyFloat):
            return DenseIntOrFPElementsAttr.from_list(t, [0.0])
    return None


def insert_constant(before: Operation, t: Attribute, value: Attribute) -> SSAValue | None:
    block = before.parent
    if block is None:
        return None
    const = create_op("arith.constant", result_types=[t], properties={"value": value})
    block.insert_op_before(const, before)
    return const.results[0]


def stand_in(op: Operation, t: Attribute, avoid: frozenset[int] = frozenset()) -> SSAValue | None:
    """A value of type `t` valid at `op` that is not defined by `op` or by ops whose id() is in `avoid`."""
    func = funcs.enclosing_function(op)
    entry = funcs.entry_block(func) if func is not None else None
    if entry is not None:
        for arg in entry.args:
            if arg.type == t:
                return arg
    for value in dominating_values(op):
        owner = value.owner
        if value.type == t and not (isinstance(owner, Operation) and id(owner) in avoid):
            return value
    if func is not None:
        arg = funcs.add_argument(func, t)
        if arg is not None:
            return arg
    zero = zero_attr(t)
    if zero is not None:
        return insert_constant(op, t, zero)
    return None


def recreate(op: Operation, keep_results: list[int], operands: list[SSAValue] | None = None) -> Operation:
    """Rebuild `op` in place with only some of its results (xdsl cannot drop results); regions move over."""
    new = type(op).create(
        operands=list(op.operands) if operands is None else operands,
        result_types=[op.results[i].type for i in keep_results],
        properties=dict(op.properties),
        attributes=dict(op.attributes),
        successors=list(op.successors),
        regions=[op.detach_region(r) for r in list(op.regions)],
    )
    block = op.parent
    assert block is not None
    block.insert_op_before(new, op)
    for new_idx, old_idx in enumerate(keep_results):
        op.results[old_idx].replace_all_uses_with(new.results[new_idx])
    block.detach_op(op)
    op.erase(safe_erase=False)
    return new
