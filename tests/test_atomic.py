"""Atomic writes: all or nothing, and a failed write (a full disk) names the file it was writing."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from reducer.proc import atomic

_REAL_FDOPEN = os.fdopen


class _FullDisk:
    """A file object whose writes fail like a full disk."""

    def __init__(self, fd: int, mode: str) -> None:
        self._fh = _REAL_FDOPEN(fd, mode)

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_names_the_file_and_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = tmp_path / "issue.md"
    old.write_text("previous\n")
    monkeypatch.setattr(atomic.os, "fdopen", _FullDisk)
    with pytest.raises(OSError) as err:
        atomic.write_many({tmp_path / "bundle.tar.gz": b"x", old: b"y"})
    assert err.value.errno == errno.ENOSPC and err.value.filename == str(tmp_path / "bundle.tar.gz")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["issue.md"] and old.read_text() == "previous\n"


def test_write_many_is_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = atomic._stage
    calls: list[Path] = []

    def second_fails(path: Path, data: bytes) -> str:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, data)

    monkeypatch.setattr(atomic, "_stage", second_fails)
    with pytest.raises(OSError):
        atomic.write_many({tmp_path / "a": b"1", tmp_path / "b": b"2"})
    assert list(tmp_path.iterdir()) == []  # the first file was staged, then removed, never put in place
