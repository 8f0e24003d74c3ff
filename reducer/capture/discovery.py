"""Kernel IR on disk: dump folders (`<hash>/<kernel>.ttir`), TRITON_DEBUG copies, the Triton cache and
capture folders, identical copies folded into one entry that names the stage it replays."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reducer.capture.record import FORMAT, INDEX, RECORD, outcome_of
from reducer.errors import InputError
from reducer.failure.outcome import Outcome
from reducer.mlir.symbols import kernel_name
from reducer.safety import artifacts
from reducer.safety.artifacts import Broken, BrokenArtifact, Skipped, Unusable, is_utf8, shown
from reducer.stage import table as stages
from reducer.stage.source import MAX_BYTES, read_regular
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


def _walk(root: Path, unusable: Unusable) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        if "fit.json" in files:  # a fit search's own output (its candidates): not the user's kernels
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "sweep")
        for name in sorted(files):
            if stages.for_file(name) is None:
                continue
            path = Path(folder) / name
            if is_utf8(path):
                yield path
            else:  # it could be named in no triage, state file or repro
                unusable.add(Broken(shown(path), "IR file", "its path is not UTF-8: not checked (rename it)"))


def _read_ir(path: Path, unusable: Unusable) -> bytes | None:
    """The file's bytes; None (and why, in `unusable`) for one that is not a regular file or is too large."""
    try:
        return read_regular(path)
    except InputError as err:
        size = path.stat().st_size if path.is_file() else None
        why = f"larger than {MAX_BYTES // (1024 * 1024)} MiB" if size and size > MAX_BYTES else str(err).split(": ")[-1]
        unusable.add(Skipped(shown(path), size, f"{why}: not checked"))
    except OSError as err:
        unusable.add(Skipped(shown(path), None, f"unreadable ({err.strerror}): not checked"))
    return None


def discover(root: Path, unusable: Unusable | None = None) -> list[CapturedIR]:
    """Every kernel IR file under `root`, identical copies (dump + debug + cache) folded into one entry. A file
    that cannot be used (too large, not UTF-8, a record that fails its schema) is listed in `unusable`."""
    unusable = unusable if unusable is not None else Unusable()
    read_index(root, unusable)
    found: dict[str, CapturedIR] = {}
    records: dict[Path, dict[str, Any]] = {}
    for path in _walk(root, unusable):
        stage = stages.for_file(path.name)
        assert stage is not None
        data = _read_ir(path, unusable)
        if data is None or not data.strip() or b"\0" in data:
            continue
        text = data.decode("utf-8", "replace")
        digest = hashlib.sha1(stage.name.encode() + b"\0" + data).hexdigest()
        if digest in found:
            old = found[digest]
            # Show the copy whose file name names the kernel; `kernel.*` are TRITON_DEBUG copies.
            main, extra = (path, old.path) if old.path.name.startswith("kernel.") else (old.path, path)
            found[digest] = replace(old, path=main, duplicates=old.duplicates + (extra,))
            continue
        if path.parent not in records:
            records[path.parent] = read_record(path.parent / RECORD, unusable)
        record = records[path.parent]
        found[digest] = CapturedIR(
            kernel=record.get("kernel") or kernel_from_file(path, text),
            path=path,
            stage=stage,
            digest=digest,
            size=len(data),
            outcome=outcome_of(record),
            failed_stage=record.get("failed_stage"),
            options=record.get("npu_options"),
            content_sha1=hashlib.sha1(data).hexdigest(),
            record=record or None,
        )
    return sorted(found.values(), key=lambda c: (c.kernel, c.kind, str(c.path)))


def read_record(path: Path, unusable: Unusable | None = None) -> dict[str, Any]:
    """A capture's record.json, checked against its schema; empty when missing, and when broken (then listed in
    `unusable`: the unit's IR files are still checked, as a plain dump's)."""
    try:
        return artifacts.read(path, artifacts.RECORD_KIND, artifacts.RECORD) or {}
    except BrokenArtifact as err:
        if unusable is not None:
            unusable.add(err.broken)
        return {}


def read_records(root: Path, unusable: Unusable | None = None) -> list[dict[str, Any]]:
    """The per-kernel records of a `reducer capture -- COMMAND` folder (empty for other dump folders)."""
    records = []
    for path in sorted(root.glob(f"*/{RECORD}")):
        if not is_utf8(path):
            if unusable is not None:
                unusable.add(Broken(shown(path), artifacts.RECORD_KIND, "its path is not UTF-8: not read"))
            continue
        data = read_record(path, unusable)
        if data:
            data["folder"] = str(path.parent)
            records.append(data)
    return records


def read_index(root: Path, unusable: Unusable | None = None) -> dict[str, Any]:
    """A capture folder's index.json, checked; empty when missing or broken (listed in `unusable`)."""
    try:
        return artifacts.read(root / INDEX, artifacts.INDEX_KIND, artifacts.INDEX) or {}
    except BrokenArtifact as err:
        if unusable is not None:
            unusable.add(err.broken)
        return {}


def is_capture_dir(root: Path) -> bool:
    return read_index(root).get("format") == FORMAT
