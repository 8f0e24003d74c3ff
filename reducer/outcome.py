"""What a compiler run amounted to: the outcome classes every other part speaks in."""

from __future__ import annotations

import enum
import re

from reducer.runner import RunResult


class Outcome(str, enum.Enum):
    PASSED = "passed"
    # bishengir's MLIR pipeline finished and only CANN's external hivmc is missing: not a bug.
    PASSED_MLIR = "passed-mlir"
    DIAGNOSTIC = "diagnostic-error"
    ASSERTION = "assertion"
    UNREACHABLE = "unreachable"
    LLVM_ERROR = "llvm-error"
    SIGNAL = "signal"
    SELF_CAUGHT_CRASH = "self-caught-crash"
    TIMEOUT = "timeout"
    INVALID_INPUT = "invalid-input"
    UNKNOWN_FAILURE = "unknown-failure"

    @property
    def is_failure(self) -> bool:
        """Outcomes worth a repro: the compiler misbehaved on input it accepted."""
        return self not in (Outcome.PASSED, Outcome.PASSED_MLIR, Outcome.INVALID_INPUT)

    @property
    def is_crash(self) -> bool:
        return self in (Outcome.ASSERTION, Outcome.UNREACHABLE, Outcome.SIGNAL)

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Outcome.PASSED: "passed",
    Outcome.PASSED_MLIR: "passed (MLIR pipeline done; hivmc absent)",
    Outcome.DIAGNOSTIC: "error diagnostic",
    Outcome.ASSERTION: "assertion failure",
    Outcome.UNREACHABLE: "UNREACHABLE executed",
    Outcome.LLVM_ERROR: "LLVM ERROR",
    Outcome.SIGNAL: "killed by a signal",
    Outcome.SELF_CAUGHT_CRASH: "crash caught by the tool (Stack dump, exit 1)",
    Outcome.TIMEOUT: "timeout",
    Outcome.INVALID_INPUT: "invalid input (does not parse or verify)",
    Outcome.UNKNOWN_FAILURE: "failure without a diagnostic",
}

# Printed at start-up of every run without CANN, failing or not: never a bug by itself.
HIVMC_MISSING = re.compile(r"Cannot find hivmc|External hivmc run fails|hivmc --version|detect hivmc version")
# Printed only once the whole MLIR pipeline has finished and the external step would start.
_HIVMC_REACHED = re.compile(r"External hivmc run fails")
_ASSERT = re.compile(r"Assertion `.*' failed", re.S)
_UNREACHABLE = re.compile(r"UNREACHABLE executed")
_LLVM_ERROR = re.compile(r"^LLVM ERROR:", re.M)
_STACK_DUMP = re.compile(r"^Stack dump:", re.M)
_ERROR_LINE = re.compile(r"(?:^|: )error: ", re.M)


def classify(run: RunResult) -> Outcome:
    """Pure function of one run: exit status and stderr decide."""
    err = run.stderr
    if run.timed_out:
        return Outcome.TIMEOUT
    if run.returncode == 0:
        return Outcome.PASSED
    if _ASSERT.search(err):
        return Outcome.ASSERTION
    if _UNREACHABLE.search(err):
        return Outcome.UNREACHABLE
    if _LLVM_ERROR.search(err):
        return Outcome.LLVM_ERROR
    if run.signal is not None:
        return Outcome.SIGNAL
    if _STACK_DUMP.search(err):
        return Outcome.SELF_CAUGHT_CRASH
    if _HIVMC_REACHED.search(err) and not _other_errors(err):
        return Outcome.PASSED_MLIR
    if _ERROR_LINE.search(err):
        # Whether the input itself was invalid is settled by a parse-only run (see check.py).
        return Outcome.DIAGNOSTIC
    return Outcome.UNKNOWN_FAILURE


# Wrapper diagnostics that every failure of a pipeline prints: they name no bug.
_GENERIC_ERRORS = re.compile(
    r"Failed to run BiShengHIR pipeline|Failures have been detected while processing an MLIR pass pipeline"
)


def first_error_line(stderr: str) -> str | None:
    """The first `error:` diagnostic that names something specific."""
    fallback = None
    for line in stderr.splitlines():
        if _ERROR_LINE.search(line) and not HIVMC_MISSING.search(line):
            if _GENERIC_ERRORS.search(line):
                fallback = fallback or line.strip()
                continue
            return line.strip()
    return fallback


def _other_errors(stderr: str) -> bool:
    return first_error_line(stderr) is not None
