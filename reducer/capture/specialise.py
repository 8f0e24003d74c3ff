"""What Triton computes from a launch before it compiles (its specialisation), and how a record spells it.

Runs inside the user's process, beside `hook`; imports Triton only inside functions.
"""

from __future__ import annotations

import os
from typing import Any


def forced_options() -> dict[str, Any]:
    """The `--option` values capture was given: they win over the launch's own keywords."""
    import json

    from reducer.capture.record import ENV_OPTIONS

    text = os.environ.get(ENV_OPTIONS)
    return json.loads(text) if text else {}


def specialise(jit: Any, target: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """What `JITFunction.run` computes before compiling, with the Ascend backend instead of the active driver:
    (cache key, signature, constants, attrs, options, bound arguments)."""
    from triton.backends.compiler import GPUTarget
    from triton.compiler import make_backend
    from triton.runtime.jit import create_function_from_signature

    kwargs = dict(kwargs)
    kwargs["debug"] = kwargs.get("debug", False) or os.environ.get("TRITON_DEBUG", "0") == "1"
    backend = make_backend(GPUTarget("npu", target, 0))
    for hook in jit.pre_run_hooks:
        hook(*args, **kwargs)
    if getattr(jit, "bishengir_option", None):
        kwargs.update(jit.bishengir_option)
    kwargs.update(forced_options())
    binder = create_function_from_signature(jit.signature, jit.params, backend)
    bound_args, sig_and_spec, constexpr_vals, _non_constexpr, excess_kwargs = binder(*args, **kwargs)
    from reducer.capture.kernel_compile import backend_kwargs

    options = backend.parse_options(backend_kwargs(target, kwargs))  # an A5 target compiles as 910_95
    for k in excess_kwargs:
        if k not in options.__dict__:
            raise KeyError(f"Keyword argument {k} was specified but unrecognised")
    key = "".join(sig_and_spec) + str((constexpr_vals, excess_kwargs))
    bound_vals = tuple(bound_args.values())
    non_constexpr = [i for i, p in enumerate(jit.params) if not p.is_constexpr]
    sigkeys = [jit.params[i].name for i in non_constexpr]
    signature = {k: ("*i8" if v == "none" else v) for k, v in zip(sigkeys, sig_and_spec[: len(sigkeys)], strict=True)}
    attrs = backend.get_attrs_descriptor(jit.params, bound_vals)
    constant_params = attrs.get_constants()
    constants = {
        p.name: v
        for v, p in zip(bound_vals, jit.params, strict=True)
        if p.is_constexpr or p.num in constant_params or v is None
    }
    return key, signature, constants, attrs, options, bound_args


def launch_grid(grid: Any, bound: Any) -> tuple[int, ...]:
    """The launch's grid as Triton evaluates it (a callable grid gets the bound arguments); raises as it does."""
    value = grid(bound) if callable(grid) else grid
    return tuple(int(g) for g in value)


def npu_options(target: str, options: Any) -> dict[str, Any] | str:
    """What the backend compiled with, as every artifact stores options (the reason, if unreadable)."""
    from reducer.errors import ReducerError
    from reducer.stage.options import Options

    try:
        return Options.from_mapping({**vars(options), "target": target}, ignore_unknown=True).as_dict()
    except (ReducerError, TypeError) as err:
        return f"unreadable: {err}"


def source_of(fn: Any) -> str | None:
    code = getattr(fn, "__code__", None)
    return f"{code.co_filename}:{code.co_firstlineno}" if code else None


def grid_of(grid: Any, bound: Any) -> Any:
    """The grid for the record: its values, or its repr when it cannot be evaluated."""
    try:
        return list(launch_grid(grid, bound))
    except Exception:
        return repr(grid)


def jsonable(value: Any) -> Any:
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        return f"tensor{tuple(value.shape)} {value.dtype}"
    return repr(value)
