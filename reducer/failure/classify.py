"""Telling what one compiler run amounted to: exit status and stderr -> an `Outcome`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from reducer.errors import ToolNotFound
from reducer.failure.outcome import Outcome
from reducer.failure.resource import is_capacity
from reducer.stage.table import all_stages, any_noise

if TYPE_CHECKING:
    from reducer.stage.runner import RunResult
    from reducer.stage.table import StageSpec

_ASSERT = re.compile(r"Assertion `.*' failed", re.S)
_UNREACHABLE = re.compile(r"UNREACHABLE executed")
_LLVM_ERROR = re.compile(r"^LLVM ERROR:", re.M)
_STACK_DUMP = re.compile(r"^Stack dump:", re.M)
_ERROR_LINE = re.compile(r"(?:^|: )error: ", re.M)


def classify(run: RunResult, spec: StageSpec) -> Outcome:
    """Pure function of one run of `spec`'s tool: exit status and stderr decide. A run that could not find a
    tool our wheels should ship is no outcome at all: ToolNotFound (an environment error, never a bug)."""
    err = run.stderr
    if run.timed_out:
        return Outcome.TIMEOUT
    if run.returncode == 0:
        return Outcome.PASSED
    refuse_missing_tool(run, spec)
    if _ASSERT.search(err):
        return Outcome.ASSERTION
    if _UNREACHABLE.search(err):
        return Outcome.UNREACHABLE
    if _LLVM_ERROR.search(err):
        return Outcome.RESOURCE_LIMIT if capacity_line(err, spec) else Outcome.LLVM_ERROR
    if run.signal is not None:
        return Outcome.SIGNAL
    if _STACK_DUMP.search(err):
        return Outcome.SELF_CAUGHT_CRASH
    if any(end in err for end in spec.healthy_endings()) and first_error_line(err, spec) is None:
        return Outcome.PASSED_MLIR
    if _ERROR_LINE.search(err):
        # Whether the input itself was invalid is settled by a parse-only run (`Replay.observe`).
        return Outcome.RESOURCE_LIMIT if capacity_line(err, spec) else Outcome.DIAGNOSTIC
    return Outcome.UNKNOWN_FAILURE


# How a stage's binary says it cannot run a sibling (`bishengir-compile` -> `bishengir-compile-a5`) or CANN's tool.
_CANNOT_FIND = re.compile(r"Cannot find (\S+) under \$PATH")


def missing_tool(stderr: str) -> str | None:
    """A tool a run could not find that is no stage's external (CANN) tool: a wheel should ship it and does not."""
    external = {name for s in all_stages() for name in s.external_tools}
    return next((m.group(1) for m in _CANNOT_FIND.finditer(stderr) if m.group(1) not in external), None)


def refuse_missing_tool(run: RunResult, spec: StageSpec) -> None:
    """ToolNotFound for a run that stopped at a missing sibling binary (an older release has no `-a5` tools)."""
    name = missing_tool(run.stderr)
    if name is not None:
        where = run.argv[0] if run.argv else spec.tool
        raise ToolNotFound(
            f"{name} not found beside {where}: {spec.tool} needs it for this target",
            f"install a release of {spec.wheel} that ships {name}, or choose another target",
        )


# What every failing MLIR pass pipeline prints: it names no bug (stages add their own wrappers).
_PIPELINE_FAILED = re.compile(r"Failures have been detected while processing an MLIR pass pipeline")


def first_error_line(stderr: str, spec: StageSpec | None = None) -> str | None:
    """The first `error:` diagnostic that names something specific (not a wrapper, not start-up noise); else the
    first wrapper."""
    specific, wrapper = _error_lines(stderr, spec)
    return specific or wrapper


def capacity_line(stderr: str, spec: StageSpec | None = None) -> str | None:
    """The run's key line (what the signature's message is made of) when it is a capacity diagnostic, else None:
    the `LLVM ERROR:` line when there is one (Triton-Ascend's SIMT check reports its overflow as a fatal error),
    else the first error line. A crash (assertion, signal) keeps its class whatever this says."""
    fatal = _LLVM_ERROR.search(stderr)
    line = stderr[fatal.start():].split("\n", 1)[0].strip() if fatal else first_error_line(stderr, spec)
    return line if is_capacity(line) else None


def specific_error_line(stderr: str, spec: StageSpec | None = None) -> str | None:
    """The first `error:` diagnostic that names something specific; None when only wrappers (a crash caught by
    the pass manager says just "Failures have been detected") or nothing was printed."""
    return _error_lines(stderr, spec)[0]


def error_messages(stderr: str, spec: StageSpec | None = None) -> list[str]:
    """Every specific `error:` diagnostic's text, in order: a tool and its parser may print the same diagnostics
    in another order."""
    wrappers = [s.wrapper_errors for s in ([spec] if spec else all_stages()) if s.wrapper_errors is not None]
    return [
        line.split("error: ", 1)[1].strip()
        for line in stderr.splitlines()
        if _ERROR_LINE.search(line) and not any_noise(line) and not _PIPELINE_FAILED.search(line)
        and not any(w.search(line) for w in wrappers)
    ]


def _error_lines(stderr: str, spec: StageSpec | None) -> tuple[str | None, str | None]:
    wrappers = [s.wrapper_errors for s in ([spec] if spec else all_stages()) if s.wrapper_errors is not None]
    fallback = None
    for line in stderr.splitlines():
        if not _ERROR_LINE.search(line) or any_noise(line):
            continue
        if _PIPELINE_FAILED.search(line) or any(w.search(line) for w in wrappers):
            fallback = fallback or line.strip()
            continue
        return line.strip(), fallback
    return None, fallback
