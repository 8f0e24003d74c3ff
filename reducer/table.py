"""Tables for people: two-column text tables for the terminal, and the one markdown table writer.

Every markdown table the tool writes (triage.md, issues) goes through `markdown_table`, so a name holding `|` or
a newline cannot break a row. A cell is escaped (`reducer.safety.names.markdown_text`) unless it is `Markdown`
(inline markdown made safe by `reducer.safety.names`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from reducer.safety.names import Markdown, markdown_link, markdown_text

__all__ = ["Markdown", "cell_text", "key_value", "markdown_link", "markdown_table"]


def key_value(rows: Sequence[tuple[str, str]]) -> str:
    width = max((len(k) for k, _ in rows), default=0)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


def cell_text(text: object) -> str:
    """Plain text as a table cell: one line, nothing markdown reads (`|`, `<`, `[`, backticks), nothing as `-`."""
    if isinstance(text, Markdown):
        return str(text)
    return markdown_text(text if text is not None else "-")


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A GitHub-flavoured markdown table (no trailing newline); cells other than `Markdown` go through `cell_text`."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell_text(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
