"""Content hash -> verdict, so a candidate proposed twice (by two passes, or two rounds) is tested once."""

from __future__ import annotations

import hashlib
import threading


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class ResultCache:
    """Thread-safe; a hit is counted by the problem, not here, and never counts as a test."""

    def __init__(self) -> None:
        self._verdicts: dict[str, bool] = {}
        self._lock = threading.Lock()

    def get(self, text: str) -> bool | None:
        with self._lock:
            return self._verdicts.get(digest(text))

    def put(self, text: str, interesting: bool) -> None:
        with self._lock:
            self._verdicts[digest(text)] = interesting

    def __len__(self) -> int:
        with self._lock:
            return len(self._verdicts)
