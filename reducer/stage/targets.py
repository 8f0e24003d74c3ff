"""Ascend target names and the two families the backend compiles differently: A2/A3 and A5.

A leaf: the stage table (flags, healthy endings) and the options type (defaults per target) both ask it.
"""

from __future__ import annotations

import re

DEFAULT_TARGET = "Ascend910B3"

# Targets the 3.2.0 backend accepts; Ascend310B4 and friends are rejected by it.
_TARGET_RE = re.compile(r"^Ascend(910B[1-4]|910_93\d\d|910_95\d*|950\w*)$")
# A5 (Ascend910_95xx, Ascend950xx): bishengir-compile hands these to its `-a5` sibling.
_A5_RE = re.compile(r"^Ascend(910_95\d*|950\w*)$")


def is_known(target: str) -> bool:
    return bool(_TARGET_RE.match(target))


def is_a5(target: str) -> bool:
    return bool(_A5_RE.match(target))


def target_defaults(target: str) -> dict[str, bool]:
    """The NPUOptions defaults that follow the target. triton-ascend sets `is_compile_on_910_95` from the
    device it runs on (3.2.0 hard-codes False: no A5 target ever compiled as one) and four defaults follow it."""
    on95 = is_a5(target)
    return {
        "compile_on_910_95": on95,
        "multibuffer": not on95,
        "enable_auto_bind_sub_block": not on95,
        "enable_select_analysis": on95,
    }
