"""While the user's command runs under capture: a status line that is never silent (units recorded so far, time),
and the tail of the command's stderr, so a command that stops before its first launch can be told why.

The command's output reaches the terminal or log as it would without the tool. Its stderr is read through a pipe
only when it is not a terminal anyway (a log, CI), so a program never loses its terminal to the tool; the bytes
are passed on as they arrive.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from reducer.capture.frontend import exception_line
from reducer.capture.record import RECORD
from reducer.cli.gate import CommandEnd
from reducer.cli.status import StatusLine, echo

if TYPE_CHECKING:
    from reducer.capture.command import CaptureRun

_TAIL_BYTES = 16384
_POLL_SECONDS = 1.0


def count_units(out: Path) -> int:
    """Compile units recorded so far: one record.json per unit folder."""
    try:
        return sum(1 for _ in out.glob(f"*/{RECORD}"))
    except OSError:
        return 0


class CommandWatch:
    """`with CommandWatch(out, enabled):` around running the command; then `last_error` says how its stderr ended."""

    def __init__(self, out: Path, enabled: bool = True) -> None:
        self.out = out
        self.line = StatusLine(enabled=enabled)
        self._stop = threading.Event()
        self._poller = threading.Thread(target=self._poll, name="capture-status", daemon=True)
        self._saved_fd: int | None = None
        self._pump: threading.Thread | None = None
        self._tail = b""

    def __enter__(self) -> CommandWatch:
        if not os.isatty(2):
            self._tee_stderr()
        self._poller.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._poller.join(timeout=2)
        self.line.done()
        if self._saved_fd is not None:
            sys.stderr.flush()
            os.dup2(self._saved_fd, 2)  # closes our copy of the pipe: the pump sees its end once the command's is shut
            if self._pump is not None:
                self._pump.join(timeout=2)
            if self._pump is None or not self._pump.is_alive():  # else a straggler still writes through it
                os.close(self._saved_fd)
            self._saved_fd = None

    def _poll(self) -> None:
        while not self._stop.wait(_POLL_SECONDS):
            units = count_units(self.out)
            self.line.update(f"capture: {units} compile unit{'s' if units != 1 else ''} recorded, command running")

    def _tee_stderr(self) -> None:
        """fd 2 (which the command inherits) becomes a pipe; a thread passes every byte on and keeps the tail."""
        sys.stderr.flush()
        self._saved_fd = os.dup(2)
        read_end, write_end = os.pipe()
        os.dup2(write_end, 2)
        os.close(write_end)
        self._pump = threading.Thread(target=self._pass_on, args=(read_end, self._saved_fd), daemon=True)
        self._pump.start()

    def _pass_on(self, read_end: int, to: int) -> None:
        try:
            while chunk := os.read(read_end, 65536):
                view = memoryview(chunk)
                while view:
                    view = view[os.write(to, view) :]
                self._tail = (self._tail + chunk)[-_TAIL_BYTES:]
        except OSError:
            pass
        finally:
            os.close(read_end)

    @property
    def last_error(self) -> str:
        """The exception line at the end of the command's stderr ("" when it was not read or names none)."""
        text = self._tail.decode(errors="replace")
        lines = [line for line in text.splitlines() if line.strip() and not line.startswith("[")]
        line = exception_line("\n".join(lines[-40:]))
        return line if "Error" in line or "Exception" in line else ""


def run_watched(
    command: list[str],
    out: Path | None,
    target: str,
    *,
    npu: bool | None,
    shims: bool = True,
    quiet: bool = False,
    options: dict[str, Any] | None = None,
    stage_timeout: float | None = None,
) -> tuple[CaptureRun, CommandEnd]:
    """Run the command under capture into `out` (default ./capture-<time>, made absolute: the command may change
    directory) with the status line on; what it recorded and how it ended."""
    from reducer.capture.command import default_out, run_command

    folder = (out or default_out(Path.cwd())).absolute()
    echo(f"reducer: capturing into {folder}", err=True)
    with CommandWatch(folder, enabled=not quiet) as watch:
        run = run_command(command, folder, target, npu=npu, shims=shims, options=options,
                          stage_timeout=stage_timeout)
    return run, CommandEnd(run.returncode, len(run.kernels), watch.last_error)
