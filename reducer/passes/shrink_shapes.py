"""Shrink tensor dimensions consistently across the module: every chosen size becomes 2 everywhere.

Works on the printed text because sizes also hide inside opaque dialect types (`!tt.ptr<tensor<128x64xf32>>`),
which xdsl keeps as strings; `tt.make_range` bounds are fixed up on the module first so they keep matching
their result type, and linalg-level `static_sizes` / `static_strides` / `strided<[...]>` follow (a row-major
stride equal to an inner size stays consistent; products of several sizes do not, and the predicate says so).
One target per distinct size, largest first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, IntegerAttr
from xdsl.ir import Operation

from reducer.mlir.module import print_module
from reducer.mlir.ops import op_name
from reducer.passes.base import PassContext, Subject

_SHAPED = re.compile(r"\b(tensor|memref|vector)<((?:\d+x)+)")
# memref.reinterpret_cast / subview and tensor.extract_slice carry the result sizes as an attribute too
_STATIC_SIZES = re.compile(r"(static_(?:sizes|strides) = array<i64: )(-?\d+(?:, -?\d+)*)>")
_STRIDED = re.compile(r"(strided<\[)([^\]]*)\]")
SMALL = 2


def _dims(text: str) -> list[int]:
    sizes = {int(d) for m in _SHAPED.finditer(text) for d in m.group(2).split("x") if d}
    return sorted((d for d in sizes if d > SMALL), reverse=True)


def _splat_dense(op: Operation, mapping: dict[int, int]) -> None:
    """A non-splat dense literal cannot keep its element count in a smaller type: make it a splat first."""
    for store in (op.properties, op.attributes):
        for key, attr in list(store.items()):
            if (
                isinstance(attr, DenseIntOrFPElementsAttr)
                and len(attr) > 1
                and any(d in mapping for d in attr.get_shape())
                and not attr.is_splat()
            ):
                store[key] = DenseIntOrFPElementsAttr.from_list(attr.type, [attr.get_values()[0]])  # type: ignore[list-item]


class ShrinkShapes:
    name = "shrink-shapes"
    description = "rewrite a tensor size (e.g. 128) to 2 in every type, splat and tt.make_range of the module"
    needs_module = True

    def targets(self, subject: Subject, ctx: PassContext) -> int:
        return len(_dims(subject.text))

    def apply(self, subject: Subject, chosen: Sequence[int], ctx: PassContext) -> str | None:
        if subject.module is None:
            return None
        dims = _dims(subject.text)
        mapping = {dims[i]: SMALL for i in chosen if i < len(dims)}
        if not mapping:
            return None
        module = subject.module.clone()
        for op in module.walk():
            _splat_dense(op, mapping)
            if op_name(op) != "tt.make_range":
                continue
            start, end = op.properties.get("start"), op.properties.get("end")
            if isinstance(start, IntegerAttr) and isinstance(end, IntegerAttr):
                size = end.value.data - start.value.data
                if size in mapping:
                    op.properties["end"] = IntegerAttr(start.value.data + mapping[size], end.type)

        def shrink(m: re.Match[str]) -> str:
            parts = [str(mapping.get(int(d), int(d))) for d in m.group(2).split("x") if d]
            return f"{m.group(1)}<{'x'.join(parts)}x"

        def shrink_sizes(m: re.Match[str]) -> str:
            parts = [str(mapping.get(int(d), int(d))) for d in m.group(2).split(", ")]
            return f"{m.group(1)}{', '.join(parts)}>"

        def shrink_strided(m: re.Match[str]) -> str:
            parts = [str(mapping.get(int(d), int(d))) if d.isdigit() else d for d in m.group(2).split(", ")]
            return f"{m.group(1)}{', '.join(parts)}]"

        text = _SHAPED.sub(shrink, print_module(module))
        return _STRIDED.sub(shrink_strided, _STATIC_SIZES.sub(shrink_sizes, text))
