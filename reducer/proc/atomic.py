"""Atomic file writes: an interrupted run leaves the previous complete file, never half of one.

Inside a folder a command owns (`owned`: a sweep's output folder, a repros suite) nothing is written through a
symbolic link: a link at a file or folder the tool writes there is refused (OSError ELOOP naming the link), so a
link planted in that folder cannot send a write elsewhere. Elsewhere a whole-file write replaces a link at its
destination (`os.replace` renames over the link itself), never the file the link points to.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

_OWNED: dict[str, int] = {}  # absolute folder -> how many commands in this process own it now
_OWNED_LOCK = threading.Lock()


@contextlib.contextmanager
def owned(root: Path, writes: tuple[str, ...] = ()) -> Iterator[None]:
    """While held, every write under `root` refuses to go through a symbolic link below it (`root` itself is the
    folder the user named: a link there is their choice). `writes`: names in `root` the command writes (files,
    or folders it fills): a link at one, or anywhere inside one, is refused before anything starts."""
    for name in writes:
        _refuse_tree(root / name)
    names = {os.path.abspath(root), os.path.realpath(root)}
    with _OWNED_LOCK:
        for name in names:
            _OWNED[name] = _OWNED.get(name, 0) + 1
    try:
        yield
    finally:
        with _OWNED_LOCK:
            for name in names:
                _OWNED[name] -= 1
                if not _OWNED[name]:
                    del _OWNED[name]


def link_refused(path: Path | str) -> OSError:
    return OSError(errno.ELOOP, "a symbolic link where reducer writes (it follows no link it did not make)",
                   str(path))


def _refuse_tree(path: Path) -> None:
    if path.is_symlink():
        raise link_refused(path)
    for folder, dirs, files in os.walk(path):  # never into a linked folder
        for name in dirs + files:
            if os.path.islink(os.path.join(folder, name)):
                raise link_refused(os.path.join(folder, name))


def refuse_links(path: Path) -> None:
    """OSError (ELOOP) naming the first symbolic link between an owned folder and `path` (inclusive)."""
    target = os.path.abspath(path)
    with _OWNED_LOCK:
        roots = [r for r in _OWNED if target.startswith(r.rstrip(os.sep) + os.sep)]
    for root in roots:
        here = root
        for part in Path(target).relative_to(root).parts:
            here = os.path.join(here, part)
            try:
                st = os.lstat(here)
            except FileNotFoundError:
                break  # the rest does not exist yet: the tool makes it
            if stat.S_ISLNK(st.st_mode):
                raise link_refused(here)


def named(err: OSError, path: Path | str) -> OSError:
    """`err` naming `path` (a full disk says where)."""
    return OSError(err.errno, err.strerror, str(path))


@functools.cache
def _umask_mode() -> int:
    # mkstemp creates 0600 files; outputs should get the mode any other new file would get. Read once:
    # reading the umask means setting it, which must not race with other threads creating files.
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _stage(path: Path, data: bytes) -> str:
    """`data` in a temp file beside `path`; an OSError names `path` (a full disk says where)."""
    refuse_links(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise named(err, path) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, _umask_mode())
    except BaseException as err:
        os.unlink(tmp)
        if isinstance(err, OSError):
            raise named(err, path) from None
        raise
    return tmp


def write_many(files: dict[Path, bytes]) -> None:
    """Write several files all or nothing: every one is staged before any replaces its target."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            staged.append((_stage(path, data), path))
    except BaseException:
        for tmp, _ in staged:
            os.unlink(tmp)
        raise
    for tmp, path in staged:
        os.replace(tmp, path)


def write_bytes(path: Path, data: bytes) -> None:
    write_many({path: data})


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode())


def append_line(path: Path, line: str) -> None:
    """One whole line at the end of `path` in one write, always starting on a fresh line: a line a kill or a
    full disk cut short stays one torn line a reader skips, never glued to the next. A symbolic link at `path`
    is refused (an append would write through it); an OSError names `path`."""
    refuse_links(path)
    data = line.rstrip("\n").encode() + b"\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o666)
    except OSError as err:
        raise (link_refused(path) if err.errno == errno.ELOOP else named(err, path)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if st.st_size and os.pread(fd, 1, st.st_size - 1) != b"\n":
            data = b"\n" + data
        _write_all(fd, data)
    except OSError as err:
        raise named(err, path) from None
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    while data:
        data = data[os.write(fd, data):]
