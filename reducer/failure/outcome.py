"""What a compiler run, a compile unit or a sweep's check amounted to: the one outcome vocabulary.

Every artifact that says how something ended (check's JSON, record.json, state.jsonl, triage.json, a repro's
header) stores an `Outcome`'s value, and every reader compares against these members. It imports nothing, so
even the capture hook inside a user's process speaks it; telling a run's outcome is `classify`'s.
"""

from __future__ import annotations

import enum


class StrEnum(str, enum.Enum):
    """`enum.StrEnum` (Python 3.11) for 3.10: a member is its value in JSON, f-strings, sets and dict keys."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)

    def __hash__(self) -> int:
        return hash(str(self.value))


class Outcome(StrEnum):
    # One compiler run, as `classify` tells it (check, replay, reduce, matrix, a sweep's check entries).
    PASSED = "passed"
    # The tool's own pipeline finished and only an external step is missing (the stage's `healthy_end`,
    # e.g. bishengir without CANN's hivmc): not a bug.
    PASSED_MLIR = "passed-mlir"
    DIAGNOSTIC = "diagnostic-error"
    # A capacity diagnostic (`ub overflow, requires N bits while M bits available!`): the kernel's config does not
    # fit the target's on-chip memory. The user's to fix (smaller blocks), not a compiler bug; still reducible.
    RESOURCE_LIMIT = "resource-limit"
    ASSERTION = "assertion"
    UNREACHABLE = "unreachable"
    LLVM_ERROR = "llvm-error"
    SIGNAL = "signal"
    SELF_CAUGHT_CRASH = "self-caught-crash"
    TIMEOUT = "timeout"
    INVALID_INPUT = "invalid-input"
    UNKNOWN_FAILURE = "unknown-failure"
    # One compile unit (kernel + specialisation): a capture's record.json, a sweep's unit and kernel rows.
    FAILED = "failed"  # a compiler stage failed (the record's `failed_stage` says which)
    FRONTEND_ERROR = "frontend-error"  # Triton's Python frontend rejected it: no compiler bug to reduce
    INCOMPLETE = "incomplete"  # the process died while compiling (the record is written before the compile)
    # What only a sweep can say of a file or a unit.
    UNREADABLE = "unreadable"  # the IR could not be read or loaded
    NOT_CHECKED = "not checked"  # none of the unit's files was checked

    @property
    def is_failure(self) -> bool:
        """Outcomes worth a signature (and a repro): the compiler stopped on input it accepted. A resource limit
        is one (`reduce` keeps its signature), though no bug: `is_bug` tells."""
        return self in _COMPILER_FAILURES

    @property
    def is_bug(self) -> bool:
        """A failure that is the compiler's: every failure but a resource limit (the user's config is too large)."""
        return self.is_failure and self is not Outcome.RESOURCE_LIMIT

    @property
    def is_crash(self) -> bool:
        return self in (Outcome.ASSERTION, Outcome.UNREACHABLE, Outcome.SIGNAL)

    @property
    def label(self) -> str:
        return _LABELS[self]


_COMPILER_FAILURES = frozenset(
    {Outcome.DIAGNOSTIC, Outcome.RESOURCE_LIMIT, Outcome.ASSERTION, Outcome.UNREACHABLE, Outcome.LLVM_ERROR,
     Outcome.SIGNAL, Outcome.SELF_CAUGHT_CRASH, Outcome.TIMEOUT, Outcome.UNKNOWN_FAILURE, Outcome.FAILED}
)

_LABELS = {
    Outcome.PASSED: "passed",
    Outcome.PASSED_MLIR: "passed (MLIR pipeline done; an external step is absent)",
    Outcome.DIAGNOSTIC: "error diagnostic",
    Outcome.RESOURCE_LIMIT: "resource limit (the kernel's config does not fit the target)",
    Outcome.ASSERTION: "assertion failure",
    Outcome.UNREACHABLE: "UNREACHABLE executed",
    Outcome.LLVM_ERROR: "LLVM ERROR",
    Outcome.SIGNAL: "killed by a signal",
    Outcome.SELF_CAUGHT_CRASH: "crash caught by the tool (Stack dump, exit 1)",
    Outcome.TIMEOUT: "timeout",
    Outcome.INVALID_INPUT: "invalid input (does not parse or verify)",
    Outcome.UNKNOWN_FAILURE: "failure without a diagnostic",
    Outcome.FAILED: "a compiler stage failed",
    Outcome.FRONTEND_ERROR: "rejected by Triton's frontend",
    Outcome.INCOMPLETE: "the process died while compiling",
    Outcome.UNREADABLE: "unreadable",
    Outcome.NOT_CHECKED: "not checked",
}
