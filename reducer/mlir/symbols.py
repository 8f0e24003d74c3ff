"""A kernel's name read from its IR text, with no parse: dumps, logs and repros all need it, parsed or not."""

from __future__ import annotations

import re

# A function op of any dialect (`tt.func`, `func.func`) and its bare symbol, in custom form...
_FUNC = re.compile(r"\b\w+\.func\s+(?:(?:public|private|nested)\s+)?@([\w$.-]+)")
# ...and in generic form.
_GENERIC_FUNC = re.compile(r'sym_name\s*=\s*"([\w$.-]+)"')


def kernel_name(ir: str, *, custom_form_only: bool = False) -> str | None:
    """The kernel's symbol: the function on an `entry` line (linalg), else the first function; the first
    generic-form `sym_name` when no function is in custom form (unless `custom_form_only`)."""
    names = _FUNC.findall(ir) or ([] if custom_form_only else _GENERIC_FUNC.findall(ir))
    if not names:
        return None
    for line in ir.splitlines():
        m = _FUNC.search(line)
        if m and "entry" in line:
            return m.group(1)
    return names[0]
