"""What the tool reads back from disk is checked before anything uses it: one schema per artifact kind, here and
nowhere else (a capture's record.json and index.json, a sweep's state.jsonl entries, a repro's header, a
reduction's sidecar, a fit search's fit.json).

An artifact that fails its schema (not JSON, nested too deep, a wrong type where a field is read, a name that is
not one path component) is `BrokenArtifact`: a one-line InputError naming the file and why. A run over many
artifacts (a sweep, a recheck, a capture listing) keeps going without it and lists it as `Broken` (one line on
stderr and in triage.json); a command given that one file refuses it in one line.

A field that is absent or null is not checked: every reader treats it as absent (`null` fields are dropped at
the top level). Fields a schema does not name are kept as they are, unread by the tool.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reducer.errors import InputError

MAX_DEPTH = 64  # nesting levels: the deepest artifact the tool writes has 6; the JSON decoder dies near 1000
MAX_BYTES = 32 * 1024 * 1024  # the largest record.json holds a compiler's stderr with an IR dump in it


# --- what was not used -------------------------------------------------------------------------------------


def shown(path: object) -> str:
    """`path` as text that any sink can hold: bytes that are not UTF-8 (a file name can hold any) as `\\xff`."""
    text = os.fspath(path) if isinstance(path, os.PathLike) else str(path)
    return os.fsencode(text).decode("utf-8", "backslashreplace")


def is_utf8(path: object) -> bool:
    """Whether a path (as the file system gave it) is UTF-8: one that is not cannot be written into a triage."""
    try:
        (os.fspath(path) if isinstance(path, os.PathLike) else str(path)).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class Broken:
    """An artifact a run could not use: its path, what kind of artifact it is, and why."""

    path: str
    kind: str
    why: str

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "kind": self.kind, "why": self.why}

    def line(self) -> str:
        return f"BROKEN {self.kind} {self.path}: {self.why}"


@dataclass(frozen=True)
class Skipped:
    """An input file a run did not read: too large, or not a regular file."""

    path: str
    bytes: int | None
    why: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "bytes": self.bytes, "why": self.why}


class BrokenArtifact(InputError):
    """An artifact that fails its kind's schema; `broken` says which and why."""

    def __init__(self, path: object, kind: str, why: str) -> None:
        self.broken = Broken(shown(path), kind, why)
        super().__init__(f"{self.broken.path}: broken {kind}: {why}", "fix or delete that file")


@dataclass
class Unusable:
    """What a run met and could not use, reported instead of stopping the run (thread-safe, one entry a path)."""

    broken: list[Broken] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, item: Broken | Skipped) -> None:
        with self._lock:
            kept: list[Any] = self.broken if isinstance(item, Broken) else self.skipped
            if all(old.path != item.path for old in kept):
                kept.append(item)


# --- schemas -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seq:
    """A JSON array whose every item is `item`."""

    item: Any


@dataclass(frozen=True)
class Map:
    """A JSON object with any keys, every value `value`."""

    value: Any


@dataclass(frozen=True)
class Obj:
    """A JSON object: the named fields have their spec when present and not null; `required` must be there."""

    fields: dict[str, Any]
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class Check:
    """Text that passes `test`; `what` says what it must be."""

    what: str
    test: Callable[[str], bool]


# One path component (a file in the artifact's own folder), and a relative path that stays inside it.
NAME = Check("a file name", lambda s: s not in ("", ".", "..") and "/" not in s and "\0" not in s)
INSIDE = Check("a relative path inside its folder",
               lambda s: bool(s) and not s.startswith("/") and ".." not in s.split("/") and "\0" not in s)
ANY = object
TEXT = str
NUMBER = (int, float)
_TYPE_WORDS = {dict: "an object", list: "an array", str: "text", bool: "a boolean", int: "a number",
               float: "a number", type(None): "null"}


def _kind_of(value: object) -> str:
    return _TYPE_WORDS.get(type(value), type(value).__name__)


def _expected(spec: Any) -> str:
    if isinstance(spec, (Obj, Map)):
        return "an object"
    if isinstance(spec, Seq):
        return "an array"
    if isinstance(spec, Check):
        return spec.what
    types = spec if isinstance(spec, tuple) else (spec,)
    return " or ".join(dict.fromkeys(_TYPE_WORDS.get(t, t.__name__) for t in types))


def problem(value: object, spec: Any, where: str = "") -> str | None:
    """Why `value` does not fit `spec` (naming the field, `files.ttir`), None when it does."""
    here = f"`{where}` " if where else ""
    if spec is ANY:
        return None
    if isinstance(spec, Check):
        if not isinstance(value, str):
            return f"{here}is {_kind_of(value)}, not {spec.what}"
        return None if spec.test(value) else f"{here}is not {spec.what}"
    if isinstance(spec, (Obj, Map)):
        if not isinstance(value, dict):
            return f"{here}is {_kind_of(value)}, not an object"
        if isinstance(spec, Map):
            return next((p for k, v in value.items() if (p := problem(v, spec.value, _join(where, k)))), None)
        missing = next((k for k in spec.required if value.get(k) is None), None)
        if missing is not None:
            return f"`{_join(where, missing)}` is missing"
        present = [(k, s) for k, s in spec.fields.items() if value.get(k) is not None]
        return next((p for k, s in present if (p := problem(value[k], s, _join(where, k)))), None)
    if isinstance(spec, Seq):
        if not isinstance(value, list):
            return f"{here}is {_kind_of(value)}, not an array"
        return next((p for i, v in enumerate(value) if (p := problem(v, spec.item, f"{where}[{i}]"))), None)
    if not isinstance(value, spec) or (isinstance(value, bool) and bool not in _tuple(spec)):
        return f"{here}is {_kind_of(value)}, not {_expected(spec)}"
    return None


def _tuple(spec: Any) -> tuple[type, ...]:
    return spec if isinstance(spec, tuple) else (spec,)


def _join(where: str, key: object) -> str:
    return f"{where}.{key}" if where else str(key)


def shape_problem(value: object, limit: int = MAX_DEPTH) -> str | None:
    """What makes `value` unusable whatever its schema: nesting deeper than `limit`, or text (a key or a value)
    that is not UTF-8 (JSON can spell a lone surrogate, `\\udcff`; no file the tool writes can hold one). Walked
    without recursion."""
    todo = [(value, 1)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, str) and not is_utf8(item):
            return "it holds text that is not UTF-8"
        if isinstance(item, (dict, list)):
            if depth > limit:
                return f"nested deeper than {limit} levels"
            todo += [(v, depth + 1) for v in (item.values() if isinstance(item, dict) else item)]
            todo += [(k, depth) for k in item if isinstance(item, dict)]
    return None


# --- reading -----------------------------------------------------------------------------------------------


def parse(text: str | bytes, path: object, kind: str, schema: Any) -> dict[str, Any]:
    """The JSON object in `text` if it fits `schema`, top-level nulls dropped; else BrokenArtifact."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise BrokenArtifact(path, kind, f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as err:  # JSONDecodeError, and bytes that are not UTF-8
        raise BrokenArtifact(path, kind, f"not valid JSON ({type(err).__name__})") from None
    why = shape_problem(data)
    if why is not None:
        raise BrokenArtifact(path, kind, why)
    check(data, path, kind, schema)
    return {k: v for k, v in data.items() if v is not None}


def check(data: object, path: object, kind: str, schema: Any) -> None:
    """BrokenArtifact naming `path` and the first field of `data` that does not fit `schema`."""
    why = problem(data, schema)
    if why is not None:
        raise BrokenArtifact(path, kind, why if why.startswith("`") else f"it {why}")


def read(path: Path, kind: str, schema: Any, limit: int = MAX_BYTES) -> dict[str, Any] | None:
    """The artifact at `path` checked against `schema`; None when there is none; BrokenArtifact when it is not a
    regular file of at most `limit` bytes or fails its schema. Never blocks on a FIFO."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as err:
        raise BrokenArtifact(path, kind, f"cannot be read ({err.strerror})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # a folder, a FIFO, a device (fdopen refuses a folder)
        os.close(fd)
        raise BrokenArtifact(path, kind, "not a regular file")
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise BrokenArtifact(path, kind, f"larger than {limit // (1024 * 1024)} MiB")
    return parse(data, path, kind, schema)


# --- the artifacts -----------------------------------------------------------------------------------------

_SHIM = Obj({"name": TEXT, "summary": TEXT})
_RESOURCE = Obj({"kind": TEXT, "requires_bits": (int, str), "available_bits": (int, str), "ratio": NUMBER})
# A stored signature (repro header, state entry, sidecar, report's signature.json): what Signature.from_dict reads.
SIGNATURE_FIELDS: dict[str, Any] = {
    "stage": TEXT, "outcome": TEXT, "message": TEXT, "failing_pass": TEXT, "frames": Seq(TEXT), "detail": TEXT,
    "stack": Seq(TEXT), "resource": _RESOURCE, "id": TEXT, "strict_id": TEXT, "title": TEXT,
}
SIGNATURE = Obj(SIGNATURE_FIELDS, required=("stage", "outcome"))
# What FoundWith.from_fields reads from any artifact that carries it.
FOUND_WITH_FIELDS: dict[str, Any] = {
    "stage": TEXT, "options": Map(ANY), "target": TEXT, "env": Map((str, int, bool)), "versions": Map(TEXT),
    "tool_version": TEXT, "releases": Map(TEXT), "verdict": TEXT,
}

RECORD_KIND = "capture record"
RECORD = Obj({
    "kernel": TEXT, "qualname": TEXT, "module": TEXT, "fn_qualname": TEXT, "source": TEXT, "target": TEXT,
    "cwd": TEXT, "import_path": Seq(TEXT), "attrs": TEXT, "outcome": TEXT, "failed_stage": TEXT, "replay": TEXT,
    "detail": TEXT, "error": TEXT, "files": Map(NAME), "file_sha1": Map(TEXT), "npu_options": Map(ANY),
    "launch_options": Map(ANY), "constants": Map(ANY), "signature": Map(ANY), "grid": Seq(ANY),
    "shims": Seq(_SHIM), "incompatibility": Obj({"name": TEXT, "kind": TEXT, "summary": TEXT, "aliases": Seq(TEXT)}),
    "execution": Obj({"status": TEXT, "seconds": NUMBER, "reason": TEXT, "counts": Map(int)}),
    "toolchain": Map(ANY), "autotune_config": Map(ANY), "autotune_index": int, "autotune_configs": int,
    "seconds": NUMBER, "returncode": int, "pid": int, "args": Map(Map(ANY)), "arg_order": Seq(TEXT), "data": TEXT,
    "source_sha1": TEXT,
})

INDEX_KIND = "capture index"
INDEX = Obj({"format": TEXT, "kernels": Seq(Map(ANY)), "command": Seq(TEXT), "mode": TEXT, "target": TEXT,
             "returncode": int, "seconds": NUMBER})

STATE_KIND = "state entry"
CHECK_ENTRY = Obj({
    "kind": TEXT, "key": TEXT, "kernel": TEXT, "path": TEXT, "stage": TEXT, "options": Map(ANY), "bytes": int,
    "outcome": TEXT, "failure": bool, "bug": bool, "id": TEXT, "id_scheme": int, "title": TEXT, "seconds": NUMBER,
    "resource": _RESOURCE, "signature": SIGNATURE, "from": TEXT, "anomaly": TEXT, "group": TEXT,
}, required=("key", "kernel", "path", "stage", "outcome", "bytes", "title"))
REDUCE_ENTRY = Obj({
    "kind": TEXT, "id": TEXT, "kernel": TEXT, "example": TEXT, "repros": TEXT, "status": TEXT, "repro": TEXT,
    "reduced": TEXT, "note": TEXT, "ops": TEXT, "tests": int, "seconds": NUMBER, "stopped": (bool, str),
    "skeleton": Seq(TEXT), "triggered_by": Seq(TEXT),
}, required=("id",))

HEADER_KIND = "repro header"
HEADER = Obj({**SIGNATURE_FIELDS, **FOUND_WITH_FIELDS, "class": TEXT, "anomaly": TEXT},
             required=("stage", "outcome"))

SIDECAR_KIND = "reduce sidecar"
_SIZE = Obj({"ops": int, "bytes": int, "lines": int, "path": TEXT})
SIDECAR = Obj({**FOUND_WITH_FIELDS, "signature": SIGNATURE, "input": _SIZE, "output": _SIZE,
               "tests": int, "final_check": TEXT})

FIT_KIND = "fit result"
FIT = Obj({
    "kind": TEXT, "requires_bits": int, "available_bits": int, "ratio": NUMBER, "tried": int, "implied": int,
    "seconds": NUMBER, "cache_hits": int, "summary": TEXT, "reason": TEXT, "input_sha1": TEXT, "kernel": TEXT,
    "fit": Obj({"config": Map(ANY), "changes": ANY, "requires_bits": int, "ir": INSIDE}, required=("ir",)),
    "anomaly": Obj({"rule": TEXT, "detail": TEXT}, required=("rule", "detail")),
})
