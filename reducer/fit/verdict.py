"""One candidate's stage input, run through the stage that hit the limit: it fits, it overflows (by how much), or
it fails some other way. Verdicts are cached by the input's text, the stage, its options and the binaries."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from reducer.failure.outcome import Outcome
from reducer.failure.replay import Replay
from reducer.failure.resource import resource_limit
from reducer.fit.terms import FAILS, FITS, OVERFLOWS
from reducer.proc import atomic
from reducer.stage.options import Options
from reducer.stage.table import StageSpec, optional_flags


@dataclass(frozen=True)
class Verdict:
    status: str  # FITS, OVERFLOWS or FAILS
    outcome: str
    requires_bits: int | None = None
    available_bits: int | None = None
    kind: str | None = None
    title: str = ""
    seconds: float = 0.0
    # A capacity diagnostic printed by an attempt before the one that fitted (the tool retries other settings).
    overflowed_first: bool = False


# Bumped when a verdict says more than before (2: a fit's bits on A5): older entries are not reused.
CACHE_FORMAT = 2

# What the A5 binary prints with `--enable-print-memory-allocated-size` (one line per attempt).
_ALLOCATED = re.compile(r"Allocated (\w+) size = (\d+) bits")


def judge(stage: StageSpec, options: Options, text: str, timeout: float) -> Verdict:
    if options.compile_on_910_95 and "print_ub_bits" in optional_flags():  # the one binary that prints its usage
        options = replace(options, extra={**options.extra, "print_ub_bits": "True"})
    obs = Replay(stage, options, timeout=timeout).observe(text)
    limit = resource_limit(obs.run.stderr)
    seconds = round(obs.run.seconds, 3)
    if obs.outcome in (Outcome.PASSED, Outcome.PASSED_MLIR):
        used = _ALLOCATED.findall(f"{obs.run.stdout}\n{obs.run.stderr}")  # printed on stdout
        return Verdict(FITS, obs.outcome.value, int(used[-1][1]) if used else None, None,
                       used[-1][0].lower() if used else None, seconds=seconds, overflowed_first=limit is not None)
    if limit is not None and not obs.outcome.is_crash and obs.outcome is not Outcome.TIMEOUT:
        return Verdict(OVERFLOWS, obs.outcome.value, limit.requires_bits, limit.available_bits, limit.kind,
                       seconds=seconds)
    title = obs.signature.message if obs.signature is not None and obs.signature.message else obs.outcome.label
    return Verdict(FAILS, obs.outcome.value, title=title[:200], seconds=seconds)


class VerdictCache:
    """Verdicts by key, in memory and in an append-only JSON-lines file (a later run or unit reuses them)."""

    def __init__(self, path: Path | None, identity: dict[str, str]) -> None:
        self.path = path
        self.salt = json.dumps({**identity, "format": CACHE_FORMAT}, sort_keys=True)
        self.lock = threading.Lock()
        self.known: dict[str, Verdict] = {}
        self.hits = 0
        if path is not None and path.is_file():
            for line in path.read_text(errors="replace").splitlines():
                try:
                    entry = json.loads(line)
                    self.known[entry["key"]] = Verdict(**entry["verdict"])
                except (ValueError, KeyError, TypeError):
                    continue  # a torn last line from an interrupted run

    def key(self, stage: StageSpec, options: Options, text: str) -> str:
        opts = json.dumps(options.as_dict(), sort_keys=True, default=str)
        return hashlib.sha1(f"{self.salt}\0{stage.name}\0{opts}\0{text}".encode()).hexdigest()

    def judge(self, stage: StageSpec, options: Options, text: str, timeout: float) -> Verdict:
        key = self.key(stage, options, text)
        with self.lock:
            if key in self.known:
                self.hits += 1
                return self.known[key]
        verdict = judge(stage, options, text, timeout)
        with self.lock:
            self.known[key] = verdict
            if self.path is not None:
                atomic.append_line(self.path, json.dumps({"key": key, "verdict": asdict(verdict)}))
        return verdict
