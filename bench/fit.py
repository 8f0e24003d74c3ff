#!/usr/bin/env python3
"""Benchmark: `reducer fit` on every resource-limit unit of the shipped example programs, each proposed fit
recompiled by hand.

Captures examples/project/run_ops.py and examples/fit/tiles.py for the default target, and tiles.py again for an
A5 target (where its `tl.static_range` loop overflows), takes every unit whose record says bishengir failed with a
capacity diagnostic, runs `reducer fit` on it (a cold verdict cache per unit) and recompiles the proposed `fit.ir`
independently: tests/test_fit.py's `hand_compile` runs the installed bishengir-compile with the backend's command
line built from the record's NPUOptions, not from reducer's stage table. The anchor is the plain `reducer check` of
the unit's captured input in the same run: fit seconds / check seconds is what finding a config costs over one
replay of the failure. Both are timed as a user runs them (one CLI process each). Exit 1 when a fit does not verify.

    python bench/fit.py [-j 2] [--fit-time 120] [--no-a5] [--keep DIR] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from test_fit import A5, hand_compile  # noqa: E402

from reducer.failure.resource import resource_limit  # noqa: E402

# (name, script, target or None for the capture's default)
PROGRAMS = (
    ("project", ROOT / "examples" / "project" / "run_ops.py", None),
    ("tiles", ROOT / "examples" / "fit" / "tiles.py", None),
    ("tiles-a5", ROOT / "examples" / "fit" / "tiles.py", A5),
)


def cli(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess[str], float]:
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "reducer", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, check=False)
    return proc, time.monotonic() - t0


def capture(name: str, script: Path, target: str | None, work: Path) -> tuple[Path, float]:
    out = work / "captures" / name
    args = ["capture", "-q", *(["--target", target] if target else []), "-o", str(out), "--", sys.executable,
            str(script)]
    proc, seconds = cli(*args, env=dict(os.environ, REDUCER_EXEC_SECONDS="0"))
    if proc.returncode != 0:
        raise SystemExit(f"capture of {script.name} failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
    return out, seconds


def limit_units(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    """The units whose record says bishengir failed with a capacity diagnostic."""
    found = []
    for path in sorted(folder.glob("*/record.json")):
        record = json.loads(path.read_text())
        if record.get("failed_stage") == "bishengir" and resource_limit(record.get("error") or "") is not None:
            found.append((path.parent, record))
    return found


def unit_label(record: dict[str, Any]) -> str:
    config = " ".join(f"{k}={v}" for k, v in sorted((record.get("constants") or {}).items()))
    slot = record.get("autotune_index")
    if slot is not None:
        config = f"{slot + 1}/{record.get('autotune_configs')} {config}"
    return f"{record['kernel']} {config}"


def suggestion(data: dict[str, Any]) -> str:
    fit = data.get("fit")
    text = "none"
    if fit:
        text = ", ".join(f"{k}={v}" for k, v in fit["changes"].items()) or "as captured"
    if data.get("autotune"):
        tune = data["autotune"]
        text += f"; {len(tune['fit'])}/{tune['configs']} configs fit"
    if data.get("anomaly"):
        text += f"; ANOMALY {data['anomaly']['rule']}"
    return text


def measure(unit: Path, record: dict[str, Any], work: Path, jobs: int, fit_time: float) -> dict[str, Any]:
    check, check_s = cli("check", str(unit / record["files"]["ttadapter"]), "--json")
    outcome = json.loads(check.stdout)["outcome"] if check.returncode == 0 else f"exit {check.returncode}"
    out = work / "fits" / f"{unit.parent.name}-{unit.name}" / "fit"  # a parent of its own: a cold cache
    fit, fit_s = cli("fit", str(unit), "-o", str(out), "-j", str(jobs), "--fit-time", str(fit_time), "--json", "-q")
    row: dict[str, Any] = {"capture": unit.parent.name, "unit": unit_label(record), "check_outcome": outcome,
                           "check_seconds": round(check_s, 2), "fit_seconds": round(fit_s, 2)}
    if fit.returncode != 0:
        return {**row, "error": (fit.stderr.strip().splitlines() or [f"exit {fit.returncode}"])[-1], "tried": 0,
                "implied": 0, "verified": None, "limit": "-", "suggestion": "fit failed"}
    data = json.loads(fit.stdout)
    hand = hand_compile(out / data["fit"]["ir"], record["npu_options"], out / "hand") if data["fit"] else None
    return {**row, "limit": f"{data['requires_bits']}/{data['available_bits']} ({data['ratio']}x)",
            "suggestion": suggestion(data), "tried": data["tried"], "implied": data["implied"],
            "cache_hits": data["cache_hits"], "search_seconds": data["seconds"], "fit": data["fit"],
            "anomaly": data["anomaly"], "hand": hand, "verified": None if hand is None else hand == "passed-mlir"}


def print_table(rows: list[dict[str, Any]], capture_seconds: float) -> None:
    head = (f"{'unit':44} {'capture':9} {'limit (requires/available)':28} {'suggestion':42} {'tried':>5} "
            f"{'impl':>4} {'verified':8} {'fit s':>6} {'check s':>7} {'ratio':>6}")
    print(head)
    print("-" * len(head))
    for r in rows:
        verified = "-" if r["verified"] is None else "yes" if r["verified"] else f"NO: {r['hand']}"
        print(f"{r['unit'][:44]:44} {r['capture'][:9]:9} {r['limit']:28} {r['suggestion'][:42]:42} {r['tried']:>5} "
              f"{r['implied']:>4} {verified:8} {r['fit_seconds']:>6.1f} {r['check_seconds']:>7.1f} "
              f"{r['fit_seconds'] / r['check_seconds']:>6.1f}")
        if "error" in r:
            print(f"    fit failed: {r['error']}")
    fit_s = sum(r["fit_seconds"] for r in rows)
    check_s = sum(r["check_seconds"] for r in rows)
    found = sum(1 for r in rows if r.get("fit"))
    verified = sum(1 for r in rows if r["verified"])
    print(f"totals: {len(rows)} units, {sum(r['tried'] for r in rows)} candidates tried "
          f"({sum(r['implied'] for r in rows)} implied), {found} fits found, {verified} fits verified by hand, "
          f"{sum(1 for r in rows if r.get('anomaly'))} anomalies; fit {fit_s:.1f}s, check {check_s:.1f}s "
          f"(fit/check {fit_s / check_s:.1f}x); captures {capture_seconds:.1f}s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--fit-time", type=float, default=120.0, help="each unit's search budget (reducer fit's)")
    ap.add_argument("--no-a5", action="store_true", help="skip the A5 capture of tiles.py")
    ap.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it (captures, fits)")
    ap.add_argument("--json", type=Path, default=None, help="also write the rows here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="reducer-bench-fit-") as tmp:
        work = args.keep or Path(tmp)
        rows: list[dict[str, Any]] = []
        capture_seconds = 0.0
        for name, script, target in PROGRAMS:
            if args.no_a5 and target == A5:
                continue
            folder, seconds = capture(name, script, target, work)
            capture_seconds += seconds
            units = limit_units(folder)
            print(f"{name}: captured in {seconds:.1f}s, {len(units)} resource-limit units", file=sys.stderr)
            rows += [measure(unit, record, work, args.jobs, args.fit_time) for unit, record in units]
        print(f"jobs={args.jobs}, fit-time {args.fit_time:g}s; fit and check seconds are wall time of one CLI run each")
        print_table(rows, capture_seconds)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, default=str))
    return 0 if all(r["verified"] is not False for r in rows) and all("error" not in r for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
