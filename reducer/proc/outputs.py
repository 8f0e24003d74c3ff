"""The one output guard: no file the tool writes may be one of the files it read."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from reducer.errors import UsageError


def _same(a: Path, b: Path) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)  # hard links and bind mounts
    except OSError:
        return False


def guard(inputs: Iterable[Path | None], outputs: Iterable[Path], what: str = "this run") -> None:
    """UsageError naming the clash when an output of `what` is one of its inputs; nothing is written before."""
    read = [p for p in inputs if p is not None]
    for out in outputs:
        for src in read:
            if _same(out, src):
                raise UsageError(
                    f"{what} would write {out}, which is its input {src}", "choose another output (-o) path"
                )
