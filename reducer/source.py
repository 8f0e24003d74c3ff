"""Reading a user's IR file: refuse what is not MLIR, and tell which stage it feeds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from reducer.errors import InputError
from reducer.toolchain import Stage

MAX_BYTES = 64 * 1024 * 1024

# TTIR holds tt.func / tt.* ops; the adapter's linalg output has func.func and no tt.func.
_TTIR = re.compile(r"\btt\.func\b|\"tt\.func\"")
_LINALG = re.compile(r"\bfunc\.func\b|\"func\.func\"|\blinalg\.|\bhivm\.|\bhacc\.|\bmemref\.")
_MLIR_HINT = re.compile(r"\bmodule\b|\bfunc\b|\"builtin\.module\"|^\s*%\w+\s*=", re.M)


@dataclass(frozen=True)
class Source:
    path: Path | None
    text: str
    stage: Stage


def read_text(path: Path) -> str:
    """The file's text, or a one-line InputError naming what is wrong with it."""
    if str(path) == "-":
        raise InputError("reading from stdin is not supported", "pass a file path")
    if not path.exists():
        raise InputError(f"{path}: no such file", "check the path")
    if path.is_dir():
        raise InputError(f"{path}: is a directory", "pass an .mlir/.ttir/.ttadapter file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError(f"{path}: {size} bytes is too large for an IR file", "pass one kernel's IR")
    data = path.read_bytes()
    if not data.strip():
        raise InputError(f"{path}: file is empty", "pass the kernel's dumped IR (see `reducer capture`)")
    if b"\0" in data:
        raise InputError(f"{path}: binary file, not MLIR text", "pass the .ttir or .ttadapter text dump")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text ({err.reason})", "pass an MLIR text file") from None
    if not _MLIR_HINT.search(text):
        raise InputError(f"{path}: does not look like MLIR (no module or func)", "pass a .ttir or .ttadapter dump")
    return text


def infer_stage(text: str) -> Stage | None:
    if _TTIR.search(text):
        return Stage.ADAPTER
    if _LINALG.search(text):
        return Stage.BISHENGIR
    return None


def load(path: Path, stage: Stage | None = None) -> Source:
    text = read_text(path)
    inferred = infer_stage(text)
    if stage is None:
        if inferred is None:
            raise InputError(
                f"{path}: cannot tell which stage this IR feeds (no tt.func, no func.func)",
                "pass --stage adapter or --stage bishengir",
            )
        stage = inferred
    elif inferred is not None and inferred is not stage:
        want = "TTIR (tt.func)" if stage is Stage.ADAPTER else "linalg (func.func)"
        raise InputError(
            f"{path}: holds {'TTIR' if inferred is Stage.ADAPTER else 'linalg'} IR, not {want}",
            f"use --stage {inferred.value}",
        )
    return Source(path=path, text=text, stage=stage)
