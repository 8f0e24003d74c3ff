"""Stored values as wide as their Triton type. numpy widens the sums and cumulative sums of small integers to
int64, so in Triton 3.2's interpreter `tl.cumsum` of an int32 block is int64 data behind an int32 type, and storing
it writes 8 bytes per element through an int32 pointer: past the tensor's end (the memory guard stops it) or over
the next element. Before a value reaches memory it is cast to its type's width, as the compiled kernel stores it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from triton.runtime import interpreter
from triton.runtime.interpreter import TensorHandle

from reducer.capture.patching import methods_replaced

_PREV: dict[str, Any] = {}


def _narrowed(value: Any) -> Any:
    if not isinstance(value, TensorHandle):
        return value
    want = interpreter._get_np_dtype(value.dtype)
    return value if value.data.dtype == want else TensorHandle(value.data.astype(want), value.dtype)


def _masked_store(self: Any, ptrs: Any, value: Any, mask: Any, *rest: Any) -> Any:
    return _PREV["create_masked_store"](self, ptrs, _narrowed(value), mask, *rest)


def _atomic_rmw(self: Any, op: Any, ptr: Any, val: Any, mask: Any, *rest: Any) -> Any:
    return _PREV["create_atomic_rmw"](self, op, ptr, _narrowed(val), mask, *rest)


def _atomic_cas(self: Any, ptr: Any, cmp: Any, val: Any, *rest: Any) -> Any:
    return _PREV["create_atomic_cas"](self, ptr, _narrowed(cmp), _narrowed(val), *rest)


_PATCHES = {"create_masked_store": _masked_store, "create_atomic_rmw": _atomic_rmw, "create_atomic_cas": _atomic_cas}


@contextlib.contextmanager
def stored_at_their_width() -> Iterator[None]:
    """Enter inside the memory guard (its checks then see the width that is written); put back on exit."""
    with methods_replaced(type(interpreter.interpreter_builder), _PATCHES) as previous:
        _PREV.clear()
        _PREV.update(previous)
        yield
