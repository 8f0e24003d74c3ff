"""Drop discardable attributes (the `{...}` dict of generic form, and per-argument `arg_attrs`/`res_attrs`
entries such as `tt.divisibility`). Inherent attributes live in `<{...}>` properties and are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.dialects.builtin import ArrayAttr, DictionaryAttr, ModuleOp
from xdsl.ir import Operation

from reducer.passes.base import ModulePass, PassContext

_INTERNAL = "op_name__"  # xdsl's own bookkeeping on unregistered ops
_PER_ARG = ("arg_attrs", "res_attrs")


@dataclass(frozen=True)
class AttrRef:
    op: Operation
    key: str  # attribute name, or arg_attrs/res_attrs
    index: int = -1  # argument index inside arg_attrs/res_attrs
    inner: str = ""  # entry name inside that argument's dictionary


def _per_arg(op: Operation, key: str) -> ArrayAttr | None:
    attr = op.properties.get(key, op.attributes.get(key))
    return attr if isinstance(attr, ArrayAttr) else None


class DropAttributes(ModulePass[AttrRef]):
    name = "drop-attributes"
    description = "drop discardable attributes and per-argument attributes (tt.divisibility, noinline, ...)"

    def collect(self, module: ModuleOp, ctx: PassContext) -> list[AttrRef]:
        found: list[AttrRef] = []
        for op in module.walk():
            found.extend(AttrRef(op, k) for k in op.attributes if k != _INTERNAL and k not in _PER_ARG)
            for key in _PER_ARG:
                arr = _per_arg(op, key)
                for i, d in enumerate(arr.data if arr is not None else ()):
                    if isinstance(d, DictionaryAttr):
                        found.extend(AttrRef(op, key, i, name) for name in d.data)
        return found

    def edit(self, module: ModuleOp, chosen: list[AttrRef], ctx: PassContext) -> bool:
        for ref in chosen:
            if ref.index < 0:
                ref.op.attributes.pop(ref.key, None)
                continue
            arr = _per_arg(ref.op, ref.key)
            if arr is None:
                return False
            items = list(arr.data)
            d = items[ref.index]
            assert isinstance(d, DictionaryAttr)
            items[ref.index] = DictionaryAttr({k: v for k, v in d.data.items() if k != ref.inner})
            where = ref.op.properties if ref.key in ref.op.properties else ref.op.attributes
            if any(isinstance(x, DictionaryAttr) and x.data for x in items):
                where[ref.key] = ArrayAttr(items)
            else:
                where.pop(ref.key, None)
        return True
