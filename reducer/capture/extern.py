"""libdevice calls in the CPU run. Triton 3.2's interpreter refuses every `extern_elementwise`, so a kernel that
calls `tanh` from `triton.language.math` (on Ascend, triton-ascend's libdevice: `__hmf_tanhf`) cannot run on the
CPU and its outputs stay as they were. Each symbol whose meaning is plain is computed with numpy instead, in the
result type the call declares; any other symbol is still refused (the launch is recorded as unsupported).
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from triton.runtime import interpreter
from triton.runtime.interpreter import TensorHandle

from reducer.capture.patching import methods_replaced

_erf = np.vectorize(math.erf, otypes=[np.float64])


def _round_half_away(x: np.ndarray) -> np.ndarray:
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


# By the name libdevice gives the operation once its library prefix and type suffix are taken off.
_BY_NAME: dict[str, Callable[..., Any]] = {
    "tanh": np.tanh, "tan": np.tan, "atan": np.arctan, "atan2": np.arctan2, "sin": np.sin, "cos": np.cos,
    "asin": np.arcsin, "acos": np.arccos, "sinh": np.sinh, "cosh": np.cosh, "asinh": np.arcsinh,
    "acosh": np.arccosh, "atanh": np.arctanh, "exp": np.exp, "exp2": np.exp2, "expm1": np.expm1, "log": np.log,
    "log2": np.log2, "log10": np.log10, "log1p": np.log1p, "sqrt": np.sqrt, "rsqrt": lambda x: 1 / np.sqrt(x),
    "recip": lambda x: 1 / x, "relu": lambda x: np.maximum(x, 0), "erf": _erf, "floor": np.floor,
    "ceil": np.ceil, "trunc": np.trunc, "fabs": np.abs, "abs": np.abs, "round": _round_half_away,
    "rint": np.rint, "pow": np.power, "powi": np.power, "ldexp": lambda x, n: np.ldexp(x, n.astype(np.int32)),
    "fmod": np.fmod, "isinf": np.isinf, "isnan": np.isnan, "signbit": np.signbit, "copysign": np.copysign,
    "fmax": np.fmax, "fmin": np.fmin, "hypot": np.hypot, "cbrt": np.cbrt,
}
# __hmf_tanhf / __hmf_tanhDh (triton-ascend), __nv_tanhf (CUDA's libdevice), __ocml_tanh_f32 (ROCm's)
_PREFIX = re.compile(r"^__(?:hmf|nv|ocml)_")
_SUFFIXES = ("_f16", "_f32", "_f64", "bf16", "Dh", "Db", "f", "d")


def operation(symbol: str) -> Callable[..., Any] | None:
    """numpy's function for a libdevice symbol, or None when its meaning is not plain."""
    if not _PREFIX.match(symbol):
        return None
    name = _PREFIX.sub("", symbol)
    if name in _BY_NAME:  # the whole name first: `isinf`, `erf` (double) end in what looks like a suffix
        return _BY_NAME[name]
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and name[: -len(suffix)] in _BY_NAME:
            return _BY_NAME[name[: -len(suffix)]]
    return None


_PREV: dict[str, Any] = {}


def _extern_elementwise(self: Any, lib_name: Any, lib_path: Any, symbol: str, args: list[Any], ret_type: Any,
                        is_pure: Any) -> Any:
    fn = operation(symbol)
    if fn is None:
        return _PREV["create_extern_elementwise"](self, lib_name, lib_path, symbol, args, ret_type, is_pure)
    with np.errstate(all="ignore"):  # inf and NaN are results here, as on the device
        out = np.asarray(fn(*[a.data for a in args]))
    scalar = getattr(ret_type, "scalar", ret_type)
    return TensorHandle(out.astype(interpreter._get_np_dtype(scalar)), scalar)


@contextlib.contextmanager
def libdevice_on_numpy() -> Iterator[None]:
    replacements = {"create_extern_elementwise": _extern_elementwise}
    with methods_replaced(type(interpreter.interpreter_builder), replacements) as previous:
        _PREV.update(previous)
        yield
