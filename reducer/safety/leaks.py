"""`reducer report --check`: private data, and lit directives the tool did not write, left in a report folder,
a file or a bundle's members.

Every read is bounded: a file or an archive member is scanned up to SCAN_MAX_BYTES, an archive up to
UNPACKED_MAX_BYTES once uncompressed (a gzip bomb stops there), and only regular files are opened (a FIFO or a
device is refused at once). Whatever is not scanned is listed, so "clean" means every byte was read.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import stat
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from reducer.errors import InputError
from reducer.safety.lit_safe import planted
from reducer.safety.redact import Redactor
from reducer.stage.source import mib, open_regular

# Files a maintainer may drop into a lit suite: no directive we did not write may be in them.
_IR_SUFFIXES = (".mlir", ".ttir", ".ttadapter", ".ll")
# A report this tool writes is a few hundred KiB; its bundle holds the original input (an IR file, <= 64 MiB).
# The leak scan reads about 3 MiB a second: the whole budget is under a minute.
SCAN_MAX_BYTES = 64 * 1024 * 1024
UNPACKED_MAX_BYTES = 128 * 1024 * 1024
MAX_MEMBERS = 10_000
_COMPRESSED = {b"\x1f\x8b": gzip.open, b"BZh": bz2.open, b"\xfd7zXZ\x00": lzma.open}


@dataclass(frozen=True)
class Leak:
    where: str
    text: str


class _NotScanned(Exception):
    """Why (the rest of) a file was not scanned: too large, a bomb, not a regular file."""


class _Budget:
    """A read-only stream that refuses to give more than `limit` bytes in all (decompressed bytes, for a bomb)."""

    def __init__(self, raw: IO[bytes], limit: int) -> None:
        self.raw, self.left = raw, limit

    def read(self, size: int = -1) -> bytes:
        want = self.left + 1 if size is None or size < 0 else min(size, self.left + 1)
        data = self.raw.read(want)
        self.left -= len(data)
        if self.left < 0:
            raise _NotScanned(f"unpacks to more than {mib(UNPACKED_MAX_BYTES)}")
        return data


def _read_member(fh: IO[bytes] | _Budget, name: str) -> bytes:
    data = fh.read(SCAN_MAX_BYTES + 1)
    if len(data) > SCAN_MAX_BYTES:
        raise _NotScanned(f"{name} is larger than {mib(SCAN_MAX_BYTES)}")
    return data


def _tar_texts(stream: _Budget, where: str) -> Iterator[tuple[str, str]]:
    """(member name, text) of a tar read as a stream: nothing is seeked, so nothing is unpacked twice."""
    with tarfile.open(fileobj=stream, mode="r|") as tar:  # type: ignore[call-overload]
        for n, member in enumerate(tar):
            if n == MAX_MEMBERS:
                raise _NotScanned(f"more than {MAX_MEMBERS} members")
            name = f"{where}:{member.name}"
            yield name, f"{member.name} {member.uname} {member.gname}"
            fh = tar.extractfile(member) if member.isfile() else None
            if fh is not None:
                yield from _text(name, _read_member(fh, member.name))


def _zip_texts(fh: IO[bytes], where: str) -> Iterator[tuple[str, str]]:
    left = UNPACKED_MAX_BYTES
    with zipfile.ZipFile(fh) as zf:
        for n, info in enumerate(zf.infolist()):
            if n == MAX_MEMBERS:
                raise _NotScanned(f"more than {MAX_MEMBERS} members")
            yield f"{where}:{info.filename}", info.filename
            if info.is_dir():
                continue
            with zf.open(info) as member:
                data = _read_member(member, info.filename)
            left -= len(data)
            if left < 0:
                raise _NotScanned(f"unpacks to more than {mib(UNPACKED_MAX_BYTES)}")
            yield from _text(f"{where}:{info.filename}", data)


def _file_texts(path: Path, where: str) -> Iterator[tuple[str, str]]:
    """(name, text) for one regular file: its text, or each member of the archive it is (by its first bytes)."""
    try:
        fh = open_regular(path, SCAN_MAX_BYTES, "a report file")
    except InputError as err:
        raise _NotScanned(str(err).split(": ", 1)[-1]) from None
    with fh:
        head = fh.read(8)
        fh.seek(0)
        if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            yield from _zip_texts(fh, where)
            return
        opener = next((o for magic, o in _COMPRESSED.items() if head.startswith(magic)), None)
        if opener is not None or _is_tar(fh):
            members = 0
            try:
                for member in _tar_texts(_Budget(opener(fh) if opener else fh, UNPACKED_MAX_BYTES), where):
                    members += 1
                    yield member
                return
            except tarfile.ReadError:  # compressed, but no tar inside: the text itself (`issue.md.gz`)
                if members:
                    raise
                fh.seek(0)
            if opener is not None:
                yield from _text(where, _read_member(_Budget(opener(fh), UNPACKED_MAX_BYTES), path.name))
                return
        data = _read_member(fh, path.name)
    yield from _text(where, data)


def _text(name: str, data: bytes) -> Iterator[tuple[str, str]]:
    if b"\0" not in data:  # some other binary: nothing a person would paste
        yield name, data.decode(errors="replace")


def _is_tar(fh: IO[bytes]) -> bool:
    fh.seek(257)
    magic = fh.read(5)
    fh.seek(0)
    return magic == b"ustar"


def _entries(target: Path) -> Iterator[tuple[str, Path | None, str]]:
    """(where, a regular file to scan or None, why not) for `target` and, in a folder, everything under it;
    links are not followed (a report holds plain files) and are listed instead."""
    if not target.is_dir():
        yield target.name, target, ""
        return
    for folder, dirs, files in os.walk(target):
        for name in sorted(dirs + files):
            path = Path(folder) / name
            where = str(path.relative_to(target))
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                yield where, None, f"a link to {os.readlink(path)}, not followed"
            elif stat.S_ISREG(mode):
                yield where, path, ""
            elif not stat.S_ISDIR(mode):
                yield where, None, "not a regular file (a pipe, socket or device)"
        dirs.sort()


def find_leaks(target: Path, secrets: tuple[str, ...] = ()) -> list[Leak]:
    """Private data left in a report folder, a file, or the members of a tar/zip bundle; what could not be
    scanned is listed as `not scanned: why`."""
    if not target.exists():
        raise InputError(f"{target}: no such file or folder", "pass a report folder or a file from one")
    if not target.is_dir():
        open_regular(target, 1 << 62, "a report file").close()  # a FIFO or a device: one line, at once
    redactor = Redactor.for_this_machine(tuple(secrets))
    leaks: list[Leak] = []
    for where, path, why in _entries(target):
        if path is None:
            leaks.append(Leak(where, f"not scanned: {why}"))
            continue
        try:
            for name, text in _file_texts(path, where):
                leaks += [Leak(name, w) for w in redactor.leaks(text)]
                if name.endswith(_IR_SUFFIXES):
                    leaks += [Leak(name, f"lit directive: {line}") for line in planted(text)]
        except (_NotScanned, tarfile.TarError, zipfile.BadZipFile, EOFError, OSError, lzma.LZMAError) as err:
            leaks.append(Leak(where, f"not scanned: {err}"))
    return leaks
