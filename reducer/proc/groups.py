"""Every process group the tool starts, so that none outlives it.

Compilers run in their own session (a timeout then kills the whole group), so Ctrl-C at the terminal never
reaches them: the tool kills them itself. Live groups are tracked here and killed at exit (atexit; SIGTERM and
SIGHUP are turned into Ctrl-C so they take the same path). A SIGKILLed tool runs nothing at exit, so every
child carries `REDUCER_OWNER=<pid>` in its environment and every temp dir the owner's pid in its name: the
next run kills and removes what a dead owner left. Only marked processes are ever looked at (pids get reused).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

OWNER_ENV = "REDUCER_OWNER"
_MARK = OWNER_ENV.encode() + b"="
_TEMP_NAME = re.compile(r"reducer-[a-z]+-(\d+)-")

_lock = threading.Lock()
_groups: set[int] = set()


# --- marking and tracking --------------------------------------------------------------------


def marked(env: Mapping[str, str] | None) -> dict[str, str]:
    """`env` (default: ours) plus the owner marker the next run looks for if this one is SIGKILLed."""
    out = dict(os.environ if env is None else env)
    out[OWNER_ENV] = str(os.getpid())
    return out


@contextlib.contextmanager
def owned_tempdir(kind: str) -> Iterator[Path]:
    """A temp dir named `reducer-<kind>-<pid>-*`; removed robustly (see `remove_tree`)."""
    path = Path(tempfile.mkdtemp(prefix=f"reducer-{kind}-{os.getpid()}-"))
    try:
        yield path
    finally:
        remove_tree(path)


def track(pgid: int) -> None:
    with _lock:
        _groups.add(pgid)


def untrack(pgid: int) -> None:
    """Call before reaping the group leader: a reaped leader's pid (= the group id) can be reused."""
    with _lock:
        _groups.discard(pgid)


def kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def remove_tree(path: Path) -> None:
    """rmtree that a dying child cannot break ("Directory not empty" while it still writes): retry briefly,
    then give up quietly; the next run removes the rest by the owner pid in the name."""
    for _ in range(10):
        try:
            shutil.rmtree(path)
            return
        except FileNotFoundError:
            if not path.exists():
                return
        except OSError:
            pass
        time.sleep(0.05)
    shutil.rmtree(path, ignore_errors=True)


# --- on signals and at exit -----------------------------------------------------------------


def _as_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def ignore_interrupts() -> None:
    """On the way out: one more Ctrl-C would only break the cleanup with a traceback."""
    if threading.current_thread() is threading.main_thread():
        for signum in _STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)


@atexit.register
def kill_all() -> None:
    """Kill every group still running, and any process carrying our marker that was never tracked (one
    started just as Ctrl-C came in, or a grandchild that left its group)."""
    ignore_interrupts()
    with _lock:
        groups = list(_groups)
        _groups.clear()
    for pgid in groups:
        kill_group(pgid)
    me = os.getpid()
    for _pid, owner, pgid in _marked_processes():
        if owner == me:
            _kill_group_of_marked(pgid)


def install_cleanup() -> None:
    """At CLI start: SIGTERM/SIGHUP become Ctrl-C (KeyboardInterrupt in the main thread, so the best result is
    written and `kill_all` runs), and what SIGKILLed earlier runs left behind is cleaned up."""
    if threading.current_thread() is threading.main_thread():
        for signum in _STOP_SIGNALS[1:]:
            if signal.getsignal(signum) != signal.SIG_IGN:  # `nohup reducer ...` keeps ignoring SIGHUP
                signal.signal(signum, _as_interrupt)
    sweep_orphans()


# --- leftovers of dead runs --------------------------------------------------------------------


def sweep_orphans() -> None:
    """Kill the process groups of marked processes whose owner is dead; remove dead owners' temp dirs."""
    me = os.getpid()
    for _pid, owner, pgid in _marked_processes():
        if owner != me and not _alive(owner):
            _kill_group_of_marked(pgid)
    tmp = Path(tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for path in tmp.glob("reducer-*-*-*"):
            m = _TEMP_NAME.match(path.name)
            if m and int(m.group(1)) != me and not _alive(int(m.group(1))) and _is_our_dir(path):
                remove_tree(path)


def _kill_group_of_marked(pgid: int) -> None:
    # Our children run in sessions of their own: our own group (or init's) is never one of theirs.
    if pgid > 1 and pgid != os.getpgrp():
        kill_group(pgid)


def _is_our_dir(path: Path) -> bool:
    try:
        st = path.lstat()
    except OSError:
        return False
    return path.is_dir() and not path.is_symlink() and st.st_uid == os.getuid()


def _alive(pid: int) -> bool:
    """A zombie counts as dead: its owner may not have reaped it yet."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2 :][:1] not in (b"Z", b"X")


def _marked_processes() -> Iterator[tuple[int, int, int]]:
    """(pid, owner pid, process group) of every readable process carrying the marker."""
    try:
        names = os.listdir("/proc")
    except OSError:
        return
    for name in names:
        if not name.isdigit():
            continue
        found = _read_mark(int(name))
        if found is not None:
            yield int(name), *found


def _read_mark(pid: int) -> tuple[int, int] | None:
    # One directory fd pins the process: if it dies and the pid is reused, reads fail instead of
    # describing a stranger, so the group read below belongs to the marked process.
    try:
        dfd = os.open(f"/proc/{pid}", os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None
    try:
        environ = _read_at(dfd, "environ")
        at = environ.find(b"\0" + _MARK)
        if environ.startswith(_MARK):
            at = -1
        elif at < 0:
            return None
        value = environ[at + 1 + len(_MARK) :].split(b"\0", 1)[0]
        if not value.isdigit():
            return None
        stat = _read_at(dfd, "stat")
        pgid = int(stat[stat.rfind(b")") + 2 :].split()[2])
        return int(value), pgid
    except (OSError, ValueError, IndexError):
        return None
    finally:
        os.close(dfd)


def _read_at(dfd: int, name: str) -> bytes:
    fd = os.open(name, os.O_RDONLY, dir_fd=dfd)
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
