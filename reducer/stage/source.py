"""Reading a user's IR file: refuse what is not MLIR, and tell which stage it feeds."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reducer.errors import InputError
from reducer.stage import table as stages
from reducer.stage.table import StageSpec

MAX_BYTES = 64 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"
_ONE_KERNEL = "pass one kernel's IR"

_MLIR_HINT = re.compile(r"\bmodule\b|\bfunc\b|\"builtin\.module\"|^\s*%\w+\s*=", re.M)


@dataclass(frozen=True)
class Source:
    path: Path | None
    text: str
    stage: StageSpec


def open_regular(path: Path, limit: int = MAX_BYTES, what: str = "an IR file", hint: str = _ONE_KERNEL) -> BinaryIO:
    """`path` opened for reading when it is a regular file of at most `limit` bytes, else a one-line InputError.

    The file is opened without blocking and checked on the open descriptor: a FIFO (which would block), a
    device (`/dev/zero`, which never ends) or a folder is refused at once, even one swapped in after a check.
    The caller still reads at most `limit + 1` bytes: the file may grow while it is read."""
    if str(path) == "-":
        raise InputError("reading from stdin is not supported", "pass a file path")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file", "check the path") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory", f"pass one kernel's IR file ({_kinds()})") from None
    fh = os.fdopen(fd, "rb")
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        fh.close()
        if stat.S_ISDIR(st.st_mode):
            raise InputError(f"{path}: is a directory", f"pass one kernel's IR file ({_kinds()})")
        raise InputError(f"{path}: not a regular file (a pipe, socket or device)", f"pass {what} saved to disk")
    if st.st_size > limit:
        fh.close()
        raise InputError(f"{path}: {st.st_size} bytes is too large for {what} (at most {mib(limit)})", hint)
    return fh


def read_regular(path: Path, limit: int = MAX_BYTES, what: str = "an IR file", hint: str = _ONE_KERNEL) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, or a one-line InputError: a FIFO, a device
    (`/dev/zero`) or a folder would block or never end."""
    with open_regular(path, limit, what, hint) as fh:
        data = fh.read(limit + 1)  # the file may have grown since it was opened
    if len(data) > limit:
        raise InputError(f"{path}: more than {limit} bytes is too large for {what} (at most {mib(limit)})", hint)
    return data


def mib(size: int) -> str:
    """A stated limit as people read it: `64 MiB`."""
    return f"{size / (1024 * 1024):.4g} MiB"


def read_text(path: Path) -> str:
    """The file's text, or a one-line InputError naming what is wrong with it."""
    data = read_regular(path)
    if data.startswith(_BOM):
        data = data[len(_BOM) :]  # editors on some systems save one; MLIR's parser does not take it
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
    return Source(path=path, text=text, stage=stage_of(path, text, stage))


def stage_of(path: Path, text: str, stage: StageSpec | None = None) -> StageSpec:
    """`stage` when `text` can feed it, else the stage `text` is recognised as; InputError when neither holds."""
    inferred = stages.infer(text)
    choices = " or ".join(f"--stage {s.name}" for s in stages.all_stages())
    if stage is None:
        if inferred is None:
            raise InputError(f"{path}: cannot tell which stage this IR feeds", f"pass {choices}")
        return inferred
    if inferred is not None and inferred is not stage and stage.recognise is not None:
        raise InputError(
            f"{path}: holds {inferred.input_label} IR, not {stage.input_label} ({stage.tool}'s input)",
            f"use --stage {inferred.name}",
        )
    return stage


def guess_stage(path: Path | None) -> StageSpec | None:
    """The stage a file feeds, by its name or its text; None when it cannot be told (no error: a guess)."""
    if path is None or not path.is_file():
        return None
    try:
        return stages.for_file(path.name) or stages.infer(read_text(path))
    except InputError:
        return None
