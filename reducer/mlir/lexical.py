"""The one piece of MLIR's lexer that text-level edits need: where a string literal ends."""

from __future__ import annotations


def string_end(text: str, start: int) -> int:
    """The index just past the string literal that opens with the quote at `start` (escapes skipped)."""
    j, n = start + 1, len(text)
    while j < n and text[j] != '"':
        j += 2 if text[j] == "\\" else 1
    return min(j + 1, n)
