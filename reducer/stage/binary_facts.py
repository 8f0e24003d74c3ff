"""What makes a stripped binary's frame offsets usable to its maintainers: its sha256, its GNU build-id, how
it was built, and the wheel (with its platform tag) it came from."""

from __future__ import annotations

import functools
import hashlib
import struct
from pathlib import Path

_NT_GNU_BUILD_ID = 3
_PT_NOTE = 4


@functools.cache
def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@functools.cache
def gnu_build_id(path: Path) -> str | None:
    """The GNU build-id note of an ELF file (kept by `strip`), read from its PT_NOTE segments."""
    try:
        with path.open("rb") as fh:
            ident = fh.read(16)
            if ident[:4] != b"\x7fELF":
                return None
            wide, order = ident[4] == 2, "<" if ident[5] == 1 else ">"
            # e_type, e_machine, e_version, e_entry, e_phoff, e_shoff, e_flags, e_ehsize, e_phentsize, e_phnum
            layout = order + ("HHIQQQIHHH" if wide else "HHIIIIIHHH")
            fields = struct.unpack(layout, fh.read(struct.calcsize(layout)))
            phoff, phentsize, phnum = fields[4], fields[8], fields[9]
            for i in range(phnum):
                fh.seek(phoff + i * phentsize)
                entry = fh.read(phentsize)
                if wide:
                    p_type, _, p_offset, _, _, p_filesz = struct.unpack(order + "IIQQQQ", entry[:40])
                else:
                    p_type, p_offset, _, _, p_filesz = struct.unpack(order + "IIIII", entry[:20])
                if p_type != _PT_NOTE:
                    continue
                fh.seek(p_offset)
                found = _build_id_in(fh.read(p_filesz), order)
                if found:
                    return found
    except (OSError, struct.error):
        return None
    return None


def _build_id_in(notes: bytes, order: str) -> str | None:
    at = 0
    while at + 12 <= len(notes):
        namesz, descsz, kind = struct.unpack(order + "III", notes[at : at + 12])
        name_end = at + 12 + ((namesz + 3) & ~3)
        desc = notes[name_end : name_end + descsz]
        if kind == _NT_GNU_BUILD_ID and notes[at + 12 : at + 12 + namesz].rstrip(b"\0") == b"GNU":
            return desc.hex()
        at = name_end + ((descsz + 3) & ~3)
    return None


def wheel_tag(dist: str) -> str | None:
    """The platform tag(s) of an installed wheel (`cp311-cp311-manylinux_2_27_x86_64`), from its WHEEL file."""
    from importlib import metadata

    try:
        text = metadata.distribution(dist).read_text("WHEEL") or ""
    except metadata.PackageNotFoundError:
        return None
    tags = [line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Tag:")]
    return ", ".join(tags) or None
