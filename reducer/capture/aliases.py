"""Inside the user's process: module spellings of other triton-ascend releases, resolved to the installed ones.

`install` (called by the capture hook) makes them as soon as `triton.language.extra` is imported, so
`import triton.language.extra.cann.libdevice`, `importlib.import_module(...)` and `tl.extra.cann.libdevice.exp`
all work as they do on the release the code was written for. A spelling the installed wheel really has is never
replaced. Each alias is a module object of its own and each builtin read from it a wrapper of its own, so
`aliases_used` can tell which kernels need one: a version incompatibility, recorded on the kernel's unit.
"""

from __future__ import annotations

import functools
import importlib
import importlib.machinery
import os
import sys
import types
from typing import Any

from reducer.capture.shims import ALIASES, ENV_NO_SHIMS, Alias

ALIAS_NAME = "api-alias"  # the incompatibility's name in record.json and the triage
_TRIGGER = "triton.language.extra"
_MADE: dict[str, types.ModuleType] = {}  # spelling -> its alias module
_HANDED_OUT: dict[int, str] = {}  # id of a wrapper an alias returned -> the alias's spelling
_KEEP: list[Any] = []  # the wrappers themselves, so their ids stay theirs


def install() -> None:
    """Make the aliases now if Triton's language is loaded, else right after it is (never twice)."""
    if os.environ.get(ENV_NO_SHIMS):
        return
    if _TRIGGER in sys.modules:
        _make_all()
    elif _AfterLanguage not in sys.meta_path:
        sys.meta_path.insert(0, _AfterLanguage)  # type: ignore[arg-type]


class _AfterLanguage(importlib.machinery.PathFinder):
    """Runs `_make_all` once `triton.language.extra` has executed (it imports the release's own extras)."""

    @classmethod
    def find_spec(cls, fullname, path=None, target=None):  # type: ignore[override]
        if fullname != _TRIGGER:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or spec.loader is None:
            return spec
        run = spec.loader.exec_module

        def exec_module(module: Any) -> None:
            run(module)
            try:
                _make_all()
            except Exception as err:  # never break the user's program
                sys.stderr.write(f"reducer capture: triton-ascend API aliases not installed: {err}\n")

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _make_all() -> None:
    for alias in ALIASES:  # parents come before their children in the table
        if alias.spelling not in _MADE and not _exists(alias.spelling) and _importable(alias.targets[0]):
            _make(alias)


def _exists(name: str) -> bool:
    """The installed wheel has this module itself (an alias never hides it)."""
    if name in sys.modules:
        return True
    parent_name, _, _leaf = name.rpartition(".")
    if parent_name in _MADE:
        return False
    parent = sys.modules.get(parent_name)
    if parent is None and not _exists(parent_name):
        return False
    parent = parent or importlib.import_module(parent_name)
    return importlib.machinery.PathFinder.find_spec(name, getattr(parent, "__path__", None) or []) is not None


def _importable(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def _make(alias: Alias) -> None:
    module = types.ModuleType(alias.spelling, f"reducer capture: {alias.spelling} -> {', '.join(alias.targets)}")
    module.__spec__ = importlib.machinery.ModuleSpec(alias.spelling, None, is_package=True)
    module.__path__ = []  # a package: its unknown submodules are "No module named ...", as on the real release
    module.__getattr__ = functools.partial(_lookup, alias, module)  # type: ignore[method-assign]
    sys.modules[alias.spelling] = module
    _MADE[alias.spelling] = module
    parent_name, _, leaf = alias.spelling.rpartition(".")
    parent = sys.modules.get(parent_name)
    if parent is not None:
        setattr(parent, leaf, module)


def _lookup(alias: Alias, module: types.ModuleType, name: str) -> Any:
    """`alias.name`, found in the installed release; kept on the alias so it is one object per name."""
    if name.startswith("__"):
        raise AttributeError(name)
    renamed = dict(alias.renames).get(name)
    value = _missing = object()
    if renamed is not None:
        where, _, attr = renamed.partition(":")
        value = getattr(importlib.import_module(where), attr)
    elif alias.names is None or name in alias.names:
        for target in alias.targets:
            try:
                value = getattr(importlib.import_module(target), name, _missing)
            except ImportError:
                continue
            if value is not _missing:
                break
    if value is _missing:
        raise AttributeError(
            f"module {alias.spelling!r} has no attribute {name!r}: {alias.release} has it, the installed "
            f"triton-ascend does not ({', '.join(alias.targets)})"
        )
    value = _own(value, alias.spelling)
    setattr(module, name, value)
    return value


def _own(value: Any, spelling: str) -> Any:
    """A builtin as a wrapper of its own (so a kernel holding it can be told); anything else as it is."""
    if not (isinstance(value, types.FunctionType) and getattr(value, "__triton_builtin__", False)):
        return value

    @functools.wraps(value)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return value(*args, **kwargs)

    _HANDED_OUT[id(wrapper)] = spelling
    _KEEP.append(wrapper)
    return wrapper


def aliases_used(jit: Any, _depth: int = 0, _seen: set[int] | None = None) -> set[str]:
    """The alias spellings a kernel reaches: in its source, its globals and closure, and the @jit functions it
    calls. Empty when no alias was made (the installed release spells everything the code uses)."""
    if not _MADE:
        return set()
    seen = _seen if _seen is not None else set()
    fn = getattr(jit, "fn", None)
    if fn is None or id(fn) in seen or _depth > 8:
        return set()
    seen.add(id(fn))
    source = getattr(jit, "src", "") or ""
    found = {s for s in _MADE if s.removeprefix("triton.language.") in source}
    code = getattr(fn, "__code__", None)
    names = code.co_names if code is not None else ()
    scope = getattr(fn, "__globals__", {})
    values = [scope[n] for n in names if n in scope] + [c.cell_contents for c in fn.__closure__ or () if _full(c)]
    for value in values:
        if isinstance(value, types.ModuleType) and value.__name__ in _MADE and _MADE[value.__name__] is value:
            found.add(value.__name__)
        elif id(value) in _HANDED_OUT:
            found.add(_HANDED_OUT[id(value)])
        elif _is_jit(value):  # another @jit function the kernel calls
            found |= aliases_used(value, _depth + 1, seen)
    return found


def _is_jit(value: Any) -> bool:
    return not isinstance(value, types.ModuleType) and hasattr(value, "fn") and hasattr(value, "src")


def _full(cell: Any) -> bool:
    try:
        cell.cell_contents  # noqa: B018
    except ValueError:
        return False
    return True


def incompatibility(jit: Any) -> dict[str, Any]:
    """The record.json fields of a kernel that needs an alias (none when it needs none)."""
    used = sorted(aliases_used(jit))
    if not used:
        return {}
    by_spelling = {a.spelling: a for a in ALIASES}
    parts = [f"{s} (-> {by_spelling[s].targets[0]})" for s in used]
    release = by_spelling[used[0]].release
    return {
        "incompatibility": {
            "name": ALIAS_NAME,
            "kind": "version",
            "summary": f"written for {release}: uses {', '.join(parts)}",
            "aliases": used,
        }
    }
