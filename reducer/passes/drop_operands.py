"""Drop optional operands and optional properties of Triton memory ops: masks, `other`, `boundaryCheck`, `padding`.

A mask keeps its whole comparison chain alive (`make_range`, `splat`, `cmpi`); once the load or store no
longer takes it, `erase-ops` removes the chain. What is optional comes from Triton's op definitions, checked
against triton-adapter-opt's generic form: `tt.load` has segments (ptr, mask, other) in
`operandSegmentSizes`, and `other` means nothing without `mask`, so dropping the mask drops both;
`tt.store` (ptr, value, mask) and `tt.atomic_rmw` (ptr, val, mask) carry the mask as a trailing optional
operand without segment sizes.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.dialects.builtin import DenseArrayBase, ModuleOp, i32
from xdsl.ir import Operation

from reducer.mlir.ops import op_name
from reducer.passes.base import ModulePass, PassContext

_SEGMENTS = "operandSegmentSizes"
# op -> segment index of the mask, and the trailing segments that need it (dropped with it)
_SEGMENTED_MASK = {"tt.load": 1}
# op -> number of operands before the trailing optional mask
_TRAILING_MASK = {"tt.store": 2, "tt.atomic_rmw": 2}
# optional inherent attributes (default-valued or optional in the op definition)
_OPTIONAL_PROPS = {"tt.load": ("boundaryCheck", "padding"), "tt.store": ("boundaryCheck",)}


@dataclass(frozen=True)
class Drop:
    op: Operation
    what: str  # "mask", "other" (segment after the mask), or a property name


def _sizes(op: Operation) -> list[int] | None:
    sizes = op.properties.get(_SEGMENTS, op.attributes.get(_SEGMENTS))
    if not isinstance(sizes, DenseArrayBase):
        return None
    return [int(v) for v in sizes.get_values()]


def _set_sizes(op: Operation, sizes: list[int]) -> None:
    where = op.attributes if _SEGMENTS in op.attributes and _SEGMENTS not in op.properties else op.properties
    where[_SEGMENTS] = DenseArrayBase.from_list(i32, sizes)


def _droppable(op: Operation) -> list[str]:
    name = op_name(op)
    found: list[str] = []
    if name in _SEGMENTED_MASK:
        sizes, seg = _sizes(op), _SEGMENTED_MASK[name]
        if sizes is not None and len(sizes) > seg and sum(sizes) == len(op.operands):
            if sizes[seg] == 1:
                found.append("mask")
            if any(sizes[seg + 1 :]):
                found.append("other")
    elif name in _TRAILING_MASK and len(op.operands) == _TRAILING_MASK[name] + 1 and _sizes(op) is None:
        found.append("mask")
    found.extend(p for p in _OPTIONAL_PROPS.get(name, ()) if p in op.properties)
    return found


def _drop_segments(op: Operation, first: int) -> None:
    """Empty segments `first..` (counted in `operandSegmentSizes`) and drop their operands."""
    sizes = _sizes(op)
    assert sizes is not None
    keep = sum(sizes[:first])
    op.operands = list(op.operands)[:keep]
    _set_sizes(op, sizes[:first] + [0] * (len(sizes) - first))


def _apply(op: Operation, what: str) -> bool:
    """Drop `what` from `op`; False when an earlier drop already removed it."""
    if what not in _droppable(op):
        return False
    name = op_name(op)
    if what in ("mask", "other") and name in _SEGMENTED_MASK:
        _drop_segments(op, _SEGMENTED_MASK[name] + (0 if what == "mask" else 1))
    elif what == "mask":
        op.operands = list(op.operands)[: _TRAILING_MASK[name]]
    else:
        op.properties.pop(what, None)
    return True


class DropOperands(ModulePass[Drop]):
    name = "drop-operands"
    description = "drop optional operands and properties of tt.load/tt.store/tt.atomic_rmw (mask, other, boundaryCheck)"

    def collect(self, module: ModuleOp, ctx: PassContext) -> list[Drop]:
        return [Drop(op, what) for op in module.walk() for what in _droppable(op)]

    def edit(self, module: ModuleOp, chosen: list[Drop], ctx: PassContext) -> bool:
        done = False
        for d in chosen:
            done = _apply(d.op, d.what) or done
        return done
