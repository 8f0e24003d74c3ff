#!/usr/bin/env python3
"""Benchmark: does one crash keep one id over many single runs, whatever its stack dump printed?

For each IR file: N separate `reducer check FILE --json` processes (each one run, as a sweep's check or one
candidate test is), optionally with a second compile of the same file running beside each one (`--load`: release
builds print fewer frames, or none, when the machine is busy). Prints per file: the outcomes, the distinct ids under
today's scheme, the distinct ids the frame-hashing scheme (ids before ID_SCHEME 2) would have given, how many runs
printed frames and how many distinct top-frame sets they had. The anchor is that older scheme on the same runs.

    python bench/crash_identity.py FILE ... [--runs 20] [--load]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from reducer.failure.masks import digest


def one_check(path: Path, load: bool) -> dict:
    cmd = [sys.executable, "-m", "reducer", "check", str(path), "--json"]
    beside = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) if load else None
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if beside is not None:
        beside.wait()
    return json.loads(done.stdout)


def frame_hash_id(sig: dict) -> str:
    """What the id was before ID_SCHEME 2: a crash with no message hashed its top frames."""
    basis = sig["message"] if sig["message"] else "|".join(sig["frames"])
    return digest(f"{sig['stage']}|{sig['outcome']}|{basis}")


def measure(path: Path, runs: int, load: bool) -> dict:
    outcomes: Counter[str] = Counter()
    ids: Counter[str] = Counter()
    old_ids: Counter[str] = Counter()
    tops: Counter[tuple[str, ...]] = Counter()
    printed = 0
    for i in range(runs):
        data = one_check(path, load)
        outcomes[data["outcome"]] += 1
        sig = data.get("signature")
        if sig:
            ids[sig["id"]] += 1
            old_ids[frame_hash_id(sig)] += 1
            printed += bool(sig["frames"])
            tops[tuple(sig["frames"])] += 1
        print(f"\r{path.name}: {i + 1}/{runs} runs", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return {"file": path.name, "runs": runs, "outcomes": dict(outcomes), "ids": len(ids),
            "top_id_share": max(ids.values(), default=0) / runs, "frame_hash_ids": len(old_ids),
            "frame_hash_top_share": max(old_ids.values(), default=0) / runs, "printed_frames": printed,
            "distinct_top_frames": len(tops)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--load", action="store_true", help="compile the same file beside every measured run")
    args = ap.parse_args()
    rows = [measure(f, args.runs, args.load) for f in args.files]
    head = ["file", "runs", "outcomes", "ids", "top_id_share", "frame_hash_ids", "frame_hash_top_share",
            "printed_frames", "distinct_top_frames"]
    print("\t".join(head))
    for r in rows:
        print("\t".join(str(r[h]) for h in head))
    return 0


if __name__ == "__main__":
    sys.exit(main())
