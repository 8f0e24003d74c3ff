"""What a capture already knows: a stage the captured compile got through need not run again in the sweep.

Only passes are taken over. A failure is always replayed: its signature needs the failing pass, and the replay
shows it comes back outside the user's process. Nothing is taken over when the binaries differ from the
capture's (another release, another override) or the file was edited since.
"""

from __future__ import annotations

from typing import Any

from reducer.capture.discovery import CapturedIR
from reducer.capture.record import last_stage_outcome, outcome_of
from reducer.failure.outcome import Outcome
from reducer.stage.table import all_stages


def captured_pass(ir: CapturedIR, fingerprint: dict[str, str]) -> Outcome | None:
    """The outcome the capture saw for `ir`'s stage when that was a pass, else None (replay it)."""
    record = ir.record
    if not record or record.get("toolchain") != fingerprint:
        return None
    kind = ir.stage.input_kind
    if (record.get("file_sha1") or {}).get(kind) != ir.content_sha1:
        return None
    outcome = outcome_of(record)
    if outcome is Outcome.FAILED and record.get("failed_stage") not in (None, ir.stage.name):
        return Outcome.PASSED  # a later stage failed: this one produced its output
    if outcome is not Outcome.PASSED:
        return None
    last = _is_last(record, kind)
    if last and last_stage_outcome(record) is Outcome.PASSED_MLIR and ir.stage.healthy_end is not None:
        return Outcome.PASSED_MLIR
    return Outcome.PASSED


def _is_last(record: dict[str, Any], kind: str) -> bool:
    """Whether `kind` is the input of the last stage the capture ran (its outcome is the record's detail)."""
    order = [spec.input_kind for spec in all_stages()]
    ran = [k for k in order if k in (record.get("files") or {})]
    return bool(ran) and ran[-1] == kind
