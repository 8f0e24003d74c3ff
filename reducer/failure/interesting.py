"""Interestingness: "still shows the same bug". A different bug is slipped, never interesting."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from reducer.failure.outcome import Outcome
from reducer.failure.replay import Replay, clamp_to_deadline
from reducer.failure.signature import Expectation
from reducer.proc.groups import owned_tempdir
from reducer.proc.run import run_process


@dataclass
class SignatureTest:
    """Callable predicate: replay the stage, compare signatures; counts what it saw."""

    replay: Replay
    expectation: Expectation
    attempts: int = 1  # > 1 only for flaky failures: interesting if any attempt shows the bug
    slipped: Counter[str] = field(default_factory=Counter)  # another bug: signature id -> candidates
    timeouts: int = 0  # candidates that ran past the per-test limit: too slow to tell, not another bug
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, text: str) -> bool:
        for _ in range(self.attempts):
            obs = self.replay.observe(text)
            if self.expectation.met_by(obs.signature):
                return True
            if obs.cut_short:
                return False  # the deadline, not the candidate, ended the run
            with self._lock:
                if obs.outcome is Outcome.TIMEOUT:
                    self.timeouts += 1
                elif obs.signature is not None:
                    self.slipped[obs.signature.id] += 1
            if not obs.outcome.is_failure:
                break  # passing or invalid input: repeating will not make it fail
        return False


@dataclass
class ScriptTest:
    """A user's interestingness script (C-Vise / llvm-reduce style): exit 0 = interesting."""

    script: Path
    suffix: str
    timeout: float
    deadline: float | None = None  # time.monotonic() by which the script must end (--max-time)

    def __call__(self, text: str) -> bool:
        with owned_tempdir("test") as tmp:
            path = Path(tmp, "candidate" + self.suffix)
            path.write_text(text)
            limit = clamp_to_deadline(self.timeout, self.deadline)
            done = run_process([str(self.script.resolve()), str(path)], timeout=limit, cwd=tmp)
            return done.returncode == 0
