"""Interestingness: "still shows the same bug". A different bug is slipped, never interesting."""

from __future__ import annotations

import tempfile
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from reducer.replay import Replay
from reducer.runner import run_process
from reducer.signature import Expectation


@dataclass
class SignatureTest:
    """Callable predicate: replay the stage, compare signatures; counts what it saw."""

    replay: Replay
    expectation: Expectation
    attempts: int = 1  # > 1 only for flaky failures: interesting if any attempt shows the bug
    slipped: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, text: str) -> bool:
        for _ in range(self.attempts):
            obs = self.replay.observe(text)
            if self.expectation.met_by(obs.signature):
                return True
            if obs.signature is not None:
                with self._lock:
                    self.slipped[obs.signature.id] += 1
            elif not obs.outcome.is_failure:
                break  # passing or invalid input: repeating will not make it fail
        return False


@dataclass
class ScriptTest:
    """A user's interestingness script (C-Vise / llvm-reduce style): exit 0 = interesting."""

    script: Path
    suffix: str
    timeout: float

    def __call__(self, text: str) -> bool:
        with tempfile.TemporaryDirectory(prefix="reducer-test-") as tmp:
            path = Path(tmp, "candidate" + self.suffix)
            path.write_text(text)
            done = run_process([str(self.script.resolve()), str(path)], timeout=self.timeout, cwd=tmp)
            return done.returncode == 0
