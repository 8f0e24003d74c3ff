"""What a file the tool wrote says about how to replay it: its stage, its options, the bug it shows.

Three artifacts carry that, read here and nowhere else: a repro's first line (`// REDUCER-SIGNATURE: {...}`),
a reduction's sidecar (`OUT.mlir.json`), and a capture's `record.json` beside the dumped IR. Every command
that replays a file starts from its provenance, so an option the bug needs travels with it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reducer.capture.record import RECORD
from reducer.errors import InputError, ReducerError
from reducer.failure.signature import Signature
from reducer.stage import table as stages
from reducer.stage.options import Options
from reducer.stage.run_env import RunEnv
from reducer.stage.table import StageSpec

HEADER = "// REDUCER-SIGNATURE: "


@dataclass(frozen=True)
class Provenance:
    stage: StageSpec | None = None
    options: Options | None = None
    expected: Signature | None = None  # a repro header names the bug the file must show
    where: str = ""  # which artifact said so, for messages
    env: RunEnv | None = None  # the knobs the bug was found under (MALLOC_PERTURB_...)


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object from `path`, None when absent; a one-line InputError when it is not one."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(errors="replace"))
    except ValueError:
        raise InputError(f"{path}: not valid JSON", "delete it or write it again") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: not a JSON object", "delete it or write it again")
    return data


def header_of(text: str) -> dict[str, Any] | None:
    """The JSON of a repro's first line, None when the text has no such line."""
    first = text.split("\n", 1)[0]
    if not first.startswith(HEADER):
        return None
    try:
        data = json.loads(first[len(HEADER) :])
    except ValueError:
        data = None
    if not isinstance(data, dict) or "stage" not in data or "outcome" not in data:
        raise InputError("unreadable REDUCER-SIGNATURE header", "fix or delete the file's first line")
    return data


def from_fields(data: dict[str, Any], where: str, *, signature: bool = False, key: str = "options") -> Provenance:
    """Stage and options from one artifact's fields; a repro header's `target` alone is an older form."""
    try:
        stage = stages.find(str(data.get("stage") or ""))
        raw = data.get(key)
        if isinstance(raw, dict):
            options = Options.from_mapping(raw)
        elif data.get("target"):
            options = Options(target=str(data["target"]))
        else:
            options = None
        expected = Signature.from_dict(data) if signature else None
        env = RunEnv.from_mapping(data["env"]) if isinstance(data.get("env"), dict) else None
    except ReducerError as err:
        raise InputError(f"{where}: {err}", "fix or delete that file") from None
    return Provenance(stage, options, expected, where, env)


def provenance(path: Path, text: str | None = None) -> Provenance:
    """What `path` (or the artifacts beside it) says about how it fails; empty when nothing does."""
    if text is None:
        try:
            text = path.read_text(errors="replace")
        except OSError:
            text = ""
    try:
        header = header_of(text)
    except InputError as err:
        raise InputError(f"{path}: {err}", err.hint) from None
    if header is not None:
        return from_fields(header, f"{path} (repro header)", signature=True)
    car = read_json(sidecar_path(path))
    if car is not None:
        return from_fields(car, str(sidecar_path(path)))
    record = read_json(path.parent / RECORD)
    if record is not None:
        # One capture folder holds every stage's input: the file's suffix tells which one this is.
        found = from_fields(record, str(path.parent / RECORD), key="npu_options")
        return Provenance(stages.for_file(path.name), found.options, None, found.where, found.env)
    return Provenance()
