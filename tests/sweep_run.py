"""One `reducer sweep -- python SCRIPT` (capture with no NPU, check, reduce, save), as the end-to-end tests run it."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from reducer.cli.sweep import sweep


def sweep_script(base: Path, script: Path, max_time_per_bug: float) -> dict[str, object]:
    """Sweep what `script` launches into `base/capture`, saving repros into `base/repros`; what the tests read."""
    out, repros = base / "capture", base / "repros"
    args = ["-o", str(out), "--repros", str(repros), "-j", "2", "--max-time-per-bug", str(max_time_per_bug), "-q",
            "--no-npu", "--", sys.executable, str(script)]
    t0 = time.monotonic()
    result = CliRunner().invoke(sweep, args)
    assert result.exit_code == 0, result.output
    return {"out": out, "repros": repros, "output": result.output, "seconds": time.monotonic() - t0,
            "triage": json.loads((out / "triage.json").read_text()),
            "index": json.loads((out / "index.json").read_text())}
