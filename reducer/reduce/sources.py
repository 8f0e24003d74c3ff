"""The source lines behind a reduction's result: `mlir.source_map` on the input's locations, and each line's
text when the kernel's file can be read (next to the input, in the capture's working folder, or here).

Kept in the sidecar (`OUT.json`, "sources") and shown by `reduce`, `sweep` and `report` on this machine;
locations never reach the repro or anything meant for upstream unless asked (`report --keep-locations`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from reducer.errors import InputError, ParseError
from reducer.mlir.module import parse_module, parse_with_locations
from reducer.mlir.source_map import Line, align, entries, triggered_by
from reducer.safety import artifacts
from reducer.stage.source import read_regular
from reducer.stage.table import StageSpec
from reducer.stage.tool_print import reprint

_SOURCE_BYTES = 4 << 20  # a kernel's Python file; a bigger one is not read for its lines
_SHOWN = 3


@dataclass(frozen=True)
class SourceMap:
    lines: list[Line]
    mapped: int  # surviving ops that point at a source line
    ops: int  # surviving ops

    def to_dict(self) -> dict[str, object]:
        return {"triggered_by": [line.to_dict() for line in self.lines], "ops_mapped": self.mapped, "ops": self.ops}

    def shown(self, count: int = _SHOWN) -> list[str]:
        """`file:line (N ops: tt.load, ...)  text` for the first lines, for a terminal or triage."""
        out = []
        for line in self.lines[:count]:
            names = ", ".join(line.names[:3])
            text = f"  {line.text.strip()}" if line.text else ""
            out.append(f"{line.file}:{line.line} ({line.ops} op{'s' if line.ops != 1 else ''}: {names}){text}")
        return out


def source_map(stage: StageSpec, original: str, result: str, roots: list[Path], timeout: float = 60.0
               ) -> SourceMap | None:
    """Where `result`'s ops came from in `original`; None when the original has no file locations or either
    side cannot be read back."""
    if 'loc("' not in original and "loc(callsite" not in original:
        return None
    with_locs = reprint(stage, original, generic=True, timeout=timeout, debuginfo=True)
    reduced = reprint(stage, result, generic=True, timeout=timeout)
    if with_locs is None or reduced is None:
        return None
    try:
        before, after = entries(parse_with_locations(with_locs)), entries(parse_module(reduced))
    except ParseError:
        return None
    sites = align(before, after)
    lines = [_with_text(line, roots) for line in triggered_by(after, sites)]
    counted = [s for op, s in zip(after, sites, strict=True) if op.name not in ("tt.func", "func.func")]
    return SourceMap(lines, sum(1 for s in counted if s is not None), len(counted))


def roots_of(source_path: Path | None) -> list[Path]:
    """Where a kernel file named by a relative location may be: beside the input, in the capture's working
    folder (a unit folder's record.json), here."""
    roots: list[Path] = []
    if source_path is not None:
        folder = source_path.parent
        roots.append(folder)
        try:
            record = artifacts.read(folder / "record.json", artifacts.RECORD_KIND, artifacts.RECORD) or {}
        except artifacts.BrokenArtifact:
            record = {}
        if isinstance(record.get("cwd"), str):
            roots.append(Path(record["cwd"]))
    roots.append(Path.cwd())
    return roots


def _with_text(line: Line, roots: list[Path]) -> Line:
    path = Path(line.file)
    for candidate in [path] if path.is_absolute() else [root / path for root in roots]:
        try:
            data = read_regular(candidate, _SOURCE_BYTES, "a kernel source")
        except (InputError, OSError):
            continue
        lines = data.decode("utf-8", errors="replace").splitlines()
        if 0 < line.line <= len(lines):
            return replace(line, text=lines[line.line - 1][:240])
    return line
