"""How every command runs: library errors become one line on stderr and the contract's exit code, and
Ctrl-C only asks the work to stop so the best result so far is still written."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

import click

from reducer.cli import exitcodes
from reducer.errors import InputError, ReducerError, ToolNotFound, UsageError
from reducer.proc import groups as procs


def run_guarded(fn: Callable[[], int]) -> None:
    """Map library errors to one line on stderr and the contract's exit codes; no tracebacks."""
    try:
        code = fn()
    except KeyboardInterrupt:
        procs.ignore_interrupts()  # a second Ctrl-C must not turn the goodbye into a traceback
        click.echo("reducer: interrupted", err=True)
        code = exitcodes.INTERRUPTED
    except ToolNotFound as err:
        click.echo(f"reducer: error: {err.one_line()}", err=True)
        code = exitcodes.TOOL_MISSING
    except UsageError as err:
        click.echo(f"reducer: error: {err.one_line()}", err=True)
        code = exitcodes.USAGE
    except (InputError, ReducerError) as err:
        click.echo(f"reducer: error: {err.one_line()}", err=True)
        code = exitcodes.BAD_INPUT
    except OSError as err:
        click.echo(
            f"reducer: error: {err.strerror or err}: {err.filename or ''} (check the path and permissions)", err=True
        )
        code = exitcodes.BAD_INPUT
    except Exception as err:  # a reducer bug: one line unless asked for the traceback
        if os.environ.get("REDUCER_DEBUG"):
            raise
        click.echo(
            f"reducer: internal error: {type(err).__name__}: {err} (rerun with REDUCER_DEBUG=1 and report it)", err=True
        )
        code = exitcodes.INTERNAL
    sys.exit(code)


def run_interruptibly(fn: Callable[[], object], stop: Any) -> bool:
    """Run `fn` in a worker thread so Ctrl-C (or SIGTERM) only sets `stop`; the best result is still written.

    The main thread waits on an Event the worker sets when it ends, not on `Thread.join`: on Python 3.11 a join
    interrupted by Ctrl-C can report the worker dead while it still runs, and the summary and OUT.json were
    then written from a half-finished run. While it waits, the stop signals only record that they came (no
    KeyboardInterrupt), so no Ctrl-C can slip out of the loop between two statements.
    """
    box: dict[str, BaseException] = {}
    done = threading.Event()
    came: list[int] = []  # appended by the signal handler: no lock a handler could deadlock on

    def target() -> None:
        try:
            fn()
        except BaseException as err:  # re-raised in the main thread below
            box["err"] = err
        finally:
            done.set()

    restore = _record_stop_signals(came)
    try:
        threading.Thread(target=target, daemon=True).start()
        seen = 0
        while not done.wait(0.1) or seen < len(came):
            if len(came) > seen:
                stop.set()
                if seen == 0:
                    click.echo("\nreducer: stopping, keeping the best result so far...", err=True)
                if seen < 2 <= len(came):
                    # Leaving now would lose the result; the running tests end within their timeout.
                    click.echo("reducer: still stopping: waiting for the running tests to finish", err=True)
                seen = len(came)
    finally:
        restore()
    if "err" in box:
        raise box["err"]
    return bool(came)


def _record_stop_signals(came: list[int]) -> Callable[[], None]:
    """Route Ctrl-C, and SIGTERM/SIGHUP when they are handled (the CLI turns them into Ctrl-C), into `came`."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    old = {signal.SIGINT: signal.getsignal(signal.SIGINT)}
    old.update({s: h for s in (signal.SIGTERM, signal.SIGHUP) if callable(h := signal.getsignal(s))})
    for signum in old:
        signal.signal(signum, lambda signum, _frame: came.append(signum))

    def restore() -> None:
        for signum, handler in old.items():
            signal.signal(signum, handler)

    return restore
