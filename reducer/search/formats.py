"""What the search reduces (Shrink Ray's `Format`): how a text is normalised, sized and which passes fit it.

`MLIR_GENERIC`: every candidate must parse (xDSL) and is compared in its generic printout; size is
(ops, bytes). `LINES`: any text, size is (non-empty lines, bytes), for input xDSL cannot parse.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from reducer.mlir.module import ParseError, count_ops, parse_module, print_module
from reducer.search.candidate import Candidate
from reducer.search.schedule import DEFAULT_SCHEDULE, TEXT_SCHEDULE, Tier


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

    def normalise(self, raw: str) -> Candidate | None:
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


def ops_or_lines(text: str) -> int:
    """The first size component of the first format that holds `text`: its ops, else its non-empty lines."""
    try:
        return count_ops(text)
    except ParseError:
        return line_count(text)


MLIR_GENERIC = MlirGeneric()
LINES = Lines()
# Tried in order: the first that accepts the initial text is the reduction's format.
FORMATS: tuple[Format, ...] = (MLIR_GENERIC, LINES)
