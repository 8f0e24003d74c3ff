"""The one reading of a yes/no word, for NPU options and run-environment knobs alike (imports nothing)."""

from __future__ import annotations

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def parse_bool(value: object) -> bool | None:
    """`true`/`false`, `on`/`off`, `yes`/`no`, `1`/`0` (any case, spaces around) or a bool; None when `value`
    is none of them (each caller words its own error)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return True if text in _TRUE else False if text in _FALSE else None
