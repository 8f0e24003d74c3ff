"""`reducer script` over a whole project: every unit that failed in a compiler stage becomes `repro.py`, which is
swept in an empty folder (`reducer sweep -- python repro.py`, as a maintainer would run it) and reduced
(`script --reduce`); prints one row per unit and the totals.

Usage: python bench/scripts.py [--with-data] [--budget S] -- CMD...   (CMD: the project's own launch command,
e.g. `python examples/launch_all.py --all`, run once under `reducer capture`)
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def reducer(*args: str, cwd: Path, timeout: float = 3600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reducer", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


def unit_sig(unit: Path) -> tuple[str | None, str | None]:
    """The unit's signature id, and for a resource limit `kind:kernel` (a sweep files those apart, without id)."""
    from reducer.script.check import unit_signature

    record = json.loads((unit / "record.json").read_text())
    sig = unit_signature(unit, record)
    if sig is None:
        return None, None
    limit = f"{sig.resource.kind}:{record.get('kernel')}" if sig.resource is not None else None
    return sig.id, limit


def swept(script: Path) -> list[str]:
    """What `reducer sweep -- python repro.py` finds, run in the script's own (otherwise empty) folder: signature
    ids, and `kind:kernel` for each resource limit."""
    reducer("sweep", "-q", "-o", "sw", "--no-fit", "--no-reduce", "--", sys.executable, script.name, cwd=script.parent)
    triage = script.parent / "sw" / "triage.json"
    if not triage.is_file():
        return []
    data = json.loads(triage.read_text())
    return [g["id"] for g in data.get("signatures", [])] + [
        f"{r.get('kind')}:{r.get('kernel')}" for r in data.get("resource_limits", [])]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--with-data", action="store_true")
    ap.add_argument("--budget", type=float, default=300.0, help="seconds for each --reduce")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    command = [c for c in args.command if c != "--"]
    data = ["--with-data"] if args.with_data else []
    with tempfile.TemporaryDirectory(prefix="reducer-bench-scripts-") as tmp:
        work = Path(tmp)
        cap = work / "cap"
        reducer("capture", "-q", "-o", str(cap), *data, "--", *command, cwd=ROOT)
        units = sorted(p.parent for p in cap.glob("*/record.json")
                       if json.loads(p.read_text()).get("failed_stage"))
        print(f"{len(units)} units failing in a compiler stage; command: {' '.join(command)}")
        print(f"{'unit':44} {'sig':12} {'swept':6} {'lines':>9} {'tries':>5} {'s':>6}  reduced")
        rows = []
        for unit in units:
            sig, limit = unit_sig(unit)
            if sig is None:
                continue
            empty = work / "s" / unit.name
            empty.mkdir(parents=True)
            reducer("script", str(unit), "-o", str(empty / "repro.py"), "--no-check", *data, cwd=ROOT)
            found = swept(empty / "repro.py") if (empty / "repro.py").is_file() else []
            small = work / "r" / unit.name
            t0 = time.monotonic()
            done = reducer("script", str(unit), "-o", str(small / "repro.py"), "--reduce", "--budget",
                           str(args.budget), *data, cwd=ROOT)
            wall = time.monotonic() - t0
            m = re.search(r"kernel (\d+) -> (\d+) lines.*?(\d+)\s+tries", done.stdout, re.S)
            before, after, tries = map(int, m.groups()) if m else (0, 0, 0)
            same = "same signature" in done.stdout
            same_bug = found == [limit] if limit else found == [sig]
            rows.append({"unit": unit.name, "sig": sig, "swept": same_bug, "before": before, "after": after,
                         "tries": tries, "wall": wall, "same": same})
            print(f"{unit.name[:44]:44} {sig:12} {'yes' if same_bug else 'NO':6} {before:>4}->{after:<4} "
                  f"{tries:>5} {wall:6.1f}  {'same signature' if same else 'NOT the same: ' + done.stderr[-120:]}",
                  flush=True)
        if not rows:
            return 1
        ratio = sum(r["after"] / r["before"] for r in rows if r["before"]) / max(1, sum(1 for r in rows if r["before"]))
        print(f"swept in an empty folder with the unit's signature: {sum(r['swept'] for r in rows)}/{len(rows)}; "
              f"reduced with the same signature: {sum(r['same'] for r in rows)}/{len(rows)}; "
              f"kernel lines after/before, mean: {ratio:.2f}; "
              f"total {sum(r['before'] for r in rows)} -> {sum(r['after'] for r in rows)} lines, "
              f"{sum(r['wall'] for r in rows):.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
