"""Tables for people: two-column text tables for the terminal, and the one markdown table writer.

Every markdown table the tool writes (triage.md, issues) goes through `markdown_table`, so a name holding `|` or
a newline cannot break a row. A cell is escaped unless it is `Markdown` (inline markdown its writer made safe).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import PurePath


def key_value(rows: Sequence[tuple[str, str]]) -> str:
    width = max((len(k) for k, _ in rows), default=0)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


class Markdown(str):
    """A cell that is inline markdown already (a code span, a link): `markdown_table` keeps it as it is."""


def cell_text(text: object) -> str:
    """Plain text as a table cell: `|` escaped, newlines as spaces, nothing shown as `-`."""
    if isinstance(text, Markdown):
        return str(text)
    return str(text if text is not None else "-").replace("|", "\\|").replace("\n", " ")


def markdown_link(text: str | None, target: str | None) -> str:
    """A link named after the last part of `text` (a path); without a target, just the (escaped) text."""
    if not text or not target:
        return Markdown(cell_text(text))
    return Markdown(f"[{cell_text(PurePath(text).name)}](<{target.replace('>', '%3E')}>)")


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A GitHub-flavoured markdown table (no trailing newline); cells other than `Markdown` go through `cell_text`."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell_text(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
