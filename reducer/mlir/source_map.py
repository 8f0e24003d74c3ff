"""Where the ops of a reduced repro came from in the user's kernel: the source lines behind a repro.

The captured IR carries `loc("kernel.py":57:14)` on every op; the reduction works on IR without locations
(printed candidates carry none, and a text-level pass re-parses what it prints). So the map is made after the
reduction, from two op lists: the original's, read with its locations (the stage's own parser prints it in
generic form with every location inline, which xDSL keeps on each op), and the result's. They are aligned in
order, op name to op name, a longest common subsequence per function (a reduction erases and rewires ops but
does not reorder them); ops the reduction made (stand-in constants, a reshape) align to nothing.

`triggered_by` ranks the source lines by how many surviving ops point at each: what the porting engineer reads.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from xdsl.dialects.builtin import CallSiteLoc, FileLineColLoc, FusedLoc, ModuleOp, NameLoc
from xdsl.ir import Attribute

from reducer.mlir.funcs import is_function, symbol_name
from reducer.mlir.ops import op_name

# Ops every kernel has, whose lines say nothing about the bug.
_SILENT = frozenset({"builtin.module", "tt.return", "func.return", "scf.yield", "tt.reduce.return",
                     "tt.scan.return", "linalg.yield"})
# A location in Triton's own library (or any installed package) is not the user's line.
_LIBRARY_PARTS = ("site-packages/", "dist-packages/", "/triton/language/", "triton/language/")
_MAX_ALIGN = 4_000_000  # cells of one LCS table; beyond it, ops are matched greedily in order


@dataclass(frozen=True)
class Site:
    """One source position; `via` is the call site when the op was inlined from a helper."""

    file: str
    line: int
    column: int
    via: tuple[tuple[str, int], ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "column": self.column,
                **({"via": [{"file": f, "line": n} for f, n in self.via]} if self.via else {})}


def site_of(loc: Attribute | None) -> Site | None:
    """The user's position a location names: the callee's for an inlined call, the first file position of a
    fused location, a named location's child."""
    if isinstance(loc, FileLineColLoc):
        return Site(loc.filename.data, loc.line.data, loc.column.data)
    if isinstance(loc, CallSiteLoc):
        inner, outer = site_of(loc.callee), site_of(loc.caller)
        if inner is None:
            return outer
        return Site(inner.file, inner.line, inner.column, inner.via + ((outer.file, outer.line),) if outer else ())
    if isinstance(loc, NameLoc):
        return site_of(loc.location)
    if isinstance(loc, FusedLoc):
        return next((s for s in map(site_of, loc.locations) if s is not None), None)
    return None


@dataclass(frozen=True)
class OpEntry:
    name: str
    shape: tuple[int, int]  # operands, results: tells apart two ops of one name
    site: Site | None
    func: str | None


def entries(module: ModuleOp) -> list[OpEntry]:
    """The module's ops in order, each with its site (None when it has no file location)."""
    found: list[OpEntry] = []
    func: str | None = None
    for op in module.walk():
        if is_function(op):
            func = symbol_name(op)
        if op_name(op) == "builtin.module":
            continue
        loc = getattr(op, "location", None)
        found.append(OpEntry(op_name(op), (len(op.operands), len(op.results)), site_of(loc), func))
    return found


def _lcs(a: list[OpEntry], b: list[OpEntry]) -> list[int | None]:
    """For each op of `b`, the index in `a` it aligns with (same name), by longest common subsequence; ties go
    to the op with the same operand/result counts."""
    if len(a) * len(b) > _MAX_ALIGN:
        return _greedy(a, b)
    n, m = len(a), len(b)
    score = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below = score[i], score[i + 1]
        for j in range(m - 1, -1, -1):
            best = max(below[j], row[j + 1])
            if a[i].name == b[j].name:
                best = max(best, below[j + 1] + 2 + (a[i].shape == b[j].shape))
            row[j] = best
    out: list[int | None] = [None] * m
    i = j = 0
    while i < n and j < m:
        if a[i].name == b[j].name and score[i][j] == score[i + 1][j + 1] + 2 + (a[i].shape == b[j].shape):
            out[j] = i
            i, j = i + 1, j + 1
        elif score[i][j + 1] >= score[i + 1][j]:
            j += 1  # on a tie, pass the reduced op: an original op matched as early as it can be
        else:
            i += 1
    return out


def _greedy(a: list[OpEntry], b: list[OpEntry]) -> list[int | None]:
    out: list[int | None] = []
    i = 0
    for op in b:
        k = next((x for x in range(i, len(a)) if a[x].name == op.name), None)
        out.append(k)
        i = k + 1 if k is not None else i
    return out


def align(original: list[OpEntry], reduced: list[OpEntry]) -> list[Site | None]:
    """Each reduced op's site in the original, function by function (by name; one unnamed group otherwise)."""
    sites: list[Site | None] = [None] * len(reduced)
    by_func: dict[str | None, list[int]] = {}
    for j, op in enumerate(reduced):
        by_func.setdefault(op.func, []).append(j)
    names = {op.func for op in original}
    for func, positions in by_func.items():
        pool = [k for k, op in enumerate(original) if op.func == func] if func in names else list(range(len(original)))
        matched = _lcs([original[k] for k in pool], [reduced[j] for j in positions])
        for j, k in zip(positions, matched, strict=True):
            if k is not None:
                sites[j] = original[pool[k]].site
    return sites


@dataclass(frozen=True)
class Line:
    file: str
    line: int
    ops: int
    names: tuple[str, ...]  # the surviving ops from this line
    text: str | None = None  # the source line, when the file could be read

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "ops": self.ops, "op_names": list(self.names),
                **({"text": self.text} if self.text is not None else {})}


def _library(file: str) -> bool:
    return any(part in file for part in _LIBRARY_PARTS)


def user_line(site: Site) -> tuple[str, int]:
    """The line of the user's code: an op Triton's library made (`tl.sum`'s reduce) counts at its call."""
    if _library(site.file):
        for file, line in site.via:
            if not _library(file):
                return file, line
    return site.file, site.line


def triggered_by(reduced: list[OpEntry], sites: list[Site | None]) -> list[Line]:
    """Source lines ranked by how many surviving ops point at them (ties: in file order)."""
    counts: Counter[tuple[str, int]] = Counter()
    names: dict[tuple[str, int], list[str]] = {}
    for op, site in zip(reduced, sites, strict=True):
        if site is None or op.name in _SILENT or is_function_name(op.name):
            continue
        key = user_line(site)
        counts[key] += 1
        names.setdefault(key, []).append(op.name)
    ranked = sorted(counts, key=lambda k: (-counts[k], k))
    return [Line(f, n, counts[(f, n)], tuple(dict.fromkeys(names[(f, n)]))) for f, n in ranked]


def is_function_name(name: str) -> bool:
    return name in ("tt.func", "func.func")
