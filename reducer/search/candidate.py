"""A normalised proposal: the exact text the predicate sees, its sort key, and its parsed module."""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.dialects.builtin import ModuleOp

SortKey = tuple[int, int]


@dataclass(frozen=True)
class Candidate:
    text: str
    key: SortKey
    module: ModuleOp | None
