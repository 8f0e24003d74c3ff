"""What the search reduces (Shrink Ray's `Format`): how a text is normalised, sized and which passes fit it.

`MLIR_GENERIC`: every candidate must parse (xDSL) and is compared in its generic printout; size is
(ops, bytes). `LINES`: any text, size is (non-empty lines, bytes), for input xDSL cannot parse, or will not be
given: text over the format's `max_bytes` is not parsed at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol

from reducer.mlir.module import ParseError, count_ops, parse_module, print_module
from reducer.search.candidate import Candidate
from reducer.search.schedule import DEFAULT_SCHEDULE, TEXT_SCHEDULE, Tier

# xDSL 0.74 holds about 30 MiB and spends about 3.5 s per MiB of generic IR it parses, about as long again to
# print it, and neither can be cut short. So in-process parses are bounded: XDSL_MAX_BYTES keeps a module and a
# candidate beside it well under 1 GB (under --max-time, `reduce.parse_cost` bounds it by time too). Larger text
# is reduced as lines.
XDSL_MAX_BYTES = 8 * 1024 * 1024


class Format(Protocol):
    name: str
    unit: str  # what the first size component counts, for people ("ops", "lines")
    has_module: bool  # candidates carry a parsed module: module passes may run
    schedule: tuple[Tier, ...]

    def normalise(self, raw: str) -> Candidate | None:
        """The candidate the predicate sees, or None when `raw` is not valid in this format."""


@dataclass(frozen=True)
class MlirGeneric:
    name: str = "mlir-generic"
    unit: str = "ops"
    has_module: bool = True
    schedule: tuple[Tier, ...] = DEFAULT_SCHEDULE
    max_bytes: int = XDSL_MAX_BYTES  # larger text is not valid in this format: it is never parsed

    def normalise(self, raw: str) -> Candidate | None:
        if len(raw) > self.max_bytes:
            return None
        try:
            module = parse_module(raw)
            text = print_module(module)
        except ParseError:
            return None
        return Candidate(text, (count_ops(module), len(text)), module)


@dataclass(frozen=True)
class Lines:
    name: str = "lines"
    unit: str = "lines"
    has_module: bool = False
    schedule: tuple[Tier, ...] = TEXT_SCHEDULE

    def normalise(self, raw: str) -> Candidate | None:
        return Candidate(raw, (line_count(raw), len(raw)), None)


def line_count(text: str) -> int:
    return sum(1 for ln in text.splitlines() if ln.strip())


def ops_or_lines(text: str, max_bytes: int = XDSL_MAX_BYTES) -> int:
    """The first size component of the first format that holds `text`: its ops, else its non-empty lines (text
    over `max_bytes` is not parsed). Remembered by digest: a reduction asks again for the texts it ends with."""
    if len(text) > max_bytes:
        return line_count(text)
    digest = hashlib.sha256(text.encode()).hexdigest()
    count = _COUNTED.get(digest)
    if count is None:
        try:
            count = count_ops(text)
        except ParseError:
            count = line_count(text)
        if len(_COUNTED) >= 64:
            _COUNTED.clear()
        _COUNTED[digest] = count
    return count


_COUNTED: dict[str, int] = {}  # digest -> ops_or_lines, the last few (no text is kept)


def remember_ops(text: str, ops: int) -> None:
    """`text`'s op count, counted elsewhere (a subprocess): ops_or_lines answers it without a parse."""
    if len(_COUNTED) >= 64:
        _COUNTED.clear()
    _COUNTED[hashlib.sha256(text.encode()).hexdigest()] = ops


MLIR_GENERIC = MlirGeneric()
LINES = Lines()
# Tried in order: the first that accepts the initial text is the reduction's format.
FORMATS: tuple[Format, ...] = (MLIR_GENERIC, LINES)


def formats_within(max_bytes: int) -> tuple[Format, ...]:
    """FORMATS with the in-process parse bounded by `max_bytes`."""
    return (MlirGeneric(max_bytes=max_bytes), LINES)
