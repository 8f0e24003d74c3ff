"""A live status line on stderr: redrawn in place on a terminal, a line every few seconds otherwise."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO


class StatusLine:
    def __init__(self, stream: TextIO | None = None, enabled: bool = True, interval: float = 0.2) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        # Logs and CI get a plain line now and then instead of carriage-return redraws.
        self.interval = interval if self.tty else 5.0
        self._width = 0
        self._lock = threading.Lock()
        self.start = time.monotonic()
        # On a terminal draw at once; in logs only once a run has lasted a while (short runs stay quiet).
        self._last = 0.0 if self.tty else self.start

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def update(self, text: str, force: bool = False) -> None:
        if not self.enabled:
            return
        with self._lock:
            now = time.monotonic()
            if not force and now - self._last < self.interval:
                return
            self._last = now
            line = f"[{self.elapsed():6.1f}s] {text}"
            if self.tty:
                pad = max(0, self._width - len(line))
                self.stream.write("\r" + line + " " * pad)
                self._width = len(line)
            else:
                self.stream.write(line + "\n")
            self.stream.flush()

    def done(self) -> None:
        if self.enabled and self.tty and self._width:
            with self._lock:
                self.stream.write("\n")
                self.stream.flush()
                self._width = 0
