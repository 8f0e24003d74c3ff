#!/usr/bin/env python3
"""Benchmark: the sweep on Ray vs the sweep on local threads, same machine, same CPUs, same workload.

The anchor is the local executor measured in the same run. The workload is a plain dump (no capture records, so
every file is replayed): the IR files a capture of examples/project/run_ops.py writes, plus examples/ir. Each
mode sweeps it twice, once checks only (--no-reduce), once in full, local and Ray alternating. Ray runs
on a one-node cluster started here with the same CPU count (`ray start --head --num-cpus N`).

Prints files/s for each, the Ray/local ratio end to end and inside the tasks (the steady state, without Ray's
start and stop), whether both found the same signatures and repros, and an extrapolation to N nodes from the Ray
run's own task times (greedy scheduling of its checks, then its reductions, plus the time that did not scale).

    python bench/ray_throughput.py [--cpus 2] [--rounds 1] [--max-time-per-bug 60] [--extra IR ...] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from ray_cluster import LocalCluster, Unavailable  # noqa: E402


def workload(base: Path, extra: list[Path]) -> Path:
    """A dump folder of distinct IR files, one folder per kernel as Triton's dump has them."""
    capture = base / "capture"
    subprocess.run([sys.executable, "-m", "reducer", "capture", "-o", str(capture), "--no-npu", "--", sys.executable,
                    str(ROOT / "examples" / "project" / "run_ops.py")], check=True, capture_output=True)
    files = sorted(p for p in capture.rglob("*") if p.suffix in (".ttir", ".ttadapter"))
    files += sorted((ROOT / "examples" / "ir").iterdir()) + extra
    dump = base / "dump"
    for i, ir in enumerate(files):
        folder = dump / f"k{i:03d}"
        folder.mkdir(parents=True)
        shutil.copy(ir, folder / ir.name)
    return dump


def sweep(dump: Path, out: Path, cpus: int, max_time: float, reduce: bool, ray: str | None) -> dict:
    args = [sys.executable, "-m", "reducer", "sweep", str(dump), "-o", str(out), "--repros", str(out / "repros"),
            "-j", str(cpus), "-q", "--max-time-per-bug", str(max_time)]
    args += [] if reduce else ["--no-reduce"]
    args += ["--ray", ray] if ray else []
    t0 = time.monotonic()
    proc = subprocess.run(args, capture_output=True, text=True)
    wall = time.monotonic() - t0
    if proc.returncode != 0:
        raise SystemExit(f"sweep failed ({' '.join(args[3:])}): {proc.stderr.strip()[-500:]}")
    triage = json.loads((out / "triage.json").read_text())
    entries = [json.loads(line) for line in (out / "state.jsonl").read_text().splitlines()]
    checks = [e.get("seconds") or 0 for e in entries if e["kind"] == "check"]
    reductions = [e.get("seconds") or 0 for e in entries if e["kind"] == "reduce"]
    return {
        "wall": wall,
        "checks": checks,
        "reductions": reductions,
        "cpus_per_reduction": max(1, cpus // max(1, min(len(reductions), cpus))),
        "ids": {Path(row["folder"]).name: sorted(row.get("ids") or []) for row in triage["units"]},
        "setup": triage["summary"].get("executor_setup", 0.0),
        "files": triage["summary"]["files"],
        "replayed": triage["summary"]["replayed"],
        "task_seconds": sum(e.get("seconds") or 0 for e in entries),
        "longest": max([e.get("seconds") or 0 for e in entries] + [0]),
        "found": {g["id"]: sorted(g["kernels"]) for g in triage["signatures"]},
        "suite": sorted(str(p.relative_to(out / "repros")) for p in (out / "repros").rglob("*.mlir"))
        if (out / "repros").exists() else [],
    }


def compare(lo: dict, ra: dict, dump: Path) -> str:
    """`yes` when both sweeps found the same; else which kernels differ, and whether they differ on their own (a
    kernel whose failure changes from run to run, replayed 10 times here, is no executor's doing)."""
    from reducer.failure.check import check_file
    from reducer.stage.options import Options
    from reducer.stage.source import load

    differ = sorted(k for k in set(lo["ids"]) | set(ra["ids"]) if lo["ids"].get(k) != ra["ids"].get(k))
    if not differ and lo["found"] == ra["found"] and lo["suite"] == ra["suite"]:
        return "yes"
    notes = []
    for folder in differ:
        ir = next((dump / folder).iterdir())
        report = check_file(load(ir), Options(), runs=10)
        notes.append(f"{ir.name} {'flaky by itself' if report.flaky else 'NOT flaky'}")
    suite = "same suite" if lo["suite"] == ra["suite"] else "suites differ"
    return f"except {', '.join(notes) or 'the suites'}; {suite}"


def schedule(durations: list[float], slots: int) -> float:
    """Greedy list scheduling (longest first) of independent tasks on `slots` workers: the makespan."""
    free = [0.0] * max(1, slots)
    for d in sorted(durations, reverse=True):
        i = free.index(min(free))
        free[i] += d
    return max(free)


def extrapolate(ra: dict, cpus: int) -> None:
    """The Ray run's own tasks replayed on N nodes: checks (1 CPU each), then reductions (their CPUs each), plus
    what did not scale in this run (the driver: discovery, saves, triage; Ray's start-up)."""
    checks, reductions, per = ra["checks"], ra["reductions"], ra["cpus_per_reduction"]
    one = schedule(checks, cpus) + schedule(reductions, cpus // per)
    fixed = max(0.0, ra["wall"] - one)
    print(f"\nextrapolation from the Ray run: {len(checks)} checks ({sum(checks):.0f} task-s, longest "
          f"{max(checks + [0]):.1f}s), {len(reductions)} reductions ({sum(reductions):.0f} task-s, longest "
          f"{max(reductions + [0]):.1f}s), {fixed:.1f}s on the driver and start-up")
    print(f"\n| nodes of {cpus} CPUs | this workload, s | speed-up | 10x the kernels, s | speed-up |")
    print("|---|---|---|---|---|")
    base = base10 = 0.0
    for n in (1, 2, 4, 8, 16, 32):
        wall = fixed + schedule(checks, cpus * n) + schedule(reductions, cpus * n // per)
        wall10 = fixed + schedule(checks * 10, cpus * n) + schedule(reductions * 10, cpus * n // per)
        base, base10 = base or wall, base10 or wall10
        print(f"| {n} | {wall:.0f} | {base / wall:.1f}x | {wall10:.0f} | {base10 / wall10:.1f}x |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--max-time-per-bug", type=float, default=60.0)
    ap.add_argument("--extra", type=Path, action="append", default=[], help="more IR files (e.g. a heavy kernel)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    base = Path(tempfile.mkdtemp(prefix="ray-bench-"))
    dump = workload(base, args.extra)
    try:
        cluster = LocalCluster(cpus_per_node=args.cpus).start(nodes=1)
    except Unavailable as err:
        raise SystemExit(f"ray_throughput: {err}") from None
    results: dict[str, list[dict]] = {}
    try:
        for r in range(args.rounds):
            for phase, reduce in (("checks", False), ("full", True)):
                for mode, address in (("local", None), ("ray", cluster.address)):
                    out = base / f"{phase}-{mode}-{r}"
                    res = sweep(dump, out, args.cpus, args.max_time_per_bug, reduce, address)
                    results.setdefault(f"{phase}/{mode}", []).append(res)
                    print(f"  {phase:6} {mode:5} round {r + 1}: {res['files']} files, {res['wall']:.1f}s",
                          file=sys.stderr)
    finally:
        cluster.stop()

    def best(key: str) -> dict:
        return min(results[key], key=lambda res: res["wall"])

    print(f"\nworkload: {best('checks/local')['files']} IR files (every one replayed), {args.cpus} CPUs, "
          f"best of {args.rounds} round(s)\n")
    print("| phase | local threads s | Ray s (of which connecting) | local files/s | Ray files/s "
          "| Ray / local throughput | in the tasks (compile time) | same findings |")
    print("|---|---|---|---|---|---|---|---|")
    summary = {}
    for phase in ("checks", "full"):
        lo, ra = best(f"{phase}/local"), best(f"{phase}/ray")
        same = compare(lo, ra, dump)
        ratio = lo["wall"] / ra["wall"]
        # Steady state: the same checks and reductions timed inside the tasks; the rest is Ray's start and stop.
        steady = sum(lo["checks"] + lo["reductions"]) / max(1e-9, sum(ra["checks"] + ra["reductions"]))
        summary[phase] = {"local": lo, "ray": ra, "ratio": ratio, "same": same}
        print(f"| {phase} | {lo['wall']:.1f} | {ra['wall']:.1f} ({ra['setup']:.1f}) | {lo['files'] / lo['wall']:.2f} | "
              f"{ra['files'] / ra['wall']:.2f} | {ratio:.2f} | {steady:.2f} | {same} |")
    extrapolate(best("full/ray"), args.cpus)
    if args.json:
        args.json.write_text(json.dumps({"cpus": args.cpus, "results": results, "summary": summary}, indent=2))
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
