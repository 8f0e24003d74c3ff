"""Compile a ``@triton.jit`` kernel for an Ascend target on a machine without an NPU or CANN.

The backend assumes CANN is installed in two places: its last stage asks ``NPUUtils().get_arch()`` for
``--target`` and finds its tool only on ``PATH``. Both are substituted here for the duration of one compile,
and every backend stage is wrapped so that its output (each registered stage's input) and the exit status
of a failing subprocess are recorded even when a later stage fails.

triton-ascend 3.2.0 never derives ``compile_on_910_95`` from the target (the backend and the frontend
hard-code False where a real A5 host reads its device): `backend_kwargs` gives a launch the target's defaults,
and `_frontend_flags` sets the frontend's module flags for the duration of the compile.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from reducer.capture.record import DEFAULT_STAGE_TIMEOUT, ENV_STAGE_TIMEOUT, FRONTEND_STAGE
from reducer.failure.outcome import Outcome
from reducer.safety.names import path_component
from reducer.stage import table as stages
from reducer.stage.targets import DEFAULT_TARGET, target_defaults


@dataclass
class CompileRecord:
    """What one compile produced: the IR of every stage that ran and how it ended."""

    kernel_name: str
    target: str
    ir: dict[str, str] = field(default_factory=dict)  # input kind -> text: what each registered stage replays
    failed_stage: str | None = None  # a stage's name, or FRONTEND_STAGE
    # PASSED; PASSED_MLIR when the last stage reached its own `healthy_end`; FAILED
    outcome: Outcome = Outcome.PASSED
    error: str = ""
    returncode: int | None = None
    missing_tool: str | None = None  # a stage stopped at a tool our wheels should ship: the setup, not a bug
    exception: BaseException | None = field(default=None, repr=False)  # what the compile raised, to raise it again
    stop_before: str | None = None  # a stage's name: the compile ends once that stage's input is recorded
    stopped: bool = False  # it did (the backend may wrap the exception that ends it)

    @property
    def is_failure(self) -> bool:
        """True for a real compiler failure; a missing hivmc after a clean MLIR pipeline is not one."""
        return self.outcome is Outcome.FAILED


class _Stopped(Exception):
    """Raised in place of running the stage a compile was asked to stop before (its input is recorded)."""


class _FakeNPUUtils:
    """Stands in for ``NPUUtils``, whose ``get_arch`` needs CANN, and answers with the chosen target."""

    target = DEFAULT_TARGET

    def get_arch(self) -> str:
        return self.target


def _tool_folders() -> list[str]:
    """Folders of the tools the backend finds only on PATH (the wheel's own folder is not searched)."""
    from reducer.errors import ToolNotFound
    from reducer.stage.toolchain import locate

    found = []
    for spec in stages.all_stages():
        if spec.needs_backend_path:
            try:
                found.append(str(locate(spec).path.parent))
            except ToolNotFound:
                continue
    return found


def backend_kwargs(target: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """A launch's keywords with the target's NPUOptions defaults under them (the launch's own win)."""
    return {**target_defaults(target), **kwargs}


# The frontend's copies of the flag (`dtype_to_ir` refuses fp8, `cast` fp8/fp64, unless it is set).
_FRONTEND_FLAG_MODULES = ("triton.triton_patch.language.core", "triton.triton_patch.language.semantic")
_FLAG = "is_compile_on_910_95"


@contextlib.contextmanager
def _frontend_flags(on_910_95: bool) -> Iterator[None]:
    """The frontend's module-level `is_compile_on_910_95` as the options say, while one compile runs."""
    import importlib

    modules = []
    for name in _FRONTEND_FLAG_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, _FLAG):
            modules.append((module, getattr(module, _FLAG)))
            setattr(module, _FLAG, on_910_95)
    try:
        yield
    finally:
        for module, saved in modules:
            setattr(module, _FLAG, saved)


def _ascend_backend_class() -> Any:
    """The backend class as the compiler uses it (a separate module object from an ordinary import)."""
    from triton.backends import backends

    return backends["ascend"].compiler


@contextlib.contextmanager
def _patched_environment(cache_dir: str) -> Iterator[None]:
    """Fresh cache, no speed-opt shortcut, no overrides, and the tools the backend looks up findable on PATH."""
    saved = dict(os.environ)
    os.environ["TRITON_CACHE_DIR"] = cache_dir
    os.environ["TRITON_ALWAYS_COMPILE"] = "1"
    for name in ("TRITON_ASCEND_COMPILE_SPEED_OPT", "TRITON_KERNEL_OVERRIDE", "TRITON_KERNEL_DUMP", "USE_IR_LOC"):
        os.environ.pop(name, None)
    try:
        with _tools_on_path():
            yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def _tools_on_path() -> Iterator[None]:
    """The folders of the tools the backend finds only on PATH, first on PATH while the block runs."""
    saved = os.environ.get("PATH", "")
    os.environ["PATH"] = os.pathsep.join([*_tool_folders(), saved])
    try:
        yield
    finally:
        os.environ["PATH"] = saved


@contextlib.contextmanager
def _patched_backend(record: CompileRecord) -> Iterator[None]:
    """Replace ``NPUUtils`` in the backend module and wrap each stage to record its output and error."""
    cls = _ascend_backend_class()
    module_globals = cls.add_stages.__globals__
    original_add_stages = cls.add_stages
    original_utils = module_globals.get("NPUUtils")
    fake = type("NPUUtils", (_FakeNPUUtils,), {"target": record.target})

    def add_stages(self: Any, stages: dict[str, Callable[..., Any]], options: Any) -> None:
        original_add_stages(self, stages, options)
        for ext in list(stages):
            stages[ext] = _recording_stage(ext, stages[ext], record)

    original_subprocess = module_globals.get("subprocess", subprocess)
    module_globals["NPUUtils"] = fake
    module_globals["subprocess"] = _TimedSubprocess(_stage_timeout())
    cls.add_stages = add_stages
    try:
        yield
    finally:
        cls.add_stages = original_add_stages
        module_globals["NPUUtils"] = original_utils
        module_globals["subprocess"] = original_subprocess


def _stage_timeout() -> float:
    try:
        return max(0.001, float(os.environ.get(ENV_STAGE_TIMEOUT, DEFAULT_STAGE_TIMEOUT)))
    except ValueError:
        return DEFAULT_STAGE_TIMEOUT


class _TimedSubprocess:
    """`subprocess` as the backend module sees it: every tool it runs gets a time limit (the backend gives none,
    so a compiler that hangs would hang the user's program with it). The child is killed when it runs out."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __getattr__(self, name: str) -> Any:
        return getattr(subprocess, name)

    def _limited(self, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", self.seconds)
        return call(*args, **kwargs)

    def run(self, *args: Any, **kwargs: Any) -> Any:
        return self._limited(subprocess.run, *args, **kwargs)

    def call(self, *args: Any, **kwargs: Any) -> Any:
        return self._limited(subprocess.call, *args, **kwargs)

    def check_call(self, *args: Any, **kwargs: Any) -> Any:
        return self._limited(subprocess.check_call, *args, **kwargs)

    def check_output(self, *args: Any, **kwargs: Any) -> Any:
        return self._limited(subprocess.check_output, *args, **kwargs)


def _recording_stage(ext: str, stage: Callable[[Any, Any], Any], record: CompileRecord) -> Callable[[Any, Any], Any]:
    """Wrap one stage: keep its text output, and on failure keep the subprocess's stderr and exit status."""

    def run(src: Any, metadata: Any) -> Any:
        if record.stop_before is not None and _stage_name(ext) == record.stop_before:
            record.stopped = True
            raise _Stopped(ext)
        try:
            out = stage(src, metadata)
        except subprocess.TimeoutExpired as exc:
            record.error = (f"{_stage_name(ext)} did not finish in {exc.timeout:g}s: stopped as a hang "
                            f"({ENV_STAGE_TIMEOUT}, sweep's --timeout)")
            record.failed_stage = _stage_name(ext)
            raise
        except subprocess.CalledProcessError as exc:
            record.returncode = exc.returncode
            record.error = "\n".join(t for t in (_text(exc.stderr), _text(exc.stdout)) if t) or str(exc)
            record.failed_stage = _stage_name(ext)
            raise
        except Exception as exc:
            record.error = str(exc)
            record.failed_stage = _stage_name(ext)
            raise
        if stages.for_kind(ext) is not None:  # this backend stage's output is a registered stage's input
            record.ir[ext] = str(out)
        return out

    return run


def _stage_name(ext: str) -> str:
    """The registered stage a backend stage key runs; in-process stages (`ttir`) are the frontend."""
    spec = stages.for_backend_stage(ext)
    return spec.name if spec is not None else FRONTEND_STAGE


def _text(data: bytes | str | None) -> str:
    if data is None:
        return ""
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data


@contextlib.contextmanager
def ascend_backend_without_npu(target: str = DEFAULT_TARGET) -> Iterator[CompileRecord]:
    """Triton's own compile path for an Ascend target with nothing else changed (its dump and cache variables
    stay as the caller set them): only what a missing NPU and CANN break is patched. Yields the record the
    stages fill in. On an NPU host a launch compiles exactly this way; tests use it to produce the dump layout
    triton-ascend writes there."""
    record = CompileRecord(kernel_name="", target=target)
    with _tools_on_path(), _patched_backend(record):
        yield record


def compile_for_ascend(
    fn: Any,
    signature: dict[str, str],
    constants: dict[str, Any],
    target: str = DEFAULT_TARGET,
    options: dict[str, Any] | None = None,
    attrs: Any = None,
    stop_before: str | None = None,
) -> CompileRecord:
    """Compile ``fn`` for ``GPUTarget("npu", target, 0)`` and record each stage's IR and the outcome.

    Constexpr arguments may be left out of ``signature``: they are added as ``"constexpr"``. ``attrs`` is
    a launch's own specialisation (divisibility etc.), as `reducer capture` computes it from real arguments.
    With ``stop_before`` (a stage's name) the compile ends, as passed, once that stage's input is recorded: the
    fit search runs the stage itself.
    """
    import triton
    from triton.backends.compiler import GPUTarget

    name = getattr(fn, "__name__", None) or getattr(getattr(fn, "fn", None), "__name__", "kernel")
    record = CompileRecord(kernel_name=name, target=target, stop_before=stop_before)
    full_signature = dict(signature)
    for key in constants:
        full_signature.setdefault(key, "constexpr")
    options = backend_kwargs(target, options or {})
    with tempfile.TemporaryDirectory(prefix="kernel_compile_") as cache_dir:
        with _patched_environment(cache_dir), _patched_backend(record), _frontend_flags(
            bool(options["compile_on_910_95"])
        ):
            try:
                src = triton.compiler.ASTSource(fn, full_signature, dict(constants), attrs)
                # Triton names its cache files after `__name__` (`../x` would write beside the cache folder).
                src.name = path_component(src.name)
                triton.compile(src, target=GPUTarget("npu", target, 0), options=options)
            except Exception as exc:
                if record.stopped:  # the stage we stopped before: its input is recorded, nothing failed
                    return _classified(record)
                record.exception = exc
                if record.failed_stage is None:
                    record.failed_stage = FRONTEND_STAGE
                    record.error = f"{type(exc).__name__}: {exc}"
    return _classified(record)


def _classified(record: CompileRecord) -> CompileRecord:
    _classify(record)
    return record


def _classify(record: CompileRecord) -> None:
    """Tell a real failure from a stage's expected end on this machine (bishengir without CANN's hivmc)."""
    from reducer.failure.classify import missing_tool

    spec = stages.find(record.failed_stage or "")
    record.missing_tool = missing_tool(record.error) if record.failed_stage else None
    if record.failed_stage is None:
        record.outcome = Outcome.PASSED
    elif spec is not None and any(end in record.error for end in spec.healthy_endings()):
        record.outcome = Outcome.PASSED_MLIR
        record.failed_stage = None
    else:
        record.outcome = Outcome.FAILED
