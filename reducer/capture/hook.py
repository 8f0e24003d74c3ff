"""Runs inside the user's process (installed by the generated `sitecustomize`): without an NPU, every
`kernel[grid](...)` is specialised like Triton does, compiled for the Ascend target and recorded, then run on the
CPU tensors through Triton's interpreter (`execute`), so the host code sees real results.

It imports nothing heavy at module level and nothing the user's process does not need.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.machinery
import json
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reducer.capture import launch_args
from reducer.capture.record import (
    ENV_DIR,
    ENV_TARGET,
    FRONTEND_STAGE,
    RECORD,
    ExecStatus,
    note_execution,
    passed_detail,
)
from reducer.capture.specialise import grid_of, jsonable, launch_grid, npu_options, source_of, specialise
from reducer.failure.outcome import Outcome
from reducer.proc import atomic
from reducer.safety.names import path_component


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
    from reducer.capture.aliases import install  # other releases' API spellings, before the user's imports

    install()
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
        module.Autotuner.__init__ = without_benchmarker(module.Autotuner.__init__)
        module.Autotuner._bench = _compile_only_bench
        module.Autotuner.prune_configs = _every_config
        module.Autotuner._reducer_capture = True


def _no_bench(kernel_call: Any, quantiles: Any = None, **_: Any) -> list[float]:
    kernel_call()
    return [1.0, 1.0, 1.0]


def without_benchmarker(init: Any) -> Any:
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
        autotune_config={k: jsonable(v) for k, v in config.all_kwargs().items()},
        autotune_index=_index_of(self.configs, config),
        autotune_configs=len(self.configs),
    )
    try:
        self.fn.run(*args, **current)
    except Exception:  # a config the frontend rejects never wins; launched anyway, it raises as written
        return [float("inf")] * 3
    finally:
        _CONFIG.clear()
    return [1.0, 1.0, 1.0]


def _index_of(configs: list[Any], config: Any) -> int | None:
    for i, c in enumerate(configs):
        if c is config:
            return i
    return None


@dataclass
class _Unit:
    """A compile unit as this process knows it: its folder and record, what its launches return or raise."""

    folder: Path
    record: dict[str, Any]
    kernel: Any = None  # the CapturedKernel its launches return
    error: BaseException | None = None  # what Triton's frontend raised: each launch raises it again


_UNITS: dict[str, _Unit] = {}
_LOCK = threading.RLock()  # one launch at a time: running one patches Triton for the whole process


def _capturing_run(self: Any, *args: Any, grid: Any, warmup: bool, **kwargs: Any) -> Any:
    """Replacement for `JITFunction.run`: specialise like Triton does, compile for the target and record, then run
    the launch on the CPU tensors; return a kernel like Triton's, or raise what Triton's frontend raised.

    A known frontend incompatibility is recorded as found, then the launch is retried with its shim so the
    compiler bugs behind it are captured too (unless shims are off); the launch itself still raises as written.
    A launch whose compile failed in a compiler stage still runs on the CPU: the program goes on as it would on a
    device where the kernel compiles, so the launches after it are captured too. Autotuning compiles every
    config and runs only the launch with the chosen one; `warmup` runs nothing.
    """
    _count_launch(warmup)
    with _LOCK:
        unit, bound, kwargs = _capture(self, args, grid, kwargs)
        if unit.error is not None:
            raise unit.error
        if not warmup and not _CONFIG:
            _run_on_cpu(unit, self, args, kwargs, launch_grid(grid, bound))
        return unit.kernel


def _count_launch(warmup: bool) -> None:
    """The NPU stand-in's count of launches so far (its refusals name it), when the stand-in is loaded."""
    npu = sys.modules.get("reducer.npu")
    if npu is not None and not warmup and not _CONFIG:
        npu.LAUNCHES = getattr(npu, "LAUNCHES", 0) + 1


def _capture(
    self: Any, args: tuple[Any, ...], grid: Any, kwargs: dict[str, Any]
) -> tuple[_Unit, Any, dict[str, Any]]:
    """The launch to go on with (its unit, bound arguments and keywords), once retried with each shim it needs.

    That is the launch as written, unless its only fault is code written for another triton-ascend release (a
    newer launch keyword): the release it was written for runs it, so the program goes on with the shimmed launch
    and the launches after it are captured too. A real frontend error raises as written.
    """
    from reducer.capture.shims import ENV_NO_SHIMS, version_error

    applied: list[Any] = []
    first = None
    while True:
        unit, bound, shim = _capture_once(self, args, grid, kwargs, applied)
        first = first or (unit, bound, kwargs)
        if shim is None or shim in applied or os.environ.get(ENV_NO_SHIMS):
            written = first[0]
            if written.error is not None and version_error(written.record.get("error") or "") and unit.error is None:
                return unit, bound, kwargs
            return first
        applied.append(shim)
        if shim.launch is not None:
            kwargs = shim.launch(kwargs)


def _capture_once(
    self: Any, args: tuple[Any, ...], grid: Any, kwargs: dict[str, Any], shims: list[Any]
) -> tuple[_Unit, Any, Any]:
    """Capture one launch with `shims` applied: its unit, bound arguments, and the shim for its frontend error."""
    out = Path(os.environ[ENV_DIR])
    target = os.environ[ENV_TARGET]
    record: dict[str, Any] = {
        "kernel": self.fn.__name__,
        "qualname": f"{self.fn.__module__}.{self.fn.__qualname__}",
        "source": source_of(self.fn),
        **_importable(self.fn),
        "target": target,
        "pid": os.getpid(),
        **_CONFIG,
        **({"shims": [{"name": s.name, "summary": s.summary} for s in shims]} if shims else {}),
    }
    from reducer.capture.aliases import incompatibility

    shim_key = ",".join(s.name for s in shims)
    try:
        prepared = specialise(self, target, args, kwargs)
    except Exception as err:  # e.g. a launch keyword the backend rejects (maxnreg=...)
        record.update(incompatibility(self))
        unit, known = _launch_rejected(out, record, err, kwargs, shim_key)
        return unit, None, known
    fn_key, signature, constants, attrs, options, bound = prepared
    key = f"{record['qualname']}:{fn_key}:{target}:{shim_key}"
    if key in _UNITS:
        return _UNITS[key], bound, None
    # A kernel that needs another release's API spelling says so; inspected once per unit, not per launch.
    record.update(incompatibility(self))
    record.update(
        signature=signature,
        constants={k: jsonable(v) for k, v in constants.items()},
        attrs=str(attrs),
        launch_options={k: jsonable(v) for k, v in kwargs.items()},
        npu_options=npu_options(target, options),
        grid=grid_of(grid, bound),
        outcome=Outcome.INCOMPLETE,
    )
    unit = _UNITS[key] = _Unit(_folder(out, record["kernel"], key), record)
    _write(unit)  # before the arguments are read: reading a tensor's storage can be what kills the process
    data = launch_args.keep(record, bound)
    _write(unit)
    launch_args.save(unit.folder, record, data)
    t0 = time.monotonic()
    with contextlib.ExitStack() as patches:
        for shim in shims:
            if shim.during_compile is not None:
                patches.enter_context(shim.during_compile(options))
        result = _compile(self, signature, constants, attrs, target, options)
    record["seconds"] = round(time.monotonic() - t0, 3)
    record.update(_describe(result))
    known = _name_incompatibility(record) if record["outcome"] == Outcome.FRONTEND_ERROR else None
    _write_inputs(unit.folder, record, result.ir)
    record["toolchain"] = _fingerprint()
    _write(unit)
    unit.kernel = _kernel(self, bound, kwargs, result.ir, options, target)
    unit.error = result.exception if record["outcome"] == Outcome.FRONTEND_ERROR else None
    return unit, bound, known


def _importable(fn: Any) -> dict[str, Any]:
    """Where the kernel can be imported again: the fit search specialises it anew in a process of its own."""
    return {"module": fn.__module__, "fn_qualname": fn.__qualname__,
            "import_path": [p for p in sys.path if isinstance(p, str)], "cwd": os.getcwd()}


def _launch_rejected(
    out: Path, record: dict[str, Any], err: Exception, kwargs: dict[str, Any], shim_key: str
) -> tuple[_Unit, Any]:
    """Record a launch the frontend refused before compiling; its shim, if it is a known incompatibility."""
    error = f"{type(err).__name__}: {err}"
    record.update(
        outcome=Outcome.FRONTEND_ERROR,
        failed_stage="launch",
        error=error,
        launch_options={k: jsonable(v) for k, v in kwargs.items()},
    )
    known = _name_incompatibility(record)
    key = f"{record['qualname']}:{error}:{shim_key}"
    if key not in _UNITS:
        _UNITS[key] = _Unit(_folder(out, record["kernel"], key), record, error=err)
        _write(_UNITS[key])
    return _UNITS[key], known


def _kernel(jit: Any, bound: Any, kwargs: dict[str, Any], ir: dict[str, str], options: Any, target: str) -> Any:
    """What the launch returns: a stand-in for Triton's CompiledKernel that launches again through capture."""
    from triton.backends.compiler import GPUTarget

    from reducer.capture.compiled import CapturedKernel

    names = {p.name for p in jit.params}
    launch_options = {k: v for k, v in kwargs.items() if k not in names}
    metadata = {**vars(options), "target": GPUTarget("npu", target, 0)}
    return CapturedKernel(jit, dict(bound), launch_options, ir, metadata)


def _run_on_cpu(unit: _Unit, jit: Any, args: tuple[Any, ...], kwargs: dict[str, Any], grid: tuple[int, ...]) -> None:
    """Run the launch on the CPU, its record saying so before (a crash leaves `started`) and after."""
    from reducer.capture.execute import run

    def note(status: ExecStatus, seconds: float, reason: str | None) -> None:
        note_execution(unit.record, status, seconds, reason)
        _write(unit)

    run(jit, args, kwargs, grid, note)


def _write_inputs(folder: Path, record: dict[str, Any], ir: dict[str, str]) -> None:
    """Each stage's input, named like Triton's dumps (the kernel's name made a safe file name: a `__name__` of
    `../x` stays in the unit's folder, and the record keeps the real one); its sha1 lets a sweep reuse this compile's
    outcomes only for files left as written."""
    record["files"] = {}
    record["file_sha1"] = {}
    for kind, text in ir.items():
        name = f"{path_component(record['kernel'])}.{kind}"
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


def _compile(
    jit: Any, signature: dict[str, str], constants: dict[str, Any], attrs: Any, target: str, options: Any
) -> Any:
    """Compile with the launch's own specialisation (attrs), recording every stage."""
    from reducer.capture.kernel_compile import compile_for_ascend

    return compile_for_ascend(jit, signature, constants, target, options.__dict__, attrs)


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
        # A tool our wheels should ship is missing: the setup, not a compiler bug (capture exits 4 on it).
        **({"environment_error": f"{result.missing_tool} not found: install a compiler release that ships it"}
           if getattr(result, "missing_tool", None) else {}),
    }


def _write(unit: _Unit) -> None:
    atomic.write_text(unit.folder / RECORD, json.dumps(unit.record, indent=2, sort_keys=True) + "\n")


def _folder(out: Path, kernel: str, key: str) -> Path:
    """A unit's folder: the kernel's name as a safe folder name, and a digest of the unit's key."""
    digest = hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    folder = out / f"{path_component(kernel)}-{digest}"
    n = 1
    while folder.is_symlink():  # planted where a unit would go: never written through, the unit goes beside it
        n += 1
        folder = out / f"{path_component(kernel)}-{digest}-{n}"
    return folder
