"""Run a command in its own process group, tracked, bounded in time and output; no stdin.

Every subprocess the tool starts goes through `run_process`: a timeout kills every child too, `groups` tracks
it so none outlives the tool, and its output is kept bounded (`capped_output`).
"""

from __future__ import annotations

import os
import select
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from reducer.proc import groups as procs
from reducer.proc.capped_output import CappedStream


@dataclass
class ProcessResult:
    returncode: int | None  # None: timed out and killed
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False


def run_process(
    argv: Sequence[str],
    *,
    timeout: float | None,
    cwd: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    capture: bool = True,
) -> ProcessResult:
    """Run `argv` in its own process group, tracked while it runs; when it ends, times out or is interrupted
    the whole group is killed. Output is kept bounded (head and tail of each stream). No stdin."""
    out_to = subprocess.PIPE if capture else None
    start = time.monotonic()
    proc = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=procs.marked(env),
        stdin=subprocess.DEVNULL,
        stdout=out_to,
        stderr=out_to,
        start_new_session=True,
    )
    streams: list[CappedStream] = []
    try:
        procs.track(proc.pid)
        if proc.stdout is not None and proc.stderr is not None:
            streams = [CappedStream(proc.stdout, "stdout"), CappedStream(proc.stderr, "stderr")]
        exited = _wait_for_exit(proc, timeout)
    finally:  # also on Ctrl-C or a stopping sweep: leave no compiler behind
        # The leader is not reaped yet, so its pid (the group id) cannot have been reused: helpers it left
        # running die with it.
        procs.kill_group(proc.pid)
        procs.untrack(proc.pid)
        proc.wait()
        for stream in streams:
            stream.join(_DRAIN_SECONDS)
    return ProcessResult(
        proc.returncode if exited else None,
        streams[0].text() if streams else "",
        streams[1].text() if streams else "",
        time.monotonic() - start,
        not exited,
    )


# After the group is killed the pipes close at once, unless a process that left the group still holds them.
_DRAIN_SECONDS = 1.0


def _wait_for_exit(proc: subprocess.Popen[bytes], timeout: float | None) -> bool:
    """Wait until the leader exits, without reaping it; False on timeout. Ctrl-C interrupts the wait."""
    try:
        pidfd = os.pidfd_open(proc.pid)
    except OSError:  # no pidfd (old kernel, sandbox): poll
        return _poll_for_exit(proc, timeout)
    try:
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        return bool(poller.poll(None if timeout is None else max(0, int(timeout * 1000))))
    finally:
        os.close(pidfd)


def _poll_for_exit(proc: subprocess.Popen[bytes], timeout: float | None) -> bool:
    deadline = None if timeout is None else time.monotonic() + timeout
    delay = 0.0005
    while os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            return False
        time.sleep(delay if left is None else min(delay, left))
        delay = min(2 * delay, 0.05)
    return True
