"""Make `arith.constant` values boring: scalars and splats to 0 (then 1), dense arrays to a splat.

A reduced repro whose constants are 0/1 shows which value matters: the ones that stay are the bug's.
"""

from __future__ import annotations

from xdsl.dialects.builtin import AnyFloat, DenseIntOrFPElementsAttr, FloatAttr, IndexType, IntegerAttr, IntegerType
from xdsl.ir import Attribute, Operation

from reducer.mlir.ops import op_name
from reducer.passes.base import ModulePass, PassContext


def _value(op: Operation) -> Attribute | None:
    return op.properties.get("value") if op_name(op) == "arith.constant" else None


def _scalar(attr: Attribute) -> float | int | None:
    if isinstance(attr, IntegerAttr):
        return attr.value.data
    if isinstance(attr, FloatAttr):
        return attr.value.data
    if isinstance(attr, DenseIntOrFPElementsAttr) and len(attr) > 0 and attr.is_splat():
        return attr.get_values()[0]  # type: ignore[return-value]
    return None


def _with_value(attr: Attribute, v: int) -> Attribute | None:
    if isinstance(attr, IntegerAttr):
        t = attr.type
        if isinstance(t, IntegerType) and t.width.data == 1 and v == 1:
            return IntegerAttr(-1, t) if t.get_normalized_value(1) == -1 else IntegerAttr(1, t)
        return IntegerAttr(v, t)
    if isinstance(attr, FloatAttr):
        return FloatAttr(float(v), attr.type)
    if isinstance(attr, DenseIntOrFPElementsAttr):
        elem = attr.get_element_type()
        if isinstance(elem, IntegerType | IndexType):
            return DenseIntOrFPElementsAttr.from_list(attr.type, [v])
        if isinstance(elem, AnyFloat):
            return DenseIntOrFPElementsAttr.from_list(attr.type, [float(v)])
    return None


class _SetConstant(ModulePass[Operation]):
    target_value = 0
    skip: tuple[float, ...] = (0,)

    def collect(self, module, ctx: PassContext) -> list[Operation]:
        found = []
        for op in module.walk():
            attr = _value(op)
            cur = _scalar(attr) if attr is not None else None
            if cur is not None and cur not in self.skip and not (isinstance(cur, int) and cur == -1 and 1 in self.skip):
                found.append(op)
        return found

    def edit(self, module, chosen: list[Operation], ctx: PassContext) -> bool:
        for op in chosen:
            new = _with_value(op.properties["value"], self.target_value)
            if new is None:
                return False
            op.properties["value"] = new
        return True


class ConstantsZero(_SetConstant):
    name = "constants-zero"
    description = "set integer/float constants and splats to 0"


class ConstantsOne(_SetConstant):
    name = "constants-one"
    description = "set integer/float constants and splats that are not 0 or 1 to 1"
    target_value = 1
    skip = (0, 1)


class DenseSplat(ModulePass[Operation]):
    name = "dense-splat"
    description = "turn non-splat dense constants into a splat of their first element"

    def collect(self, module, ctx: PassContext) -> list[Operation]:
        found = []
        for op in module.walk():
            attr = _value(op)
            if isinstance(attr, DenseIntOrFPElementsAttr) and len(attr) > 1 and not attr.is_splat():
                found.append(op)
        return found

    def edit(self, module, chosen: list[Operation], ctx: PassContext) -> bool:
        for op in chosen:
            attr = op.properties["value"]
            assert isinstance(attr, DenseIntOrFPElementsAttr)
            op.properties["value"] = DenseIntOrFPElementsAttr.from_list(attr.type, [attr.get_values()[0]])  # type: ignore[list-item]
        return True
