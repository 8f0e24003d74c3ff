"""A capture unit as `reducer script` reads it: its record (checked against the record's schema) and the folders
its kernel's source file may be found under."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reducer.errors import InputError
from reducer.safety import artifacts


def read_unit(folder: Path) -> dict[str, Any]:
    record = artifacts.read(folder / "record.json", artifacts.RECORD_KIND, artifacts.RECORD)
    if record is None:
        raise InputError(f"{folder}: not a capture unit (no record.json)", "give a unit folder of `reducer capture`")
    return record


def roots_of(folder: Path, record: dict[str, Any]) -> list[Path]:
    cwd = record.get("cwd")
    return [folder, *([Path(cwd)] if isinstance(cwd, str) else []), Path.cwd()]
