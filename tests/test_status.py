"""The live status line: a heartbeat while nothing new is said, and never wider than the terminal."""

from __future__ import annotations

import io
import os
import time

from reducer.cli.status import StatusLine


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_heartbeat_keeps_a_long_step_visible() -> None:
    stream = io.StringIO()
    line = StatusLine(stream=stream)
    line.heartbeat, line.step_note_after = 0.1, 0.05
    line.update("baseline: running bishengir-compile")
    time.sleep(0.6)
    line.done()
    lines = stream.getvalue().splitlines()
    assert len(lines) >= 3, lines  # nothing new was said, yet the line kept coming
    assert all("baseline: running bishengir-compile" in x for x in lines)
    assert "s on this step)" in lines[-1]
    time.sleep(0.3)
    assert len(stream.getvalue().splitlines()) == len(lines)  # done() stops the heartbeat


def test_terminal_line_is_cut_to_its_width(monkeypatch) -> None:
    monkeypatch.setattr("shutil.get_terminal_size", lambda fallback=None: os.terminal_size((40, 24)))
    stream = _Tty()
    line = StatusLine(stream=stream)
    line.update("x" * 200, force=True)
    line.done()
    drawn = stream.getvalue().split("\r")[-1].rstrip("\n")
    assert len(drawn) <= 39 and drawn.endswith("…")
