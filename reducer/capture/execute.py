"""A captured launch run on the CPU tensors through Triton's own interpreter, so the host code sees real results.

Imported by the hook only when a launch runs (it pulls in numpy and the interpreter). Triton's interpreter was made
for a process where everything is interpreted (`TRITON_INTERPRET=1`); capture also compiles in the same process, so
each run here puts back what the interpreter patches (`triton.language`'s builtins, `tensor` and `dtype` methods),
calls nested `@triton.jit` helpers through the interpreter while the launch runs, and guards memory (`bounds`).
Where the 3.2 interpreter computes differently from the device, the launch runs with a fix: float arguments and
builtins held by name (here), values stored at their type's width (`widths`), bf16 as numbers (`bf16`), libdevice
calls on numpy (`extern`).

A launch that cannot run on the CPU (an Ascend-only builtin, an op the interpreter lacks, an access outside its
tensors, over its time budget) is stopped, undone, and reported; the user's program goes on.
"""

from __future__ import annotations

import contextlib
import math
import os
import time
import traceback
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import triton.language as tl
from triton.runtime import interpreter
from triton.runtime.errors import InterpreterError
from triton.runtime.interpreter import GridExecutor, InterpretedFunction
from triton.runtime.jit import JITFunction

from reducer.capture.bf16 import bf16_as_values
from reducer.capture.bounds import MemoryGuard, Stop, guarding
from reducer.capture.extern import libdevice_on_numpy
from reducer.capture.record import (
    DEFAULT_EXEC_SECONDS,
    DEFAULT_EXEC_TOTAL,
    ENV_EXEC_SECONDS,
    ENV_EXEC_TOTAL,
    ExecStatus,
)
from reducer.capture.widths import stored_at_their_width

LEFT = "outputs left as they were"
PARTLY = "outputs partly written (too much written to undo)"

Note = Callable[[ExecStatus, float, "str | None"], None]


@dataclass
class Execution:
    """How one launch ran."""

    status: ExecStatus
    seconds: float = 0.0
    reason: str | None = None


_SPENT = [0.0]  # seconds this process has spent running launches


def _seconds(name: str, default: float) -> float:
    try:
        return max(0.0, float(os.environ.get(name, default)))
    except ValueError:
        return default


def skipped() -> Execution | None:
    """The launch is not run at all: execution is off, or the process spent its total budget."""
    if _seconds(ENV_EXEC_SECONDS, DEFAULT_EXEC_SECONDS) == 0:
        return Execution(ExecStatus.SKIPPED, reason=f"execution off ({ENV_EXEC_SECONDS}=0); {LEFT}")
    total = _seconds(ENV_EXEC_TOTAL, DEFAULT_EXEC_TOTAL)
    if _SPENT[0] >= total:
        return Execution(ExecStatus.SKIPPED, reason=f"the process spent its {total:g} s ({ENV_EXEC_TOTAL}); {LEFT}")
    return None


# What Triton's launcher in the installed wheel refuses (`JITFunction.run`), refused the same way here.
GRID_LIMIT = 65535
GRID_REFUSAL = (
    'grid should be less than 65536! You can try "export TRITON_ALL_BLOCKS_PARALLEL=1" to avoid this problem.'
)


def run(jit: Any, args: tuple[Any, ...], kwargs: dict[str, Any], grid: tuple[int, ...], note: Note) -> None:
    """Run one launch; `note(status, seconds, reason)` hears of it before it starts and once it ends.

    A grid the installed Triton refuses raises its RuntimeError, as the launch would on an NPU."""
    programs = math.prod(grid)
    done = skipped()
    refused = os.getenv("TRITON_ALL_BLOCKS_PARALLEL", "0") == "0" and programs > GRID_LIMIT
    if refused:
        done = Execution(ExecStatus.SKIPPED, reason=f"{programs} programs: Triton refuses the launch; {LEFT}")
    if done is None:
        note(ExecStatus.STARTED, 0.0, None)
        done = execute(jit, args, kwargs, grid)
    note(done.status, done.seconds, done.reason)
    if refused:
        raise RuntimeError(GRID_REFUSAL)


def execute(jit: Any, args: tuple[Any, ...], kwargs: dict[str, Any], grid: tuple[int, ...]) -> Execution:
    """Run `jit[grid](*args, **kwargs)` in the interpreter within this launch's budget; never raises for the kernel."""
    budget = min(_seconds(ENV_EXEC_SECONDS, DEFAULT_EXEC_SECONDS),
                 _seconds(ENV_EXEC_TOTAL, DEFAULT_EXEC_TOTAL) - _SPENT[0])
    guard = MemoryGuard(budget, math.prod(grid))
    names = set(jit.arg_names)
    t0 = time.monotonic()
    try:
        # what fixes the 3.2 interpreter's values sits inside the guard, so it checks what is really written
        with _language_restored(), _index_fixed(), _floats_typed(), _nested_jit_interpreted(jit.fn), guarding(
            interpreter.interpreter_builder, interpreter._interpreter, guard
        ), stored_at_their_width(), bf16_as_values(), libdevice_on_numpy():
            executor = _GuardedExecutor(_interpreted(jit.fn).rewrite(), jit.arg_names, grid, guard)
            executor(*args, **{k: v for k, v in kwargs.items() if k in names})
        status, reason = ExecStatus.EXECUTED, None
    except Exception as err:  # noqa: BLE001 - a kernel that cannot run on the CPU never stops the user's program
        status, reason = _stopped(err)
        whole = guard.undo(interpreter._interpreter.store)
        reason = f"{reason}; {LEFT if whole else PARTLY}"
    seconds = time.monotonic() - t0
    _SPENT[0] += seconds
    return Execution(status, round(seconds, 3), reason)


def _stopped(err: BaseException) -> tuple[ExecStatus, str]:
    """Why a launch stopped: the guard's `Stop`, or the innermost exception the interpreter wrapped (and where)."""
    while isinstance(err, InterpreterError) and err.__cause__ is not None:
        err = err.__cause__
    if isinstance(err, Stop):
        return err.status, err.reason + (_kernel_line(err) if err.status is ExecStatus.OUT_OF_BOUNDS else "")
    text = f"{type(err).__name__}: {(str(err).strip().splitlines() or [''])[0]}"[:300] + _kernel_line(err)
    if isinstance(err, NotImplementedError) or "_builder" in str(err) or "Builder" in str(err):
        # extern_elementwise (libdevice), inline asm, a builtin of a module the interpreter does not patch
        # (triton.language.extra.*), a builder method it lacks
        return ExecStatus.UNSUPPORTED, f"the CPU interpreter cannot run it: {text}"
    return ExecStatus.ERROR, f"raised on the CPU: {text}"


def _kernel_line(err: BaseException) -> str:
    """` at FILE:LINE: code` of the last frame outside Triton: the kernel line that raised."""
    frames = [f for f in traceback.extract_tb(err.__traceback__) if _TRITON not in f.filename
              and not f.filename.startswith(_HERE)]
    if not frames:
        return ""
    last = frames[-1]
    return f" (at {os.path.basename(last.filename)}:{last.lineno}: {(last.line or '').strip()[:120]})"


_TRITON = os.path.dirname(os.path.dirname(os.path.abspath(interpreter.__file__)))
_HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class _GuardedExecutor(GridExecutor):
    """Triton's grid loop; the host tensors it uses are the ones the guard allows."""

    def __init__(self, fn: Any, arg_names: list[str], grid: tuple[int, ...], guard: MemoryGuard) -> None:
        super().__init__(fn, arg_names, grid)
        self.guard = guard

    def _init_args_hst(self, args_dev: Any, kwargs: Any) -> Any:
        # With no device every buffer is host memory (CPU tensors, the stand-in's npu tensors, a library's
        # wrappers that only have data_ptr): the kernel works on it in place, nothing is copied or copied back.
        for name, value in [*zip(self.arg_names, args_dev, strict=False), *kwargs.items()]:
            storage_of = _storage_holder(value)
            if storage_of is not None:
                self.guard.allow(name, storage_of)
        return list(args_dev), dict(kwargs)

    def _restore_args_dev(self, args_dev: Any, args_hst: Any, kwargs: Any, kwargs_hst: Any) -> None:
        return None  # run in place: nothing to copy back


def _storage_holder(value: Any) -> Any:
    """The tensor whose storage `value` points into: itself, or a wrapper's tensor attribute (e.g. a strided view
    object a library passes instead of a tensor); None for a non-pointer argument."""
    if not hasattr(value, "data_ptr"):
        return None
    if hasattr(value, "untyped_storage"):
        return value
    return next((v for v in vars(value).values() if hasattr(v, "untyped_storage")), None) if hasattr(
        value, "__dict__") else None


_INTERPRETED: dict[Any, InterpretedFunction] = {}


def _interpreted(fn: Any) -> InterpretedFunction:
    if fn not in _INTERPRETED:
        _INTERPRETED[fn] = InterpretedFunction(fn)
    return _INTERPRETED[fn]


class _BuiltinsByName:
    """Triton builtins a kernel's module holds by name (`from triton.language.math import rsqrt`) or through a
    module the interpreter leaves alone (`libdevice.rsqrt`): the interpreter patches only `tl`, `tl.core` and
    `tl.math`, so these would be called without a builder. Each is swapped for the interpreter's form while the
    launch runs, and put back after it."""

    _HANDLED = (tl, tl.core, tl.math)

    def __init__(self) -> None:
        self._undo: list[tuple[Any, str, Any]] = []  # (dict or module, name, value before)
        self._seen: set[int] = set()

    def cover(self, fn: Any) -> None:
        namespace = getattr(fn, "__globals__", None)
        if namespace is None or id(namespace) in self._seen:
            return
        self._seen.add(id(namespace))
        for name, value in list(namespace.items()):
            if tl.core.is_builtin(value):
                self._swap(namespace, name, value)
            elif isinstance(value, types.ModuleType) and value.__name__.startswith("triton.language.") \
                    and value not in self._HANDLED and id(value) not in self._seen:
                self._seen.add(id(value))
                for attr, member in list(vars(value).items()):
                    if tl.core.is_builtin(member):
                        self._swap(value, attr, member)

    def _swap(self, owner: Any, name: str, member: Any) -> None:
        holder = types.SimpleNamespace()
        interpreter._patch_attr(holder, name, member, interpreter.interpreter_builder)
        if isinstance(owner, dict):
            self._undo.append((owner, name, owner[name]))
            owner[name] = getattr(holder, name)
        else:
            self._undo.append((owner, name, getattr(owner, name)))
            setattr(owner, name, getattr(holder, name))

    def restore(self) -> None:
        for owner, name, value in reversed(self._undo):
            if isinstance(owner, dict):
                owner[name] = value
            else:
                setattr(owner, name, value)
        self._undo.clear()


@contextlib.contextmanager
def _nested_jit_interpreted(kernel: Any) -> Iterator[None]:
    """A `@triton.jit` helper called from the running kernel runs through the interpreter too; builtins held by
    name in the kernel's module and in each helper's are the interpreter's while the launch runs."""
    had = "__call__" in vars(JITFunction)
    saved = vars(JITFunction).get("__call__")
    builtins = _BuiltinsByName()
    builtins.cover(kernel)

    def call(self: Any, *a: Any, **k: Any) -> Any:
        builtins.cover(self.fn)
        return _interpreted(self.fn)(*a, **k)

    JITFunction.__call__ = call  # type: ignore[method-assign]
    try:
        yield
    finally:
        builtins.restore()
        if had:
            JITFunction.__call__ = saved  # type: ignore[method-assign]
        else:
            del JITFunction.__call__


_MISSING = object()


@contextlib.contextmanager
def _language_restored() -> Iterator[None]:
    """Whatever the interpreter patches in `triton.language` is put back, so later launches still compile."""
    owners = (tl, tl.core, tl.math, tl.core.tensor, tl.core.dtype)
    saved = [(owner, dict(vars(owner))) for owner in owners]
    try:
        yield
    finally:
        for owner, before in saved:
            now = dict(vars(owner))
            for name in now.keys() - before.keys():
                delattr(owner, name)
            for name, value in before.items():
                if now.get(name, _MISSING) is not value:
                    setattr(owner, name, value)


@contextlib.contextmanager
def _floats_typed() -> Iterator[None]:
    """A float argument is an fp32 scalar in the compiled kernel (`eps.to(tl.float32)` works there); the 3.2
    interpreter passes it as a Python float, which has no `.to`. Typed here as the compiler types it (fp64 only
    when fp32 cannot hold it), as later Triton interpreters do."""
    import numpy as np

    original = interpreter._implicit_cvt
    f32 = np.finfo(np.float32)

    def convert(arg: Any) -> Any:
        if isinstance(arg, float):
            wide = math.isfinite(arg) and not f32.min <= arg <= f32.max
            ty = tl.float64 if wide else tl.float32
            handle = interpreter.TensorHandle(np.array([arg], dtype=np.float64 if wide else np.float32), ty)
            return tl.tensor(handle, ty)
        return original(arg)

    interpreter._implicit_cvt = convert
    try:
        yield
    finally:
        interpreter._implicit_cvt = original


@contextlib.contextmanager
def _index_fixed() -> Iterator[None]:
    """A scalar in the interpreter is a one-element array, and numpy 2 refuses `int()` of one; the 3.2 interpreter's
    `tensor.__index__` (a scalar argument in `range(n)`) does just that. Its `.item()` is what it means."""
    original = interpreter._patch_lang_tensor

    def patch(tensor: Any) -> None:
        original(tensor)
        tensor.__index__ = lambda self: int(self.handle.data.item())

    interpreter._patch_lang_tensor = patch
    try:
        yield
    finally:
        interpreter._patch_lang_tensor = original
