"""Atomic file writes: an interrupted run leaves the previous complete file, never half of one."""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path


@functools.cache
def _umask_mode() -> int:
    # mkstemp creates 0600 files; outputs should get the mode any other new file would get. Read once:
    # reading the umask means setting it, which must not race with other threads creating files.
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _stage(path: Path, data: bytes) -> str:
    """`data` in a temp file beside `path`; an OSError names `path` (a full disk says where)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise OSError(err.errno, err.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, _umask_mode())
    except BaseException as err:
        os.unlink(tmp)
        if isinstance(err, OSError):
            raise OSError(err.errno, err.strerror, str(path)) from None
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
    """One whole line at the end of `path` in a single write: a reader sees it all or, after a crash, at worst a
    torn last line it can skip."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        fh.write(line.rstrip("\n") + "\n")
        fh.flush()
