#!/usr/bin/env python3
"""Benchmark: reducer vs C-Vise on every shipped failing example, same interestingness test.

Prints one row per example: ops before/after, tests run, wall seconds for reducer and (when Debian's
`cvise` is installed) for C-Vise using `reducer check --expect ID` as its test, then the ratios
reducer/C-Vise. Not a timed unit test: figures depend on the machine; ratios are what to compare.

    python bench/run.py [--jobs 2] [--cvise-cap 300] [--only NAME ...] [--no-cvise] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reducer.check import check_file  # noqa: E402
from reducer.errors import ReducerError  # noqa: E402
from reducer.npu_options import Options  # noqa: E402
from reducer.reduce import ReduceRequest, Reduction  # noqa: E402
from reducer.source import load  # noqa: E402
from reducer.tool_print import tool_ops  # noqa: E402


def ops_of(path: Path, stage) -> int:
    ops = tool_ops(stage, path.read_text())
    return -1 if ops is None else ops  # -1: the tool cannot even parse it


def failing_examples(only: list[str]) -> list[Path]:
    found = []
    for path in sorted((ROOT / "examples" / "ir").iterdir()):
        if only and not any(o in path.name for o in only):
            continue
        report = check_file(load(path), Options(), runs=5)
        if report.signature is not None and not report.flaky:
            found.append(path)
    return found


def run_reducer(path: Path, jobs: int, workdir: Path) -> dict:
    source = load(path)
    out = workdir / f"reduced-{path.name}.mlir"
    t0 = time.monotonic()
    report = Reduction(ReduceRequest(source=source, options=Options(), out=out, jobs=jobs)).run()
    wall = time.monotonic() - t0
    return {"ops_before": ops_of(path, source.stage), "ops_after": ops_of(out, source.stage),
            "tests": report.tests, "wall": wall, "id": report.signature.id if report.signature else None,
            "stage": source.stage}


def run_cvise(path: Path, sig_id: str, stage, jobs: int, cap: float, workdir: Path) -> dict | None:
    cvise = shutil.which("cvise")
    if cvise is None:
        return None
    work = Path(tempfile.mkdtemp(prefix="cvise-", dir=workdir))
    target = work / path.name
    shutil.copy(path, target)
    counter = work / "tests.count"
    test = work / "test.sh"
    test.write_text(
        "#!/bin/sh\n"
        f"echo x >> {counter}\n"
        f"exec {sys.executable} -m reducer check --stage {stage.name} --expect {sig_id} {path.name} >/dev/null 2>&1\n"
    )
    test.chmod(0o755)
    t0 = time.monotonic()
    # C-Vise insists on a bare file name in its working directory.
    proc = subprocess.Popen([cvise, "--n", str(jobs), "--timeout", "30", "--tidy", str(test), target.name],
                            cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        proc.wait(timeout=cap)
        capped = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        capped = True
    wall = time.monotonic() - t0
    tests = len(counter.read_text().splitlines()) if counter.exists() else 0
    return {"ops_after": ops_of(target, stage), "tests": tests, "wall": wall, "capped": capped}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--cvise-cap", type=float, default=300.0, help="seconds before C-Vise is stopped")
    ap.add_argument("--no-cvise", action="store_true")
    ap.add_argument("--only", nargs="*", default=[])
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="reducer-bench-") as tmp:
        workdir = Path(tmp)
        examples = failing_examples(args.only)
        print(f"{len(examples)} deterministic failing examples; jobs={args.jobs}; "
              f"C-Vise: {'off' if args.no_cvise else shutil.which('cvise') or 'not installed'}", flush=True)
        header = (f"{'example':42} {'ops':>5} {'red.ops':>7} {'tests':>6} {'wall':>6} | "
                  f"{'cv.ops':>6} {'tests':>6} {'wall':>6} | {'ops r':>5} {'tests r':>7} {'wall r':>6}")
        print(header)
        print("-" * len(header))
        for path in examples:
            try:
                red = run_reducer(path, args.jobs, workdir)
            except ReducerError as err:  # e.g. a flaky bug caught by the final check: report, go on
                print(f"{path.name:42} reducer refused: {err.one_line()}", flush=True)
                continue
            cv = None if args.no_cvise else run_cvise(path, red["id"], red["stage"], args.jobs, args.cvise_cap,
                                                      workdir)
            row = {"example": path.name, **{k: v for k, v in red.items() if k != "stage"},
                   "stage": red["stage"].name, "cvise": cv}
            rows.append(row)
            line = (f"{path.name:42} {red['ops_before']:>5} {red['ops_after']:>7} {red['tests']:>6} "
                    f"{red['wall']:>6.1f} | ")
            if cv:
                cap = "*" if cv["capped"] else " "
                ratio_ops = red["ops_after"] / cv["ops_after"] if cv["ops_after"] > 0 else float("nan")
                ratio_tests = red["tests"] / cv["tests"] if cv["tests"] else float("nan")
                line += (f"{cv['ops_after']:>6} {cv['tests']:>6} {cv['wall']:>5.0f}{cap} | "
                         f"{ratio_ops:>5.2f} {ratio_tests:>7.3f} {red['wall'] / cv['wall']:>6.3f}")
            else:
                line += f"{'-':>6} {'-':>6} {'-':>6} | {'-':>5} {'-':>7} {'-':>6}"
            print(line, flush=True)
    print("ratios = reducer / C-Vise (lower is better); * = C-Vise stopped at the cap")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
