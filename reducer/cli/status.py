"""What the CLI prints for people: `echo` for every line, and a live status line on stderr (redrawn in place on a
terminal, a line every few seconds otherwise). Both show names and compiler messages through
`reducer.safety.names`, so no escape sequence in a file name or a message reaches the terminal.

A heartbeat redraws the last status while nothing new is said (a baseline or a pass isolation can run one compiler
for minutes), so the line is never silent for more than `interval` seconds and tells how long the current step has
taken. On a terminal the line is cut to its width, so it never wraps.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from typing import TextIO

import click

from reducer.safety.names import terminal, terminal_line


def echo(text: object = "", err: bool = False) -> None:
    """`click.echo` for text that holds names or compiler messages: controls shown as escapes, lines kept."""
    click.echo(terminal(text), err=err)


class StatusLine:
    def __init__(self, stream: TextIO | None = None, enabled: bool = True, interval: float = 0.2) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        # Logs and CI get a plain line now and then instead of carriage-return redraws.
        self.interval = interval if self.tty else 5.0
        self.heartbeat = 1.0 if self.tty else 4.5  # + the 0.5 s poll: at most 5 s of silence in logs
        self.step_note_after = 2.0  # seconds on one step before the line says so
        self._width = 0
        self._lock = threading.Lock()
        self.start = time.monotonic()
        # On a terminal draw at once; in logs only once a run has lasted a while (short runs stay quiet).
        self._last = 0.0 if self.tty else self.start
        self._text = ""
        self._text_since = self.start
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def update(self, text: str, force: bool = False) -> None:
        if not self.enabled:
            return
        with self._lock:
            now = time.monotonic()
            if text != self._text:
                self._text, self._text_since = text, now
            if self._beat is None:
                self._beat = threading.Thread(target=self._beat_loop, name="status-heartbeat", daemon=True)
                self._beat.start()
            if not force and now - self._last < self.interval:
                return
            self._draw(now, text)

    def _beat_loop(self) -> None:
        while not self._stop.wait(min(0.5, self.heartbeat / 2)):
            with self._lock:
                now = time.monotonic()
                if now - self._last < self.heartbeat or not self._text:
                    continue
                step = now - self._text_since
                text = self._text + (f" ({step:.0f}s on this step)" if step >= self.step_note_after else "")
                try:
                    self._draw(now, text)
                except (OSError, ValueError):  # the stream went away (a closed pipe, a finished test runner)
                    return

    def _draw(self, now: float, text: str) -> None:
        """Caller holds the lock."""
        self._last = now
        line = f"[{now - self.start:6.1f}s] {terminal_line(text)}"
        if self.tty:
            columns = shutil.get_terminal_size((100, 24)).columns
            if len(line) > columns - 1:
                line = line[: max(0, columns - 2)] + "…"
            pad = max(0, self._width - len(line))
            self.stream.write("\r" + line + " " * pad)
            self._width = len(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def done(self) -> None:
        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=2)
        if self.enabled and self.tty and self._width:
            with self._lock:
                self.stream.write("\n")
                self.stream.flush()
                self._width = 0
