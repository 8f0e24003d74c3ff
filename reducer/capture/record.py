"""The names a capture folder uses, shared by the in-process hook and the readers.

A record's `outcome` is an `Outcome`: PASSED, FAILED, FRONTEND_ERROR or INCOMPLETE.
"""

from __future__ import annotations

from typing import Any

from reducer.failure.outcome import Outcome

ENV_DIR = "REDUCER_CAPTURE_DIR"
ENV_TARGET = "REDUCER_CAPTURE_TARGET"
INDEX = "index.json"
RECORD = "record.json"
FORMAT = "reducer-capture/1"

# `failed_stage` of a failure in an in-process stage (Triton's Python frontend); else a registered stage's name.
FRONTEND_STAGE = "frontend"

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
