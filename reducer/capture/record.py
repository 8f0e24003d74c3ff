"""The names a capture folder uses, shared by the in-process hook and the readers.

A record's `outcome` is an `Outcome`: PASSED, FAILED, FRONTEND_ERROR or INCOMPLETE. Its `execution` (added by the
hook, never part of what a sweep compares) says how the launches of that unit ran on the CPU: `status` and
`seconds` of the latest launch, the `reason` of the latest one that did not run to its end, `counts` per status.
"""

from __future__ import annotations

from typing import Any

from reducer.failure.outcome import Outcome, StrEnum

ENV_DIR = "REDUCER_CAPTURE_DIR"
ENV_TARGET = "REDUCER_CAPTURE_TARGET"
# `--option KEY=VALUE` given to capture/sweep -- CMD (JSON): over every launch's own keywords, as over a file's own.
ENV_OPTIONS = "REDUCER_CAPTURE_OPTIONS"
# Seconds one launch may run on the CPU (0: compile only, run nothing) and all launches of a process together.
ENV_EXEC_SECONDS = "REDUCER_EXEC_SECONDS"
ENV_EXEC_TOTAL = "REDUCER_EXEC_TOTAL_SECONDS"
DEFAULT_EXEC_SECONDS = 20.0
# Seconds one compiler stage may run while a launch compiles (sweep's --timeout): a hang is recorded as the
# stage's failure and the user's program goes on, instead of waiting on the compiler for ever.
ENV_STAGE_TIMEOUT = "REDUCER_STAGE_TIMEOUT"
DEFAULT_STAGE_TIMEOUT = 300.0
DEFAULT_EXEC_TOTAL = 600.0
INDEX = "index.json"
RECORD = "record.json"
FORMAT = "reducer-capture/1"

# `failed_stage` of a failure in an in-process stage (Triton's Python frontend); else a registered stage's name.
FRONTEND_STAGE = "frontend"


class ExecStatus(StrEnum):
    """How one launch ran on the CPU (a record's `execution.status`)."""

    STARTED = "started"  # still running, or the process died during it (the record is written before)
    EXECUTED = "executed"  # ran to its end: the outputs hold what the kernel computed
    OUT_OF_BOUNDS = "out-of-bounds"  # an access outside the launch's tensors: stopped, outputs left as they were
    OVER_BUDGET = "over-budget"  # would outlast its time budget: stopped, outputs left as they were
    UNSUPPORTED = "unsupported"  # the CPU path cannot run it (an Ascend-only builtin, an op the interpreter lacks)
    ERROR = "error"  # the kernel raised on the CPU (a device assert, a bad argument)
    SKIPPED = "skipped"  # not run: execution off or the process's total budget spent


def note_execution(record: dict[str, Any], status: ExecStatus, seconds: float, reason: str | None) -> None:
    """One launch's run in its unit's `execution`: latest status and seconds, latest reason, a count per status."""
    entry = record.setdefault("execution", {"counts": {}})
    entry.update(status=str(status), seconds=seconds)
    if reason:
        entry["reason"] = reason
    else:
        entry.pop("reason", None)  # an earlier launch's reason must not read as this one's
    if status is not ExecStatus.STARTED:
        entry["counts"][str(status)] = entry["counts"].get(str(status), 0) + 1


# A passed record's `detail`: how its last stage ended, in the spelling record.json has always had.
_PASSED_DETAIL = {Outcome.PASSED: "ok", Outcome.PASSED_MLIR: "mlir-ok, external step missing"}


def outcome_of(record: dict[str, Any]) -> Outcome | None:
    """A record's outcome; None when it has none (or one no version wrote)."""
    try:
        return Outcome(record.get("outcome"))
    except ValueError:
        return None


def passed_detail(outcome: Outcome) -> str:
    """What a passed record's `detail` says for a compile that ended in `outcome` (PASSED or PASSED_MLIR)."""
    return _PASSED_DETAIL[outcome]


def last_stage_outcome(record: dict[str, Any]) -> Outcome | None:
    """How a passed record's last stage ended (PASSED, or PASSED_MLIR at its healthy end); None otherwise."""
    if outcome_of(record) is not Outcome.PASSED:
        return None
    return next((o for o, text in _PASSED_DETAIL.items() if record.get("detail") == text), None)


def config_label(record: dict, width: int = 40) -> str:
    """A compile unit's specialisation in a few characters: autotune slot, constexprs, shims (`2/5 BLOCK=32`)."""
    parts = []
    if record.get("autotune_configs"):
        index = record.get("autotune_index")
        parts.append(f"{'?' if index is None else index + 1}/{record['autotune_configs']}")
    parts += [f"{k}={v}" for k, v in sorted((record.get("constants") or {}).items())]
    text = " ".join(parts) or "-"
    text = text if len(text) <= width else text[: width - 1] + "…"
    shims = [s.get("name", "?") for s in record.get("shims") or []]
    return text + (f" +shim {','.join(shims)}" if shims else "")


def failed_where(record: dict) -> str:
    """The failed stage; a known frontend incompatibility by its shim's name."""
    stage = record.get("failed_stage") or "-"
    known = (record.get("incompatibility") or {}).get("name")
    return f"{stage} ({known})" if known else stage
