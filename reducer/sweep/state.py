"""The sweep's memory: append-only JSONL, one line per finished check or reduction; reading it back is the
resume, and a line cut short by a kill only means that piece of work is done again."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

STATE = "state.jsonl"


class State:
    """Append-only JSONL: one line per finished check or reduction. Reading it back is the resume."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.checks: dict[str, dict[str, Any]] = {}
        self.reductions: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        if path.exists():
            for line in path.read_text(errors="replace").splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue  # a line cut short by a kill: that work is simply done again
                if entry.get("kind") == "check":
                    if _stale_id(entry):
                        continue  # its id was made by an older scheme: checked again
                    self.checks[entry["key"]] = entry
                elif entry.get("kind") == "reduce":
                    self.reductions[reduction_key(entry)] = entry

    def append(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a") as fh:
                fh.write(json.dumps(entry, sort_keys=True) + "\n")
                fh.flush()
            if entry["kind"] == "check":
                self.checks[entry["key"]] = entry
            else:
                self.reductions[reduction_key(entry)] = entry

    def reductions_of(self, sig_id: str) -> list[dict[str, Any]]:
        return [e for e in self.reductions.values() if e.get("id") == sig_id]


def _stale_id(entry: dict[str, Any]) -> bool:
    """An entry whose id today's reducer makes another way: a crash checked when ids hashed frames (they vary by
    run), a capacity overflow checked when it was a diagnostic-error (now a resource limit)."""
    from reducer.failure.signature import stale_id

    return stale_id(str(entry.get("outcome")), str(entry.get("title") or ""), int(entry.get("id_scheme") or 1))


def reduction_key(entry: dict[str, Any]) -> str:
    """One reduction per signature and kernel (a state file of older sweeps has one per signature)."""
    return f"{entry['id']}/{entry['kernel']}" if entry.get("kernel") else str(entry["id"])
