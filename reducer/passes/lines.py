"""Last-ditch (or only, when the input does not parse) pass: delete lines, latest first.

Structured runs still require every candidate to parse, so only deletions that leave valid MLIR survive.
"""

from __future__ import annotations

from collections.abc import Sequence

from reducer.passes.base import PassContext, Subject


class DeleteLines:
    name = "lines"
    description = "delete lines (latest first); the fallback when the input does not parse"
    needs_module = False

    def targets(self, subject: Subject, ctx: PassContext) -> int:
        return len(subject.text.splitlines())

    def apply(self, subject: Subject, chosen: Sequence[int], ctx: PassContext) -> str | None:
        lines = subject.text.splitlines(keepends=True)
        n = len(lines)
        drop = {n - 1 - i for i in chosen}  # target 0 is the last line
        kept = [ln for i, ln in enumerate(lines) if i not in drop]
        return "".join(kept) if len(kept) < n else None
