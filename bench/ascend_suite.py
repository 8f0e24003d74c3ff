#!/usr/bin/env python3
"""Benchmark: an Ascend project's own pytest files, run unmodified under `reducer sweep -- python -m pytest`.

No NPU here: the files import torch_npu, move tensors with `.npu()` and assert against torch references, so
they only run under the tool's NPU stand-in, and their assertions only pass when the captured launches really
execute. Prints, per file and in total: test cases passed / failed / errored / skipped (from pytest's own
junit XML), compile units recorded for kernels defined in that file, and the share of files with units. The
anchor is the same pytest run without the tool (what a user without an NPU gets today).

    python bench/ascend_suite.py SUITE_DIR FILE.py ... [--jobs 2] [--no-anchor] [--json OUT]

SUITE_DIR is a checkout's test folder (e.g. triton-ascend v3.2.0's ascend/examples/pytest_ut); the project's
test-time requirements (pytest-xdist for a conftest's `worker_id`, numpy) must be installed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path


def junit_counts(xml: Path) -> dict[str, Counter]:
    """file stem -> outcome counts, from pytest's junit XML (classname is `module.Class` or `module`)."""
    per_file: dict[str, Counter] = {}
    if not xml.is_file():
        return per_file
    for case in ET.parse(xml).getroot().iter("testcase"):
        module = (case.get("classname") or "").split(".")[0]
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = {"failure": "failed", "error": "errored", "skipped": "skipped"}[child.tag]
        per_file.setdefault(module, Counter())[outcome] += 1
    return per_file


def units_per_file(capture: Path) -> Counter:
    """file stem -> compile units whose kernel is defined in that file."""
    units: Counter = Counter()
    for record in capture.rglob("record.json"):
        try:
            source = json.loads(record.read_text()).get("source") or ""
        except (OSError, ValueError):
            continue
        units[Path(source.rsplit(":", 1)[0]).stem] += 1
    return units


def run(suite: Path, files: list[str], out: Path, jobs: int, tool: bool) -> tuple[dict[str, Counter], Counter, float]:
    xml = out / "junit.xml"
    pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={xml}", *files]
    cmd = ([sys.executable, "-m", "reducer", "sweep", "-q", "-o", str(out / "sweep"), "--repros", str(out / "repros"),
            "-j", str(jobs), "--kernels-per-signature", "1", "--max-time-per-bug", "30", "--", *pytest]
           if tool else pytest)
    t0 = time.monotonic()
    subprocess.run(cmd, cwd=suite, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.monotonic() - t0
    return junit_counts(xml), units_per_file(out / "sweep") if tool else Counter(), seconds


def table(files: list[str], cases: dict[str, Counter], units: Counter, anchor: dict[str, Counter] | None) -> None:
    head = "| file | passed | failed | errored | skipped | units |" + (" anchor passed |" if anchor is not None else "")
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for name in files:
        stem = Path(name).stem
        c = cases.get(stem, Counter())
        row = f"| {name} | {c['passed']} | {c['failed']} | {c['errored']} | {c['skipped']} | {units[stem]} |"
        if anchor is not None:
            row += f" {anchor.get(stem, Counter())['passed']} |"
        print(row)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("suite", type=Path)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-anchor", action="store_true", help="skip the plain pytest run")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="ascend_suite_") as tmp:
        cases, units, seconds = run(args.suite, args.files, Path(tmp) / "tool", args.jobs, tool=True)
        anchor, _, anchor_seconds = (None, None, 0.0) if args.no_anchor else run(
            args.suite, args.files, Path(tmp) / "anchor", args.jobs, tool=False)
    table(args.files, cases, units, anchor)
    total = sum(cases.values(), Counter())
    ran = total["passed"] + total["failed"] + total["errored"]
    with_units = sum(1 for f in args.files if units[Path(f).stem])
    print(f"\nfiles with units: {with_units}/{len(args.files)} ({100 * with_units / len(args.files):.0f}%)")
    share = 100 * total["passed"] / max(ran, 1)
    print(f"test cases passing their own assertions: {total['passed']}/{ran} ({share:.0f}%),"
          f" {total['skipped']} skipped; {sum(units.values())} compile units; {seconds:.0f} s")
    if anchor is not None:
        plain = sum(anchor.values(), Counter())
        print(f"anchor (plain pytest, no tool): {plain['passed']} passed, {plain['failed'] + plain['errored']} failed"
              f" or errored; {anchor_seconds:.0f} s")
    if args.json:
        args.json.write_text(json.dumps({"cases": {k: dict(v) for k, v in cases.items()}, "units": dict(units),
                                         "seconds": seconds}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
