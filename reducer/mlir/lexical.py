"""MLIR read as text, with no parse: the one scanner of string literals (and `//` comments) that text-level
edits share, so a quote or a `//` inside a string is never taken for code."""

from __future__ import annotations

from collections.abc import Iterator


def string_end(text: str, start: int) -> int:
    """The index just past the string literal that opens with the quote at `start` (escapes skipped)."""
    j, n = start + 1, len(text)
    while j < n and text[j] != '"':
        j += 2 if text[j] == "\\" else 1
    return min(j + 1, n)


def pieces(text: str, *, comments: bool = False) -> Iterator[tuple[str, str]]:
    """`text` cut into ("string", literal), ("comment", `//` up to its newline; only with `comments`) and
    ("code", what lies between); joined back in order they are `text`."""
    start, n = 0, len(text)
    # The next quote and `//` at or after `start`, -1 when none is left: each found again only once passed.
    quote, slash = text.find('"'), text.find("//") if comments else -1
    while start < n:
        if 0 <= quote < start:
            quote = text.find('"', start)
        if 0 <= slash < start:
            slash = text.find("//", start)
        at = min((p for p in (quote, slash) if p >= start), default=n)
        if at == n:
            break
        if at > start:
            yield "code", text[start:at]
        if at == quote:
            end, kind = string_end(text, at), "string"
        else:
            newline = text.find("\n", at)
            end, kind = (n if newline < 0 else newline), "comment"
        yield kind, text[at:end]
        start = end
    if start < n:
        yield "code", text[start:]


def blank_strings(text: str) -> str:
    """`text` with every string literal emptied to `""`: what is left is what a reader takes for code."""
    return "".join('""' if kind == "string" else piece for kind, piece in pieces(text))
