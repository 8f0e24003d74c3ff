"""Methods of a class replaced while a block runs, and put back after: how each fix to the CPU interpreter
(`bounds`, `widths`, `bf16`, `extern`) goes in for one launch and comes out again."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

_ABSENT = object()


@contextlib.contextmanager
def methods_replaced(cls: type, replacements: dict[str, Callable[..., Any]]) -> Iterator[dict[str, Any]]:
    """Yields the methods as they were (what each replacement calls on to: an earlier replacement's, say). A
    method the class only inherited, or did not have, is removed again on exit rather than pinned on it."""
    own = {name: cls.__dict__.get(name, _ABSENT) for name in replacements}
    previous = {name: getattr(cls, name, None) for name in replacements}
    for name, fn in replacements.items():
        setattr(cls, name, fn)
    try:
        yield previous
    finally:
        for name, fn in own.items():
            if fn is _ABSENT:
                delattr(cls, name)
            else:
                setattr(cls, name, fn)
