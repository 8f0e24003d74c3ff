"""Known frontend incompatibilities of triton-ascend, and the smallest change that lets a kernel reach the compiler.

Two tables. `SHIMS`: capture first compiles a launch as written; when the frontend error is one of these, it
records that finding (a `frontend-error` with the shim's name), then retries with the shim so the compiler bugs
behind it are found too, and the retried record says which shim applied. `ALIASES`: module spellings of other
triton-ascend releases (`extra.cann` is `extra.ascend` in 3.2.0), installed in the user's process before its
modules import them (`aliases.install`); a kernel that uses one is a version incompatibility, never a compiler or
frontend bug. `reducer capture --no-shims` turns both off.
"""

from __future__ import annotations

import contextlib
import re
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


# Launch keywords (NPUOptions fields) of triton-ascend after 3.2.0 that 3.2.0's backend rejects as unrecognised;
# from upstream's NPUOptions on main, 2026-12.
NEWER_LAUNCH_KEYWORDS = frozenset({
    "add_auto_scheduling", "auto_blockify_size", "auto_tile_and_bind_subblock", "auto_vectorize_v2_max_fused_ops_num",
    "bisheng_options", "disable_fma", "disable_size_align_for_cast", "disable_tightly_coupled_buffer_reuse",
    "enable_auto_vectorize_v2", "enable_bishengir_simt_optimization", "enable_cce_vf_auto_sync",
    "enable_cce_vf_remove_membar", "enable_drop_unit_dims", "enable_flatten", "enable_mask_fallback_conversion",
    "enable_mixed_cv", "enable_simt_reorder_instruction", "enable_sync_block_lock", "enable_ubuf_saving",
    "enable_vf_fusion", "hfusion_enable_multiple_consumer_fusion", "optimize_dynamic_offset",
    "prevec_max_fused_ops_num", "shared_mem_dynamic_size", "simt_stack_limit", "use_bytecode", "vf_merge_level",
})
_UNRECOGNISED = re.compile(r"Keyword argument (\w+) was specified but unrecognised")


def _newer_keyword(error: str) -> bool:
    found = _UNRECOGNISED.search(error)
    return found is not None and found.group(1) in NEWER_LAUNCH_KEYWORDS


def _drop_newer_keywords(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in kwargs.items() if k not in NEWER_LAUNCH_KEYWORDS}


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
    Shim(
        "drop-newer-launch-keyword",
        "a launch keyword of a triton-ascend release after 3.2.0 (e.g. auto_blockify_size=) is rejected (dropped)",
        _newer_keyword,
        launch=_drop_newer_keywords,
    ),
)


@dataclass(frozen=True)
class Alias:
    """A module path code written for another triton-ascend release imports, and where the installed one keeps it."""

    spelling: str  # e.g. "triton.language.extra.cann.libdevice"
    targets: tuple[str, ...]  # modules searched in order for each name (the first importable one is required)
    release: str  # which releases spell it so, for the finding
    # Names the other release has and the installed one spells differently: name -> "module:attribute".
    renames: tuple[tuple[str, str], ...] = ()
    names: tuple[str, ...] | None = None  # only these names (None: any name the targets have)


# What upstream triton-ascend's `extra.cann.extension` (`al`) exports that 3.2.0 keeps in `triton.language`.
_EXTENSION_IN_TL = (
    "insert_slice", "extract_slice", "get_element", "sort", "flip", "cast", "int64", "debug_barrier",
    "sync_block_all", "sync_block_set", "sync_block_wait", "parallel", "compile_hint", "multibuffer",
)

ALIASES: tuple[Alias, ...] = (
    # triton-ascend after 3.2.0 (main, release/3.3.x on) ships `triton.language.extra.cann.{libdevice,extension}`.
    Alias("triton.language.extra.cann", ("triton.language.extra.ascend",), "triton-ascend > 3.2.0"),
    Alias(
        "triton.language.extra.cann.libdevice",
        ("triton.language.extra.ascend.libdevice",),
        "triton-ascend > 3.2.0",
        renames=(("fast_dividef", "triton.language.math:fdiv"), ("fast_expf", "triton.language.math:exp")),
    ),
    Alias(
        "triton.language.extra.cann.extension",
        ("triton.language", "triton.language.extra.ascend.libdevice"),
        "triton-ascend > 3.2.0",
        names=(*_EXTENSION_IN_TL, "atan2"),
    ),
    # And the other way: code written for 3.2.0 on a wheel that only has `extra.cann`.
    Alias("triton.language.extra.ascend", ("triton.language.extra.cann",), "triton-ascend 3.2.0"),
    Alias("triton.language.extra.ascend.libdevice", ("triton.language.extra.cann.libdevice",), "triton-ascend 3.2.0"),
)

# A frontend error that names a spelling of another release (when no alias was installed: `--no-shims`).
VERSION_ERRORS = ("no attribute 'cann'", "No module named 'triton.language.extra.cann")


def version_error(error: str) -> bool:
    """A frontend error that only says the code was written for another triton-ascend release."""
    return any(text in error for text in VERSION_ERRORS) or _newer_keyword(error)


def matching(error: str) -> Shim | None:
    """The shim for this frontend error, if it is a known incompatibility."""
    return next((s for s in SHIMS if s.matches(error)), None)
