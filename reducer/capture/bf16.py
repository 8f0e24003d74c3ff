"""bfloat16 in the CPU run. Triton 3.2's interpreter keeps a bf16 value as its raw 16 bits (numpy has no bf16) and
does arithmetic on those bits as integers, so `x * w` on two bf16 tensors is garbage, and so is every result the
host then checks. While a launch runs, a bf16 value is held as a float32 array rounded to bf16 instead: memory is
still read and written as 16-bit words (through the memory guard), arithmetic and reductions see numbers, and every
bf16 result is rounded as the device rounds it (to nearest, ties to even).

bf16 atomics (add, max, min, exchange) run lane by lane on those numbers (the interpreter's C atomics would add
the bits as integers); a bf16 compare-and-swap is refused: the launch is recorded as unsupported, never run wrong.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np
import triton.language as tl
from triton.runtime import interpreter
from triton.runtime.interpreter import TensorHandle

from reducer.capture.patching import methods_replaced

_RAW = [0]  # > 0 while a memory op runs: bf16 is 16-bit words there


def _is_bf16(ty: Any) -> bool:
    ty = getattr(ty, "scalar", ty)
    return isinstance(ty, tl.dtype) and ty == tl.bfloat16


def rounded(values: np.ndarray) -> np.ndarray:
    """float32 values rounded to bf16 precision (nearest, ties to even; NaN stays NaN), still float32."""
    f = np.asarray(values, dtype=np.float32)
    bits = f.view(np.uint32).astype(np.uint64)
    up = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    out = up.astype(np.uint32).view(np.float32)
    return np.where(np.isnan(f), f, out).astype(np.float32)


def to_bits(values: np.ndarray) -> np.ndarray:
    if values.dtype == np.uint16:
        return values
    return (rounded(values).view(np.uint32) >> 16).astype(np.uint16)


def from_bits(bits: np.ndarray) -> np.ndarray:
    if bits.dtype != np.uint16:
        return np.asarray(bits, dtype=np.float32)
    return (bits.astype(np.uint32) << 16).view(np.float32)


@contextlib.contextmanager
def _raw() -> Iterator[None]:
    _RAW[0] += 1
    try:
        yield
    finally:
        _RAW[0] -= 1


_PREV: dict[str, Any] = {}  # the builder's methods as they were when the launch started (the guard's, say)
_NP_DTYPE = interpreter._get_np_dtype


def _get_np_dtype(tt_dtype: Any) -> Any:
    if _is_bf16(getattr(tt_dtype, "element_ty", tt_dtype)) and not isinstance(tt_dtype, tl.pointer_type) \
            and not _RAW[0]:
        return np.dtype(np.float32)
    return _NP_DTYPE(tt_dtype)


def _constant(self: Any, value: float) -> Any:  # `tl.full(..., tl.bfloat16)`: the 3.2 builder has no get_bf16
    return TensorHandle(rounded(np.array([value], dtype=np.float32)), tl.bfloat16)


def _masked_load(self: Any, ptrs: Any, mask: Any, other: Any, *rest: Any) -> Any:
    if not _is_bf16(ptrs.get_element_ty()):
        return _PREV["create_masked_load"](self, ptrs, mask, other, *rest)
    if other is not None:
        other = TensorHandle(to_bits(other.data), other.dtype)
    with _raw():
        got = _PREV["create_masked_load"](self, ptrs, mask, other, *rest)
    return TensorHandle(from_bits(got.data), got.dtype)


def _masked_store(self: Any, ptrs: Any, value: Any, mask: Any, *rest: Any) -> Any:
    if _is_bf16(value.dtype):
        value = TensorHandle(to_bits(value.data), value.dtype)
    with _raw():
        return _PREV["create_masked_store"](self, ptrs, value, mask, *rest)


_RMW = {"FADD": np.add, "MAX": np.maximum, "MIN": np.minimum, "XCHG": lambda old, new: new}


def _atomic_rmw(self: Any, op: Any, ptr: Any, val: Any, mask: Any, *rest: Any) -> Any:
    """A bf16 atomic, one lane after another (the interpreter runs one program at a time, so this is atomic):
    lanes that hit the same element each see the value the one before left, as on the device. Memory goes through
    the builder's own (guarded) load and store of the elements touched."""
    if not _is_bf16(val.dtype):
        return _PREV["create_atomic_rmw"](self, op, ptr, val, mask, *rest)
    combine = _RMW.get(getattr(op, "name", ""))
    if combine is None:
        raise NotImplementedError(f"bf16 atomic {getattr(op, 'name', op)} in the CPU interpreter")
    ptrs, values = np.broadcast_to(ptr.data, val.data.shape).ravel(), np.asarray(val.data, np.float32).ravel()
    active = np.broadcast_to(np.asarray(mask.data, bool), val.data.shape).ravel()
    touched = np.unique(ptrs[active])
    if not touched.size:
        return TensorHandle(np.zeros(val.data.shape, np.float32), val.dtype)
    where = TensorHandle(touched, ptr.dtype)
    every = TensorHandle(np.ones(touched.shape, bool), tl.int1)
    before = self.create_masked_load(where, every, None, None, None, False).data
    current = dict(zip(touched.tolist(), before, strict=True))
    old = np.zeros(values.shape, np.float32)
    for lane in np.flatnonzero(active):
        at = int(ptrs[lane])
        old[lane] = current[at]
        current[at] = rounded(combine(np.float32(current[at]), values[lane]))
    self.create_masked_store(where, TensorHandle(np.array([current[p] for p in touched.tolist()], np.float32),
                                                 val.dtype), every, None, None)
    return TensorHandle(old.reshape(val.data.shape), val.dtype)


def _atomic_cas(self: Any, ptr: Any, cmp: Any, val: Any, *rest: Any) -> Any:
    if _is_bf16(val.dtype):
        raise NotImplementedError("bf16 atomic_cas in the CPU interpreter")
    return _PREV["create_atomic_cas"](self, ptr, cmp, val, *rest)


def _cast(self: Any, src: Any, dst_type: Any) -> Any:
    if not (_is_bf16(src.dtype) or _is_bf16(dst_type)):
        return _PREV["cast_impl"](self, src, dst_type)
    return _converted(src, dst_type)


def _fp_to_fp(self: Any, src: Any, dst_type: Any, rounding_mode: Any) -> Any:
    if not (_is_bf16(src.dtype) or _is_bf16(dst_type)):
        return _PREV["create_fp_to_fp"](self, src, dst_type, rounding_mode)
    return _converted(src, dst_type)


def _bitcast(self: Any, src: Any, dst_type: Any) -> Any:
    if _is_bf16(src.dtype):
        return TensorHandle(to_bits(src.data).view(_NP_DTYPE(dst_type)), dst_type.scalar)
    if _is_bf16(dst_type):
        return TensorHandle(from_bits(src.data.view(np.uint16)), dst_type.scalar)
    return _PREV["create_bitcast"](self, src, dst_type)


def _fabs(self: Any, arg: Any) -> Any:
    if _is_bf16(arg.dtype):
        return TensorHandle(np.abs(arg.data), arg.dtype.scalar)
    return _PREV["create_fabs"](self, arg)


def _binary(self: Any, lhs: Any, rhs: Any, op: Any) -> Any:
    out = _PREV["binary_op"](self, lhs, rhs, op)
    return TensorHandle(rounded(out.data), out.dtype) if _is_bf16(out.dtype) else out


def _unary(self: Any, arg: Any, op: Any) -> Any:
    out = _PREV["unary_op"](self, arg, op)
    return TensorHandle(rounded(out.data), out.dtype) if _is_bf16(out.dtype) else out


_PATCHES = {"get_bf16": _constant, "create_masked_load": _masked_load, "create_masked_store": _masked_store,
            "create_atomic_rmw": _atomic_rmw, "create_atomic_cas": _atomic_cas,
            "cast_impl": _cast, "create_fp_to_fp": _fp_to_fp, "create_bitcast": _bitcast, "create_fabs": _fabs,
            "binary_op": _binary, "unary_op": _unary}


@contextlib.contextmanager
def bf16_as_values() -> Iterator[None]:
    """Enter inside the memory guard (its checks then see 16-bit words); everything is put back on exit."""
    with methods_replaced(type(interpreter.interpreter_builder), _PATCHES) as previous:
        _PREV.clear()
        _PREV.update(previous)
        interpreter._get_np_dtype = _get_np_dtype
        try:
            yield
        finally:
            interpreter._get_np_dtype = _NP_DTYPE


def _converted(src: Any, dst_type: Any) -> Any:
    data = from_bits(src.data) if _is_bf16(src.dtype) else src.data
    if _is_bf16(dst_type):
        return TensorHandle(rounded(data.astype(np.float32)), dst_type.scalar)
    return TensorHandle(data.astype(interpreter._get_np_dtype(dst_type)), dst_type.scalar)
