"""`reducer report --check`: private data, and lit directives the tool did not write, left in a report folder,
a file or a bundle's members."""

from __future__ import annotations

import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from reducer.errors import InputError
from reducer.safety.lit_safe import planted
from reducer.safety.redact import Redactor

# Files a maintainer may drop into a lit suite: no directive we did not write may be in them.
_IR_SUFFIXES = (".mlir", ".ttir", ".ttadapter", ".ll")


@dataclass(frozen=True)
class Leak:
    where: str
    text: str


def _archive_texts(path: Path) -> list[tuple[str, str]] | None:
    """(member name, text) of a tar/zip archive; None when `path` is not one."""
    found: list[tuple[str, str]] = []
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                found.append((f"{path.name}:{info.filename}", info.filename))
                if not info.is_dir():
                    found.append((f"{path.name}:{info.filename}", zf.read(info).decode(errors="replace")))
        return found
    try:
        tar = tarfile.open(path)
    except (tarfile.TarError, OSError):
        return None
    with tar:
        for member in tar.getmembers():
            where = f"{path.name}:{member.name}"
            found.append((where, f"{member.name} {member.uname} {member.gname}"))
            fh = tar.extractfile(member) if member.isfile() else None
            if fh is not None:
                found.append((where, fh.read().decode(errors="replace")))
    return found


def find_leaks(target: Path, secrets: tuple[str, ...] = ()) -> list[Leak]:
    """Private data left in a report folder, a file, or the members of a tar/zip bundle."""
    if not target.exists():
        raise InputError(f"{target}: no such file or folder", "pass a report folder or a file from one")
    redactor = Redactor.for_this_machine(tuple(secrets))
    paths = sorted(p for p in target.rglob("*") if p.is_file()) if target.is_dir() else [target]
    leaks: list[Leak] = []
    for path in paths:
        where = str(path.relative_to(target)) if target.is_dir() else path.name
        texts = _archive_texts(path) if path.suffix in (".gz", ".tgz", ".tar", ".zip", ".xz", ".bz2") else None
        if texts is None:
            data = path.read_bytes()
            if b"\0" in data:
                continue  # some other binary: nothing a person would paste
            texts = [(where, data.decode(errors="replace"))]
        for name, text in texts:
            leaks += [Leak(name, w) for w in redactor.leaks(text)]
            if name.endswith(_IR_SUFFIXES):
                leaks += [Leak(name, f"lit directive: {line}") for line in planted(text)]
    return leaks
