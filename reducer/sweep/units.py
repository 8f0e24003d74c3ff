"""The sweep's check units: every distinct IR file under the folder swept, the options it replays with, and the
job that checks it wherever it runs."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reducer.capture.discovery import discover
from reducer.capture.record import RECORD
from reducer.errors import ReducerError
from reducer.failure.outcome import Outcome
from reducer.safety import artifacts
from reducer.safety.artifacts import Broken, Unusable, shown
from reducer.stage.options import Options
from reducer.stage.table import StageSpec
from reducer.sweep.reuse import captured_pass


@dataclass(frozen=True)
class CheckJob:
    """One unit's check as plain data, for wherever it runs (`tasks.check_job`): the file's text travels in it."""

    key: str
    kernel: str
    path: str  # the driver's path: only named in messages and the state file
    stage: str
    options: dict[str, Any]
    size: int
    timeout: float
    text: str | None  # None when the driver could not read the file; `error` says why
    error: str | None = None

    def entry(self) -> dict[str, Any]:
        """What the state file says of this file whatever the outcome."""
        return {
            "kind": "check",
            "key": self.key,
            "kernel": self.kernel,
            "path": self.path,
            "stage": self.stage,
            "options": self.options,
            "bytes": self.size,
        }


@dataclass(frozen=True)
class Unit:
    """One IR file to check: the kernel it belongs to, the stage it replays and the options it was built with."""

    kernel: str
    path: Path
    stage: StageSpec
    options: Options
    digest: str
    size: int
    key: str  # digest + stage + options: what the state file remembers
    captured: Outcome | None = None  # a pass the capture already saw with these binaries: not run again
    copies: tuple[Path, ...] = ()  # identical files elsewhere (other units, debug copies): one check serves all


def units_of(root: Path, options: Options, unusable: Unusable | None = None) -> list[Unit]:
    """Every distinct IR file under `root`, as check units (smallest first). A file a capture recorded is
    replayed with the options it was compiled with; any other file with `options`. What cannot be used (a broken
    record, a file too large) is listed in `unusable`."""
    from reducer.stage.toolchain import fingerprint

    current = fingerprint()
    unusable = unusable if unusable is not None else Unusable()
    units = []
    for ir in discover(root, unusable):
        own = options
        if ir.options is not None:
            try:
                own = Options.from_mapping(ir.options)
            except ReducerError as err:  # the sweep's options, as for a plain dump
                why = f"`npu_options`: {err}; its files are checked with the sweep's options"
                unusable.add(Broken(shown(ir.path.parent / RECORD), artifacts.RECORD_KIND, why))
        salt = json.dumps(own.as_dict(), sort_keys=True, default=str)
        key = hashlib.sha1(f"{ir.digest}:{ir.stage.name}:{salt}".encode()).hexdigest()[:16]
        reused = captured_pass(ir, current)
        units.append(Unit(ir.kernel, ir.path, ir.stage, own, ir.digest, ir.size, key, reused, ir.duplicates))
    return sorted(units, key=lambda u: (u.size, u.kernel))


def _job(unit: Unit, timeout: float, text: str | None = None, error: str | None = None) -> CheckJob:
    return CheckJob(
        unit.key, unit.kernel, str(unit.path), unit.stage.name, unit.options.as_dict(), unit.size, timeout, text,
        error,
    )


def captured_entry(unit: Unit) -> dict[str, Any]:
    """The state entry of a file whose stage the capture already saw pass with these binaries: no run."""
    assert unit.captured is not None
    return {
        **_job(unit, 0.0).entry(),
        "outcome": unit.captured.value,
        "failure": False,
        "id": None,
        "title": unit.captured.label,
        "seconds": 0.0,
        "from": "capture",
    }


def check_job_of(unit: Unit, timeout: float) -> CheckJob:
    """The job that replays `unit` wherever it runs: the file's text goes with it."""
    from reducer.stage.source import read_text

    try:
        return _job(unit, timeout, read_text(unit.path))
    except ReducerError as err:
        return _job(unit, timeout, error=err.one_line())
