"""Reading a user's IR file: refuse what is not MLIR, and tell which stage it feeds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from reducer import stages
from reducer.errors import InputError
from reducer.stages import StageSpec

MAX_BYTES = 64 * 1024 * 1024

_MLIR_HINT = re.compile(r"\bmodule\b|\bfunc\b|\"builtin\.module\"|^\s*%\w+\s*=", re.M)


@dataclass(frozen=True)
class Source:
    path: Path | None
    text: str
    stage: StageSpec


def read_text(path: Path) -> str:
    """The file's text, or a one-line InputError naming what is wrong with it."""
    if str(path) == "-":
        raise InputError("reading from stdin is not supported", "pass a file path")
    if not path.exists():
        raise InputError(f"{path}: no such file", "check the path")
    if path.is_dir():
        raise InputError(f"{path}: is a directory", f"pass one kernel's IR file ({_kinds()})")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError(f"{path}: {size} bytes is too large for an IR file", "pass one kernel's IR")
    data = path.read_bytes()
    if not data.strip():
        raise InputError(f"{path}: file is empty", "pass the kernel's dumped IR (see `reducer capture`)")
    if b"\0" in data:
        raise InputError(f"{path}: binary file, not MLIR text", f"pass the text dump ({_kinds()})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text ({err.reason})", "pass an MLIR text file") from None
    if not _MLIR_HINT.search(text):
        raise InputError(f"{path}: does not look like MLIR (no module or func)", f"pass a text dump ({_kinds()})")
    return text


def _kinds() -> str:
    return ", ".join(f".{s.input_kind}" for s in stages.all_stages())


def load(path: Path, stage: StageSpec | None = None) -> Source:
    """Read `path` for `stage`, or for the stage its text is recognised as."""
    text = read_text(path)
    inferred = stages.infer(text)
    choices = " or ".join(f"--stage {s.name}" for s in stages.all_stages())
    if stage is None:
        if inferred is None:
            raise InputError(f"{path}: cannot tell which stage this IR feeds", f"pass {choices}")
        stage = inferred
    elif inferred is not None and inferred is not stage and stage.recognise is not None:
        raise InputError(
            f"{path}: holds {inferred.input_label} IR, not {stage.input_label} ({stage.tool}'s input)",
            f"use --stage {inferred.name}",
        )
    return Source(path=path, text=text, stage=stage)
