"""Measure the search on the test fixtures with in-memory predicates: ops before/after, tests, time.

    python bench/search_in_memory.py [-j N]

No compiler involved: the numbers show what the schedule and the passes cost, not what a real tool does.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from mlir_fixtures import has_zero_stride_block_ptr, load  # noqa: E402

from reducer.search import reduce  # noqa: E402

CASES = {
    "zero_stride.generic.mlir": has_zero_stride_block_ptr,
    "control_flow.generic.mlir": lambda t: "math.exp" in t,
    "matmul.generic.mlir": lambda t: '"tt.dot"' in t and '"scf.for"' in t,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-j", "--jobs", type=int, default=1)
    args = parser.parse_args()
    for name, pred in CASES.items():
        t0 = time.monotonic()
        r = reduce(load(name), pred, jobs=args.jobs)
        s = r.stats
        print(
            f"{name}: ops {r.initial_ops} -> {r.final_ops}, bytes {r.initial_bytes} -> {r.final_bytes}, "
            f"tests {s.tests}, cache hits {s.cache_hits}, invalid {s.invalid}, not smaller {s.not_smaller}, "
            f"{time.monotonic() - t0:.1f}s"
        )
        for pass_name, p in s.per_pass.items():
            print(
                f"    {pass_name:18} tests {p.tests:4}  accepted {p.accepted:3}  -{p.ops_saved} ops  -{p.bytes_saved} B"
            )


if __name__ == "__main__":
    main()
