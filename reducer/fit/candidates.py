"""The specialisations a fit search may try: every power-of-two compile-time parameter halved, alone and together,
ordered nearest first (fewest changed parameters, then fewest halvings), the smallest of all first of all.

A parameter named like a block size (BLOCK_M, BN, TILE, CHUNK_SIZE...) is a tuning knob by convention; another
power of two (HEAD_DIM, VOCAB) may be the data's extent, so a fit that shrinks one says so.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

# No parameter is halved below this: tl.dot needs 16 in every dimension, and a smaller tile rarely helps.
FLOOR = 16
# A lattice bigger than this is walked without the farthest points (the smallest is always tried first).
MAX_CANDIDATES = 4096
MAX_LATTICE = 100_000

_BLOCK_NAME = re.compile(r"BLOCK|TILE|CHUNK|SPLIT|^B[A-Z]{0,2}$|^[XYZR]?BLOCK|_SIZE$|^BS$", re.I)


def is_block_name(name: str) -> bool:
    return bool(_BLOCK_NAME.search(name))


def tunables(constants: Mapping[str, object]) -> dict[str, int]:
    """The parameters a search may shrink: powers of two above the floor (never a bool)."""
    return {
        k: v for k, v in constants.items()
        if isinstance(v, int) and not isinstance(v, bool) and v > FLOOR and v & (v - 1) == 0
    }


@dataclass(frozen=True)
class Candidate:
    """One specialisation: the changed parameters (name -> value) and how far it is from the user's."""

    changes: tuple[tuple[str, int], ...]
    halvings: int

    @property
    def constants(self) -> dict[str, int]:
        return dict(self.changes)

    @property
    def distance(self) -> tuple[int, int]:
        return (len(self.changes), self.halvings)

    def label(self, user: Mapping[str, object]) -> str:
        if not self.changes:
            return "as captured"
        return ", ".join(f"{k} {user[k]}->{v}" for k, v in self.changes)

    def covers(self, other: Candidate, user: Mapping[str, int]) -> bool:
        """True when every parameter here is at least `other`'s: if `other` overflows, so does this one."""
        mine, theirs = self.constants, other.constants
        return all(mine.get(k, user[k]) >= theirs.get(k, user[k]) for k in user)


def _levels(value: int) -> list[int]:
    """value, value/2, ... down to the floor."""
    out = [value]
    while out[-1] // 2 >= FLOOR:
        out.append(out[-1] // 2)
    return out


def candidate_of(user: Mapping[str, int], values: Mapping[str, int]) -> Candidate:
    changes = tuple((k, values[k]) for k in user if values[k] != user[k])
    halvings = sum(int(math.log2(user[k] // values[k])) for k, _ in changes)
    return Candidate(changes, halvings)


def smallest(user: Mapping[str, int]) -> Candidate:
    return candidate_of(user, {k: _levels(v)[-1] for k, v in user.items()})


def nearest_first(user: Mapping[str, int]) -> Iterator[Candidate]:
    """Every point of the lattice but the user's own, nearest first; block-named parameters before others at
    equal distance (shrinking a block size is the usual fix)."""
    names = list(user)
    grid = [_levels(user[k]) for k in names]
    while math.prod(len(g) for g in grid) > MAX_LATTICE:  # many deep parameters: drop middle levels, keep the floor
        longest = max(grid, key=len)
        del longest[-2]
    points = (candidate_of(user, dict(zip(names, values, strict=True))) for values in itertools.product(*grid))
    ranked = sorted((c for c in points if c.changes), key=lambda c: (*c.distance, _others(c), c.changes))
    yield from ranked[:MAX_CANDIDATES]


def _others(candidate: Candidate) -> int:
    return sum(1 for k, _ in candidate.changes if not is_block_name(k))
