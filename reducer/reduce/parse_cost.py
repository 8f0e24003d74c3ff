"""Under --max-time, how large a text may be parsed in-process: an xDSL parse cannot be cut short, so before one
of a large text it is parsed once in a subprocess that the deadline can kill, and its time on this machine, now,
decides.

xDSL 0.74 spends about 3.5 s per MiB of generic IR (more on a loaded machine): text up to QUICK_BYTES is parsed
in-process at once; larger text only when the subprocess parsed it within STEP_SECONDS, else it is reduced as
lines. Either way no step of a reduction outlasts the deadline by more than a few seconds.
"""

from __future__ import annotations

import sys
import time

from reducer.proc.groups import owned_tempdir
from reducer.proc.run import run_process
from reducer.search.formats import XDSL_MAX_BYTES, remember_ops

QUICK_BYTES = 128 * 1024  # about half a second of parsing
STEP_SECONDS = 1.0  # the longest in-process parse a deadline may wait for (twice that on a loaded machine)
_START_SECONDS = 2.0  # the subprocess's interpreter and xDSL import, on a loaded machine
_MEMORY = 2 << 30  # the subprocess's address space: xDSL needs ~30 MiB per MiB, the interpreter a few hundred

_SCRIPT = """\
import resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))
from reducer.mlir.module import count_ops
text = open(sys.argv[1], encoding="utf-8").read()
t0 = time.monotonic()
ops = count_ops(text)
print(ops, time.monotonic() - t0)
"""


def parse_limit(text: str, deadline: float | None) -> int:
    """The largest text this reduction parses in-process: XDSL_MAX_BYTES with no deadline; under one, QUICK_BYTES,
    or `text`'s own size when a killable parse of it took at most STEP_SECONDS (its op count is then kept)."""
    if deadline is None:
        return XDSL_MAX_BYTES
    if len(text) <= QUICK_BYTES or len(text) > XDSL_MAX_BYTES:
        return QUICK_BYTES
    left = deadline - time.monotonic()
    measured = _measure(text, min(left, STEP_SECONDS + _START_SECONDS))
    if measured is None or measured[1] > STEP_SECONDS:
        return QUICK_BYTES
    remember_ops(text, measured[0])
    return len(text)


def _measure(text: str, timeout: float) -> tuple[int, float] | None:
    """(ops, seconds the parse took) in a subprocess killed at `timeout`; None when it did not parse in time."""
    if timeout <= 0:
        return None
    with owned_tempdir("parse") as tmp:
        path = tmp / "input.mlir"
        path.write_text(text, encoding="utf-8")
        done = run_process([sys.executable, "-c", _SCRIPT.format(memory=_MEMORY), str(path)], timeout=timeout)
    try:
        ops, seconds = done.stdout.split()
        return (int(ops), float(seconds)) if done.returncode == 0 else None
    except ValueError:  # killed, out of memory, or not MLIR xDSL can hold
        return None
