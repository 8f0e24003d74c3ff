"""Runs inside the user's process (installed by the generated `sitecustomize`): without an NPU, every
`kernel[grid](...)` is specialised like Triton does, compiled for the Ascend target, recorded, never launched.

It imports nothing heavy at module level and nothing the user's process does not need.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.machinery
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

from reducer.capture.record import ENV_DIR, ENV_TARGET, FRONTEND_STAGE, RECORD, passed_detail
from reducer.failure.outcome import Outcome
from reducer.proc import atomic


class _PatchAfterImport(importlib.machinery.PathFinder):
    """A meta-path hook: patch `triton.runtime.jit` / `.autotuner` right after they are imported (lazily)."""

    names = ("triton.runtime.jit", "triton.runtime.autotuner")

    @classmethod
    def find_spec(cls, fullname, path=None, target=None):  # type: ignore[override]
        if fullname not in cls.names:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        original = loader.exec_module

        def exec_module(module: Any) -> None:
            original(module)
            try:
                _patch(fullname, module)
            except Exception as err:
                sys.stderr.write(f"reducer capture: could not patch {fullname}: {err}\n")

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install_hook() -> None:
    """Called by the generated sitecustomize: only acts when `reducer capture` set the variables."""
    if not os.environ.get(ENV_DIR):
        return
    if "triton.runtime.jit" in sys.modules:
        _patch("triton.runtime.jit", sys.modules["triton.runtime.jit"])
        if "triton.runtime.autotuner" in sys.modules:
            _patch("triton.runtime.autotuner", sys.modules["triton.runtime.autotuner"])
        return
    sys.meta_path.insert(0, _PatchAfterImport)  # type: ignore[arg-type]


def _patch(name: str, module: Any) -> None:
    if name == "triton.runtime.jit" and not getattr(module.JITFunction, "_reducer_capture", False):
        module.JITFunction.run = _capturing_run
        module.JITFunction._reducer_capture = True
    elif name == "triton.runtime.autotuner" and not getattr(module.Autotuner, "_reducer_capture", False):
        module.Autotuner.__init__ = _without_benchmarker(module.Autotuner.__init__)
        module.Autotuner._bench = _compile_only_bench
        module.Autotuner.prune_configs = _every_config
        module.Autotuner._reducer_capture = True


def _no_bench(kernel_call: Any, quantiles: Any = None, **_: Any) -> list[float]:
    kernel_call()
    return [1.0, 1.0, 1.0]


def _without_benchmarker(init: Any) -> Any:
    """`Autotuner.__init__` asks the active driver for a benchmarker; with no device there is no driver."""
    import functools
    import inspect

    takes_do_bench = "do_bench" in inspect.signature(init).parameters

    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if takes_do_bench and kwargs.get("do_bench") is None:
            kwargs["do_bench"] = _no_bench
        init(self, *args, **kwargs)

    return __init__


def _every_config(self: Any, kwargs: Any) -> list[Any]:
    """Perf models and early pruning need a device (or hide configs): capture compiles them all."""
    return list(self.configs)


# The autotune config being compiled, so its launch record says which one it is.
_CONFIG: dict[str, Any] = {}


def _compile_only_bench(self: Any, *args: Any, config: Any, **meta: Any) -> list[float]:
    """Autotuning without a device: compile (and record) every config; all 'time' the same."""
    current = dict(meta, **config.all_kwargs())
    _CONFIG.update(
        autotune_config={k: _jsonable(v) for k, v in config.all_kwargs().items()},
        autotune_index=_index_of(self.configs, config),
        autotune_configs=len(self.configs),
    )
    try:
        self.fn.run(*args, **current)
    finally:
        _CONFIG.clear()
    return [1.0, 1.0, 1.0]


def _index_of(configs: list[Any], config: Any) -> int | None:
    for i, c in enumerate(configs):
        if c is config:
            return i
    return None


_SEEN: set[str] = set()


def _capturing_run(self: Any, *args: Any, grid: Any, warmup: bool, **kwargs: Any) -> None:
    """Replacement for `JITFunction.run`: specialise like Triton does, compile for the target, record, never launch.

    A known frontend incompatibility is recorded as found, then the launch is retried with its shim so the
    compiler bugs behind it are captured too (unless shims are off).
    """
    from reducer.capture.shims import ENV_NO_SHIMS

    applied: list[Any] = []
    while True:
        shim = _capture_once(self, args, grid, kwargs, applied)
        if shim is None or shim in applied or os.environ.get(ENV_NO_SHIMS):
            return None
        applied.append(shim)
        if shim.launch is not None:
            kwargs = shim.launch(kwargs)


def _capture_once(self: Any, args: tuple[Any, ...], grid: Any, kwargs: dict[str, Any], shims: list[Any]) -> Any:
    """Capture one launch with `shims` applied; the shim for its frontend error, if it ended in a known one."""
    out = Path(os.environ[ENV_DIR])
    target = os.environ[ENV_TARGET]
    record: dict[str, Any] = {
        "kernel": self.fn.__name__,
        "qualname": f"{self.fn.__module__}.{self.fn.__qualname__}",
        "source": _source_of(self.fn),
        "target": target,
        "pid": os.getpid(),
        **_CONFIG,
    }
    if shims:
        record["shims"] = [{"name": s.name, "summary": s.summary} for s in shims]
    shim_key = ",".join(s.name for s in shims)
    try:
        prepared = _specialise(self, target, args, kwargs)
    except Exception as err:  # e.g. a launch keyword the backend rejects (maxnreg=...)
        return _launch_rejected(out, record, err, kwargs, shim_key)
    fn_key, signature, constants, attrs, options, bound = prepared
    key = f"{record['qualname']}:{fn_key}:{target}:{shim_key}"
    if key in _SEEN:
        return None
    record.update(
        signature=signature,
        constants={k: _jsonable(v) for k, v in constants.items()},
        attrs=str(attrs),
        launch_options={k: _jsonable(v) for k, v in kwargs.items()},
        npu_options=_npu_options(target, options),
        grid=_grid_of(grid, bound),
    )
    folder = _folder(out, record["kernel"], key)
    record["outcome"] = Outcome.INCOMPLETE
    atomic.write_text(folder / RECORD, json.dumps(record, indent=2, sort_keys=True) + "\n")
    t0 = time.monotonic()
    with contextlib.ExitStack() as patches:
        for shim in shims:
            if shim.during_compile is not None:
                patches.enter_context(shim.during_compile(options))
        result = _compile(self, signature, constants, attrs, target, options)
    record["seconds"] = round(time.monotonic() - t0, 3)
    record.update(_describe(result))
    known = _name_incompatibility(record) if record["outcome"] == Outcome.FRONTEND_ERROR else None
    _write_inputs(folder, record, result.ir)
    record["toolchain"] = _fingerprint()
    atomic.write_text(folder / RECORD, json.dumps(record, indent=2, sort_keys=True) + "\n")
    _SEEN.add(key)
    return known


def _launch_rejected(out: Path, record: dict[str, Any], err: Exception, kwargs: dict[str, Any], shim_key: str) -> Any:
    """Record a launch the frontend refused before compiling; its shim, if it is a known incompatibility."""
    error = f"{type(err).__name__}: {err}"
    record.update(
        outcome=Outcome.FRONTEND_ERROR,
        failed_stage="launch",
        error=error,
        launch_options={k: _jsonable(v) for k, v in kwargs.items()},
    )
    known = _name_incompatibility(record)
    _write_once(out, record, f"{record['qualname']}:{error}:{shim_key}")
    return known


def _write_inputs(folder: Path, record: dict[str, Any], ir: dict[str, str]) -> None:
    """Each stage's input, named like Triton's dumps; its sha1 lets a sweep reuse this compile's outcomes only
    for files left as written."""
    record["files"] = {}
    record["file_sha1"] = {}
    for kind, text in ir.items():
        name = f"{record['kernel']}.{kind}"
        atomic.write_text(folder / name, text)
        record["files"][kind] = name
        record["file_sha1"][kind] = hashlib.sha1(text.encode()).hexdigest()


_FINGERPRINT: dict[str, str] = {}


def _fingerprint() -> dict[str, str]:
    """The binaries this process compiled with (once per process)."""
    from reducer.stage.toolchain import fingerprint

    if not _FINGERPRINT:
        _FINGERPRINT.update(fingerprint())
    return dict(_FINGERPRINT)


def _name_incompatibility(record: dict[str, Any]) -> Any:
    """A frontend error that is a known incompatibility says so (triage names it); returns its shim, if any."""
    from reducer.capture.shims import matching

    shim = matching(record.get("error") or "")
    if shim is not None:
        record["incompatibility"] = {"name": shim.name, "summary": shim.summary}
    return shim


def _specialise(jit: Any, target: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """What `JITFunction.run` computes before compiling, with the Ascend backend instead of the active driver."""
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
    binder = create_function_from_signature(jit.signature, jit.params, backend)
    bound_args, sig_and_spec, constexpr_vals, _non_constexpr, excess_kwargs = binder(*args, **kwargs)
    options = backend.parse_options(kwargs)
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


def _compile(
    jit: Any, signature: dict[str, str], constants: dict[str, Any], attrs: Any, target: str, options: Any
) -> Any:
    """Compile with the launch's own specialisation (attrs), recording every stage."""
    from reducer.capture.kernel_compile import compile_for_ascend

    return compile_for_ascend(jit, signature, constants, target, options.__dict__, attrs)


def _npu_options(target: str, options: Any) -> dict[str, Any] | str:
    """What the backend compiled with, as every artifact stores options (the reason, if unreadable)."""
    from reducer.errors import ReducerError
    from reducer.stage.options import Options

    try:
        return Options.from_mapping({**vars(options), "target": target}, ignore_unknown=True).as_dict()
    except (ReducerError, TypeError) as err:
        return f"unreadable: {err}"


def _describe(result: Any) -> dict[str, Any]:
    if result.outcome is not Outcome.FAILED:
        return {"outcome": Outcome.PASSED, "detail": passed_detail(result.outcome), "failed_stage": None,
                "replay": None}
    if result.failed_stage == FRONTEND_STAGE:
        return {"outcome": Outcome.FRONTEND_ERROR, "failed_stage": FRONTEND_STAGE, "error": result.error[-20000:],
                "replay": None}
    return {
        "outcome": Outcome.FAILED,
        "failed_stage": result.failed_stage,
        "error": result.error[-20000:],
        "returncode": result.returncode,
        "replay": result.failed_stage,
    }


def _write_once(out: Path, record: dict[str, Any], key: str) -> None:
    if key in _SEEN:
        return
    _SEEN.add(key)
    atomic.write_text(_folder(out, record["kernel"], key) / RECORD, json.dumps(record, indent=2, sort_keys=True) + "\n")


def _folder(out: Path, kernel: str, key: str) -> Path:
    digest = hashlib.sha1(key.encode()).hexdigest()[:8]
    return out / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', kernel)}-{digest}"


def _source_of(fn: Any) -> str | None:
    code = getattr(fn, "__code__", None)
    return f"{code.co_filename}:{code.co_firstlineno}" if code else None


def _grid_of(grid: Any, bound: Any) -> Any:
    try:
        value = grid(bound) if callable(grid) else grid
        return [int(g) for g in value]
    except Exception:
        return repr(grid)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        return f"tensor{tuple(value.shape)} {value.dtype}"
    return repr(value)
