#!/usr/bin/env python3
"""Benchmark: `reducer census` with each project's sweep on Ray vs on local threads, same machine, same CPUs, same
corpus (examples/census/corpus.toml unless given), each into a fresh site, local and Ray alternating.

The anchor is the local run measured in the same session. Ray runs on a one-node cluster started here with the
same CPU count (`ray start --head --num-cpus N`). Prints each run's wall time, the Ray/local ratio, and whether
both found the same bugs (ids and classes) and the same unit counts.

    python bench/census_ray.py [--cpus 2] [--rounds 1] [--corpus FILE] [--no-matrix]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from ray_cluster import LocalCluster, Unavailable  # noqa: E402


def census(corpus: Path, site: Path, cpus: int, matrix: bool, ray: str | None) -> dict:
    argv = [sys.executable, "-m", "reducer", "census", str(corpus), "-o", str(site), "-q", "-j", str(cpus)]
    argv += ["--no-matrix"] if not matrix else []
    argv += ["--ray", ray] if ray else []
    t0 = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True)
    wall = time.monotonic() - t0
    if done.returncode != 0:
        raise SystemExit(f"census_ray: census failed ({done.stderr.strip()[-300:]})")
    data = json.loads((site / "census.json").read_text())
    units = {f"{p['name']}@{t}": {k: v for k, v in e.items() if k in ("units", "passed", "failed", "resource")}
             for p in data["projects"] for t, e in p["targets"].items()}
    return {"wall": wall, "bugs": sorted((b["id"], b["class"]) for b in data["bugs"]), "units": units}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--corpus", type=Path, default=ROOT / "examples" / "census" / "corpus.toml")
    ap.add_argument("--no-matrix", action="store_true")
    args = ap.parse_args()
    try:
        cluster = LocalCluster(cpus_per_node=args.cpus).start(nodes=1)
    except Unavailable as err:
        raise SystemExit(f"census_ray: {err}") from None
    rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="reducer-census-ray-") as tmp:
            for r in range(args.rounds):
                for mode in ("local", "ray"):
                    site = Path(tmp) / f"{mode}-{r}"
                    result = census(args.corpus, site, args.cpus, not args.no_matrix,
                                    cluster.address if mode == "ray" else None)
                    rows.append({"mode": mode, "round": r, **result})
                    print(f"{mode:6} round {r}: {result['wall']:7.1f} s, {len(result['bugs'])} bugs", flush=True)
    finally:
        cluster.stop()
    local = [r for r in rows if r["mode"] == "local"]
    ray = [r for r in rows if r["mode"] == "ray"]
    same = all(a["bugs"] == b["bugs"] and a["units"] == b["units"] for a, b in zip(local, ray, strict=True))
    ratio = sum(r["wall"] for r in ray) / sum(r["wall"] for r in local)
    print(f"{args.cpus} CPUs; corpus {args.corpus.name}; Ray/local wall {ratio:.2f} "
          f"(local {sum(r['wall'] for r in local):.1f} s, Ray {sum(r['wall'] for r in ray):.1f} s); "
          f"same bugs and unit counts: {'yes' if same else 'NO'}")
    if not same:
        for a, b in zip(local, ray, strict=True):
            print("local:", a["bugs"], a["units"], "\nray:  ", b["bugs"], b["units"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
