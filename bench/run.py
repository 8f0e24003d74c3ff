#!/usr/bin/env python3
"""Benchmark: reducer vs C-Vise, picire and Shrink Ray on every shipped failing example, same interestingness.

Prints one row per example: ops before, then ops after / tests run / wall seconds for reducer and for each
anchor that is installed (Debian's `cvise`; `pip install picire shrinkray "setuptools<81"`), every anchor
using `reducer check --expect ID` as its test and stopped at the same cap. Not a timed unit test: figures
depend on the machine; compare within one run.

    python bench/run.py [--jobs 2] [--cap 300] [--anchors cvise,picire,shrinkray] [--only NAME ...] [--json OUT]
    python bench/run.py --inputs bench/shapes --cap 300   # the shapes other reducers beat us on (issue 28)
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

from reducer.errors import ReducerError  # noqa: E402
from reducer.failure.check import check_file  # noqa: E402
from reducer.reduce.reduction import ReduceRequest, Reduction  # noqa: E402
from reducer.stage.options import Options  # noqa: E402
from reducer.stage.source import load  # noqa: E402
from reducer.stage.tool_print import tool_ops  # noqa: E402


def ops_of(path: Path, stage) -> int:
    ops = tool_ops(stage, path.read_text())
    return -1 if ops is None else ops  # -1: the tool cannot even parse it


def failing_examples(only: list[str], folder: Path = ROOT / "examples" / "ir") -> list[Path]:
    found = []
    for path in sorted(p for p in folder.iterdir() if p.suffix in (".ttir", ".mlir", ".ttadapter")):
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
            "stage": source.stage, "final": f"{report.final_matches}/{report.final_runs}",
            "one_minimal": None if report.one_minimal is None else report.one_minimal[0],
            "timings": {k: round(v, 1) for k, v in report.timings.items()}}


def _test_script(work: Path, sig_id: str, stage, counter: Path, given: str, name: str) -> Path:
    """The same interestingness test for every anchor: `reducer check --expect ID` (exit 0 = the bug). The
    candidate comes as `given`: "arg" (its path), "stdin", or "name" (a fixed file name in the cwd)."""
    test = work / "test.sh"
    read = {"stdin": 'f=$(mktemp --suffix=.mlir); cat > "$f"; set -- "$f"\n', "name": f"set -- {name}\n"}
    test.write_text(
        "#!/bin/sh\n"
        f"echo x >> {counter}\n{read.get(given, '')}"
        f'{sys.executable} -m reducer check --stage {stage.name} --expect {sig_id} "$1" >/dev/null 2>&1\n'
        "rc=$?\n" + ('rm -f "$f"\n' if given == "stdin" else "") + "exit $rc\n"
    )
    test.chmod(0o755)
    return test


# Each anchor: how it is found, and its command line (test script, input file, jobs) -> (argv, result file).
ANCHORS = {
    # C-Vise insists on a bare file name in its working directory, and reduces it in place.
    "cvise": ("cvise", "name", lambda exe, test, target, jobs: (
        [exe, "--n", str(jobs), "--timeout", "30", "--tidy", str(test), target.name], target)),
    # picire: the test gets the candidate's path; the result lands in its output folder.
    "picire": ("picire", "arg", lambda exe, test, target, jobs: (
        [exe, "-i", str(target), "--test", str(test), "-p", "-j", str(jobs), "-a", "line", "--cache", "content",
         "-o", str(target.parent / "picire-out")], target.parent / "picire-out" / target.name)),
    # Shrink Ray: the candidate on stdin; the best so far written to --target.
    "shrinkray": ("shrinkray", "stdin", lambda exe, test, target, jobs: (
        [exe, "--parallelism", str(jobs), "--timeout", "30", "--target", str(target.with_suffix(".best")),
         str(test), str(target)], target.with_suffix(".best"))),
}


def run_anchor(name: str, path: Path, sig_id: str, stage, jobs: int, cap: float, workdir: Path) -> dict | None:
    program, given, command = ANCHORS[name]
    exe = shutil.which(program)
    if exe is None:
        return None
    work = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=workdir))
    target = work / path.name
    shutil.copy(path, target)
    counter = work / "tests.count"
    argv, result = command(exe, _test_script(work, sig_id, stage, counter, given, target.name), target, jobs)
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, cwd=work, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        proc.wait(timeout=cap)
        capped = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        capped = True
    wall = time.monotonic() - t0
    tests = len(counter.read_text().splitlines()) if counter.exists() else 0
    if tests == 0 and not capped:
        # It never ran the test: a broken install (picire needs setuptools' pkg_resources), not a result.
        return {"ops_after": None, "tests": 0, "wall": wall, "capped": False, "broken": proc.returncode}
    best = result if result.is_file() else target
    return {"ops_after": ops_of(best, stage), "tests": tests, "wall": wall, "capped": capped}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--cap", "--cvise-cap", type=float, default=300.0, help="seconds before an anchor is stopped")
    ap.add_argument("--anchors", default="cvise,picire,shrinkray", help="which anchors to run (comma-separated)")
    ap.add_argument("--no-cvise", action="store_true", help="run no anchor (reducer alone)")
    ap.add_argument("--only", nargs="*", default=[])
    ap.add_argument("--extra", nargs="*", type=Path, default=[],
                    help="more failing IR files, not re-checked first (a heavy kernel: examples/make_ir.py)")
    ap.add_argument("--inputs", type=Path, default=ROOT / "examples" / "ir",
                    help="the folder of failing IR to reduce (default: examples/ir; bench/shapes: issue 28's shapes)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    anchors = [] if args.no_cvise else [a for a in args.anchors.split(",") if a in ANCHORS]
    rows = []
    with tempfile.TemporaryDirectory(prefix="reducer-bench-") as tmp:
        workdir = Path(tmp)
        examples = failing_examples(args.only, args.inputs) + list(args.extra)
        found = {a: shutil.which(ANCHORS[a][0]) or "not installed" for a in anchors}
        print(f"{len(examples)} deterministic failing examples; jobs={args.jobs}; cap {args.cap:g}s; anchors: "
              + (", ".join(f"{a} ({w})" for a, w in found.items()) or "none"), flush=True)
        header = f"{'example':42} {'ops':>5} | {'reducer':>16} 1-min final | " + " | ".join(f"{a:>16}" for a in anchors)
        print(header)
        print(f"{'':42} {'':>5} | {'ops tests  wall':>16}             | "
              + " | ".join(f"{'ops tests  wall':>16}" for _ in anchors))
        print("-" * len(header))
        for path in examples:
            try:
                red = run_reducer(path, args.jobs, workdir)
            except ReducerError as err:  # e.g. a flaky bug caught by the final check: report, go on
                print(f"{path.name:42} reducer refused: {err.one_line()}", flush=True)
                continue
            row = {"example": path.name, **{k: v for k, v in red.items() if k != "stage"}, "stage": red["stage"].name}
            one = "-" if red["one_minimal"] is None else str(red["one_minimal"])
            cells = [f"{red['ops_after']:>4} {red['tests']:>5} {red['wall']:>5.1f} {one:>5} {red['final']:>5}"]
            for anchor in anchors:
                got = run_anchor(anchor, path, red["id"], red["stage"], args.jobs, args.cap, workdir)
                row[anchor] = got
                mark = "*" if got and got["capped"] else " "
                if got is not None and got.get("broken") is not None:
                    cells.append(f"{'broken (exit ' + str(got['broken']) + ')':>16}")
                    continue
                cells.append(f"{'-':>16}" if got is None else
                             f"{got['ops_after']:>4} {got['tests']:>5} {got['wall']:>5.0f}{mark}")
            rows.append(row)
            print(f"{path.name:42} {red['ops_before']:>5} | " + " | ".join(cells), flush=True)
    print("ops = ops in the result as the tool parses it (-1: unparsable); * = stopped at the cap; 1-min = single-op "
          "deletions of reducer's result that still show the bug (0: 1-minimal); final = final-check runs showing it")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
