"""Kernel IR on disk: dump folders (`<hash>/<kernel>.ttir`), TRITON_DEBUG copies, the Triton cache and
capture folders, identical copies folded into one entry that names the stage it replays."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reducer.capture.record import FORMAT, INDEX, RECORD, outcome_of
from reducer.errors import InputError
from reducer.failure.outcome import Outcome
from reducer.mlir.symbols import kernel_name
from reducer.stage import table as stages
from reducer.stage.source import read_regular
from reducer.stage.table import StageSpec


def kernel_from_file(path: Path, text: str) -> str:
    """`<kernel>.ttir` names itself; the TRITON_DEBUG copies are all called `kernel.*`, so ask the symbol."""
    stem = path.name.split(".")[0]
    if stem != "kernel":
        return stem
    return kernel_name(text) or stem


@dataclass(frozen=True)
class CapturedIR:
    kernel: str
    path: Path
    stage: StageSpec  # the stage this file feeds (from its suffix)
    digest: str
    size: int
    outcome: Outcome | None = None  # known when a reducer capture recorded the compile
    failed_stage: str | None = None
    duplicates: tuple[Path, ...] = ()
    options: dict[str, Any] | None = None  # the NPU options the capture compiled with
    content_sha1: str = ""  # of the bytes alone (`digest` also names the stage)
    record: dict[str, Any] | None = field(default=None, compare=False)  # the capture's record of this file

    @property
    def kind(self) -> str:
        return self.stage.input_kind

    def to_dict(self) -> dict[str, Any]:
        return {
            "kernel": self.kernel,
            "path": str(self.path),
            "kind": self.kind,
            "replays": self.stage.name,
            "tool": self.stage.tool,
            "bytes": self.size,
            "sha1": self.digest,
            "outcome": self.outcome,
            "failed_stage": self.failed_stage,
            "duplicates": [str(p) for p in self.duplicates],
            "options": self.options,
        }


def _walk(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        if "fit.json" in files:  # a fit search's own output (its candidates): not the user's kernels
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "sweep")
        for name in sorted(files):
            if stages.for_file(name) is not None:
                yield Path(folder) / name


def discover(root: Path) -> list[CapturedIR]:
    """Every kernel IR file under `root`, identical copies (dump + debug + cache) folded into one entry."""
    found: dict[str, CapturedIR] = {}
    for path in _walk(root):
        stage = stages.for_file(path.name)
        assert stage is not None
        try:
            data = read_regular(path)
        except (InputError, OSError):
            continue  # a FIFO, a device, too large or unreadable: not a dump
        if not data.strip() or b"\0" in data:
            continue
        text = data.decode("utf-8", "replace")
        digest = hashlib.sha1(stage.name.encode() + b"\0" + data).hexdigest()
        if digest in found:
            old = found[digest]
            # Show the copy whose file name names the kernel; `kernel.*` are TRITON_DEBUG copies.
            main, extra = (path, old.path) if old.path.name.startswith("kernel.") else (old.path, path)
            found[digest] = replace(old, path=main, duplicates=old.duplicates + (extra,))
            continue
        record = read_record(path.parent / RECORD)
        found[digest] = CapturedIR(
            kernel=record.get("kernel") or kernel_from_file(path, text),
            path=path,
            stage=stage,
            digest=digest,
            size=len(data),
            outcome=outcome_of(record),
            failed_stage=record.get("failed_stage"),
            options=record.get("npu_options") if isinstance(record.get("npu_options"), dict) else None,
            content_sha1=hashlib.sha1(data).hexdigest(),
            record=record or None,
        )
    return sorted(found.values(), key=lambda c: (c.kernel, c.kind, str(c.path)))


def read_record(path: Path) -> dict[str, Any]:
    """A capture's JSON file as a dict; empty when missing or unreadable."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_records(root: Path) -> list[dict[str, Any]]:
    """The per-kernel records of a `reducer capture -- COMMAND` folder (empty for other dump folders)."""
    records = []
    for path in sorted(root.glob(f"*/{RECORD}")):
        data = read_record(path)
        if data:
            data["folder"] = str(path.parent)
            records.append(data)
    return records


def is_capture_dir(root: Path) -> bool:
    return read_record(root / INDEX).get("format") == FORMAT
