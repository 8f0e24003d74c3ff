"""Known frontend incompatibilities of triton-ascend, and the smallest change that lets a kernel reach the compiler.

One table. Capture first compiles a launch as written; when the frontend error is one of these, it records that
finding (a `frontend-error` with the shim's name), then retries with the shim so the compiler bugs behind it are
found too, and the retried record says which shim applied. `reducer capture --no-shims` turns this off.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

ENV_NO_SHIMS = "REDUCER_CAPTURE_NO_SHIMS"


@dataclass(frozen=True)
class Shim:
    name: str
    summary: str  # what the frontend does wrong, for the record and the triage row
    matches: Callable[[str], bool]  # on "ExceptionType: message"
    launch: Callable[[dict[str, Any]], dict[str, Any]] | None = None  # rewrites the launch keywords
    # Patches the backend's options class (given the launch's parsed options) while the launch compiles.
    during_compile: Callable[[Any], contextlib.AbstractContextManager[None]] | None = None


def _drop_maxnreg(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in kwargs.items() if k != "maxnreg"}


@contextlib.contextmanager
def _default_dot_precision(options: Any) -> Iterator[None]:
    # `tl.dot(..., input_precision=None)` reads an option NPUOptions does not define; take its first allowed one.
    # The class is taken from the launch's options: Triton loads backends as their own module objects.
    cls = type(options)
    had = hasattr(cls, "default_dot_input_precision")
    if not had:
        cls.default_dot_input_precision = (getattr(options, "allowed_dot_input_precisions", None) or ("ieee",))[0]
    try:
        yield
    finally:
        if not had:
            del cls.default_dot_input_precision


SHIMS: tuple[Shim, ...] = (
    Shim(
        "drop-maxnreg",
        "the launch keyword maxnreg= is rejected by the Ascend backend (dropped)",
        lambda err: "maxnreg" in err and "unrecognised" in err,
        launch=_drop_maxnreg,
    ),
    Shim(
        "dot-input-precision-default",
        "tl.dot(input_precision=None) needs NPUOptions.default_dot_input_precision (set to its first allowed value)",
        lambda err: "default_dot_input_precision" in err,
        during_compile=_default_dot_precision,
    ),
)


def matching(error: str) -> Shim | None:
    """The shim for this frontend error, if it is a known incompatibility."""
    return next((s for s in SHIMS if s.matches(error)), None)
