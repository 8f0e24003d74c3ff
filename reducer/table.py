"""Two-column text tables for people: the key column padded to its widest entry."""

from __future__ import annotations

from collections.abc import Sequence


def key_value(rows: Sequence[tuple[str, str]]) -> str:
    width = max((len(k) for k, _ in rows), default=0)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)
