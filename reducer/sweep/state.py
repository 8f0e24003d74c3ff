"""The sweep's memory: append-only JSONL, one line per finished check or reduction; reading it back is the
resume.

Every line is checked against its entry's schema (`safety.artifacts`): a line that is not an entry (cut short by a
kill or a full disk, not JSON, not an object, a wrong type, a missing key) is reported as BROKEN and skipped, so
that piece of work is done again; the finished entries around it are kept. Every append starts on a fresh line
(`atomic.append_line`), so a torn last line never swallows the next entry. A symbolic link at the state file is
refused (ELOOP naming it), never read or written through.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reducer.proc import atomic
from reducer.safety import artifacts
from reducer.safety.artifacts import BrokenArtifact, Unusable

STATE = "state.jsonl"
MAX_LINE = 1024 * 1024  # bytes of one entry: the largest (a bare crash's stack) is a few KiB
_ENTRIES = {"check": artifacts.CHECK_ENTRY, "reduce": artifacts.REDUCE_ENTRY}


class State:
    """Append-only JSONL: one line per finished check or reduction. Reading it back is the resume."""

    def __init__(self, path: Path, unusable: Unusable | None = None) -> None:
        self.path = path
        self.checks: dict[str, dict[str, Any]] = {}
        self.reductions: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        unusable = unusable if unusable is not None else Unusable()
        for number, line, ended in _lines(path):
            try:
                entry = _entry(line, f"{path}:{number}", ended)
            except BrokenArtifact as err:
                unusable.add(err.broken)
                continue
            if entry["kind"] == "check":
                if _stale_id(entry):
                    continue  # its id was made by an older scheme: checked again
                self.checks[entry["key"]] = entry
            else:
                self.reductions[reduction_key(entry)] = entry

    def append(self, entry: dict[str, Any]) -> None:
        """One entry at the end of the file (an OSError names the file: a full disk says where)."""
        with self._lock:
            atomic.append_line(self.path, json.dumps(entry, sort_keys=True))
            if entry["kind"] == "check":
                self.checks[entry["key"]] = entry
            else:
                self.reductions[reduction_key(entry)] = entry

    def reductions_of(self, sig_id: str) -> list[dict[str, Any]]:
        return [e for e in self.reductions.values() if e.get("id") == sig_id]


def _lines(path: Path) -> Iterator[tuple[int, bytes, bool]]:
    """(line number, bytes, whether a newline ended it) of each line of `path`; none when it does not exist. A
    line longer than MAX_LINE comes as its first MAX_LINE + 1 bytes, unended (the rest is never held)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return
    except OSError as err:
        raise (atomic.link_refused(path) if err.errno == errno.ELOOP else atomic.named(err, path)) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # a folder, a FIFO, a device
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    with os.fdopen(fd, "rb") as fh:
        number = 0
        while line := fh.readline(MAX_LINE + 1):
            number += 1
            ended = line.endswith(b"\n")
            if not ended and len(line) > MAX_LINE:
                while (rest := fh.readline(MAX_LINE)) and not rest.endswith(b"\n"):
                    pass  # the rest of an overlong line
                yield number, line, False  # its first MAX_LINE + 1 bytes: `_entry` says it is too long
                continue
            if line.strip():
                yield number, line, ended


def _entry(line: bytes, where: str, ended: bool) -> dict[str, Any]:
    """The entry on one line, checked against its kind's schema; BrokenArtifact naming the line when it is none."""
    if len(line) > MAX_LINE:
        raise BrokenArtifact(where, artifacts.STATE_KIND, f"longer than {MAX_LINE} bytes")
    try:
        entry = artifacts.parse(line, where, artifacts.STATE_KIND, artifacts.Obj({"kind": str}, required=("kind",)))
    except BrokenArtifact as err:
        if not ended and "JSON" in err.broken.why:
            why = "cut short (a kill or a full disk while it was written): that work is done again"
            raise BrokenArtifact(where, artifacts.STATE_KIND, why) from None
        raise
    schema = _ENTRIES.get(entry["kind"])
    if schema is None:
        raise BrokenArtifact(where, artifacts.STATE_KIND, f"`kind` {entry['kind']!r} is neither check nor reduce")
    artifacts.check(entry, where, artifacts.STATE_KIND, schema)
    if entry["kind"] == "check":
        why = _unknown(entry) or _unknown(entry.get("signature") or {}, "signature.")
        if why:
            raise BrokenArtifact(where, artifacts.STATE_KIND, why)
    return entry


def _unknown(fields: dict[str, Any], where: str = "") -> str | None:
    """Which of a check entry's stage and outcome (or its signature's) this reducer does not know."""
    from reducer.failure.outcome import Outcome
    from reducer.stage import table as stages

    if "stage" in fields and stages.find(fields["stage"]) is None:
        return f"unknown {where}stage {fields['stage']!r}"
    if "outcome" in fields and fields["outcome"] not in Outcome._value2member_map_:
        return f"unknown {where}outcome {fields['outcome']!r}"
    return None


def _stale_id(entry: dict[str, Any]) -> bool:
    """An entry whose id today's reducer makes another way: a crash checked when ids hashed frames (they vary by
    run), a capacity overflow checked when it was a diagnostic-error (now a resource limit)."""
    from reducer.failure.signature import stale_id

    return stale_id(str(entry.get("outcome")), str(entry.get("title") or ""), int(entry.get("id_scheme") or 1))


def reduction_key(entry: dict[str, Any]) -> str:
    """One reduction per signature and kernel (a state file of older sweeps has one per signature)."""
    return f"{entry['id']}/{entry['kernel']}" if entry.get("kernel") else str(entry["id"])
