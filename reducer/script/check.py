"""Does a script show the bug its capture unit showed? Capture it (compile-only, for the unit's target) in a
scratch folder and replay the failing stage on the new unit's input: the same signature, or not.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from reducer.capture.discovery import read_records
from reducer.errors import InputError
from reducer.failure.replay import Replay
from reducer.failure.signature import Signature
from reducer.proc.run import run_process
from reducer.stage import table as stages
from reducer.stage.options import Options
from reducer.stage.source import read_text
from reducer.stage.table import StageSpec


def unit_signature(folder: Path, record: dict[str, Any], timeout: float = 120.0, attempts: int = 3) -> Signature | None:
    """The signature of the unit's failing stage, replayed on its recorded input (None when it did not fail in a
    compiler stage, or passed `attempts` replays: some compiler failures come and go from run to run)."""
    stage = stages.find(str(record.get("failed_stage") or record.get("replay") or ""))
    name = (record.get("files") or {}).get(stage.input_kind) if stage is not None else None
    if stage is None or not name:
        return None
    try:
        text = read_text(folder / name)
    except InputError:
        return None
    for _ in range(attempts):
        sig = stage_signature(stage, text, record, timeout)
        if sig is not None:
            return sig
    return None


def stage_signature(stage: StageSpec, text: str, record: dict[str, Any], timeout: float = 120.0) -> Signature | None:
    """`stage` run on `text` with the unit's options: the signature of its failure (None when it passed)."""
    try:
        options = Options.from_mapping(record.get("npu_options") or {}, ignore_unknown=True)
    except (TypeError, ValueError):
        return None
    return Replay(stage, options, timeout).observe(stage.prepare(text)).signature


def script_signature(script: Path, kernel: str, target: str, timeout: float = 300.0) -> Signature | None:
    """What `kernel` shows when `script` is captured for `target`: its failing stage's signature, or None (it
    compiled, the script broke before launching it, or it timed out)."""
    with tempfile.TemporaryDirectory(prefix="reducer-script-") as scratch:
        cap = Path(scratch) / "cap"
        argv = [sys.executable, "-m", "reducer", "capture", "--target", target, "-q", "--no-shims", "-o", str(cap),
                "--", sys.executable, script.name]
        done = run_process(argv, timeout=timeout, cwd=script.parent)
        if done.timed_out:
            return None
        for record in read_records(cap):
            if record.get("kernel") == kernel or str(record.get("fn_qualname", "")).endswith(kernel):
                sig = unit_signature(Path(record["folder"]), record)
                if sig is not None:
                    return sig
    return None
