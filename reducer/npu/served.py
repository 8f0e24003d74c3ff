"""A module of the stand-in built from a table (name -> the function that makes its contents): `torch_npu` and its
submodules, CANN's `tbe`. A submodule the table has is imported on first attribute use, as the real packages
import their own; any other name is refused in one line (`Unsupported`, `UnsupportedModule`)."""

from __future__ import annotations

import functools
import importlib
import types
from collections.abc import Callable
from typing import Any

from reducer.npu import Unsupported, UnsupportedModule

Table = dict[str, Callable[[], dict[str, Any]]]
# (module, attribute) -> what the stand-in gives for a name outside the table, or None to refuse it
Fallback = Callable[[str, str], Any]


def module_from(name: str, table: Table, packages: set[str] | frozenset[str], *, doc: str | None = None,
                fallback: Fallback | None = None) -> types.ModuleType:
    """The module `name` as the table makes it, refused if the table has none."""
    build = table.get(name)
    if build is None:
        raise UnsupportedModule(name)
    module = types.ModuleType(name, doc or (build.__doc__ or "").strip() or None)
    module.__dict__.update(build())
    if name in packages:
        module.__path__ = []  # type: ignore[attr-defined]
    module.__getattr__ = functools.partial(_missing, name, table, fallback)  # type: ignore[attr-defined]
    return module


def _missing(module: str, table: Table, fallback: Fallback | None, attr: str) -> Any:
    if attr.startswith("__"):
        raise AttributeError(attr)
    if f"{module}.{attr}" in table:
        return importlib.import_module(f"{module}.{attr}")
    found = fallback(module, attr) if fallback is not None else None
    if found is None:
        raise Unsupported(f"{module}.{attr}")
    return found
