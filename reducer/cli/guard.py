"""How every command runs: library errors become one line on stderr and the contract's exit code, and
Ctrl-C only asks the work to stop so the best result so far is still written."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

from reducer.cli import exitcodes
from reducer.cli.status import echo
from reducer.errors import (
    ClusterError,
    DeadlineReached,
    FlakyFailure,
    InputError,
    InternalError,
    NotInteresting,
    ProjectSetupFailed,
    ReducerError,
    ReleaseUnavailable,
    ToolNotFound,
    UsageError,
)
from reducer.proc import groups as procs

# Every error a command can end with -> its exit code: the contract of `exitcodes`, in this one place. An error
# takes the code of the first class of its MRO listed here (ParseError is an InputError, UnknownPass a UsageError).
EXIT_CODES: dict[type[BaseException], int] = {
    KeyboardInterrupt: exitcodes.INTERRUPTED,
    InternalError: exitcodes.INTERNAL,  # Slipped, PrivateDataLeft: our bug, whatever the input
    ToolNotFound: exitcodes.TOOL_MISSING,
    UsageError: exitcodes.USAGE,
    InputError: exitcodes.BAD_INPUT,
    NotInteresting: exitcodes.BAD_INPUT,
    FlakyFailure: exitcodes.BAD_INPUT,
    DeadlineReached: exitcodes.BAD_INPUT,
    ReleaseUnavailable: exitcodes.BAD_INPUT,
    ClusterError: exitcodes.BAD_INPUT,
    ProjectSetupFailed: exitcodes.BAD_INPUT,  # a census project's requirement does not install
    ReducerError: exitcodes.BAD_INPUT,
    OSError: exitcodes.BAD_INPUT,  # a path the user gave cannot be read or written
    Exception: exitcodes.INTERNAL,  # anything else is a reducer bug
}


def exit_code(err: BaseException) -> int:
    """The contract's code for `err`: its nearest class in EXIT_CODES."""
    return next((EXIT_CODES[cls] for cls in type(err).__mro__ if cls in EXIT_CODES), exitcodes.INTERNAL)


def message(err: BaseException) -> str:
    """The one line on stderr that `err` ends a command with."""
    if isinstance(err, KeyboardInterrupt):
        return "reducer: interrupted"
    if exit_code(err) == exitcodes.INTERNAL:
        text = err.one_line() if isinstance(err, ReducerError) else f"{type(err).__name__}: {err}"
        return f"reducer: internal error: {text} ({InternalError.how_to_report})"
    if isinstance(err, ReducerError):
        return f"reducer: error: {err.one_line()}"
    if isinstance(err, OSError):
        return f"reducer: error: {err.strerror or err}: {err.filename or ''} (check the path and permissions)"
    return f"reducer: error: {err}"


def run_guarded(fn: Callable[[], int]) -> None:
    """Map library errors to one line on stderr and the contract's exit codes; no tracebacks."""
    try:
        code = fn()
    except KeyboardInterrupt as err:
        procs.ignore_interrupts()  # a second Ctrl-C must not turn the goodbye into a traceback
        echo(message(err), err=True)
        code = exit_code(err)
    except Exception as err:
        code = exit_code(err)
        if code == exitcodes.INTERNAL and os.environ.get("REDUCER_DEBUG"):
            raise  # a reducer bug, and its traceback was asked for
        echo(message(err), err=True)
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
                    echo("\nreducer: stopping, keeping the best result so far...", err=True)
                if seen < 2 <= len(came):
                    # Leaving now would lose the result; the running tests end within their timeout.
                    echo("reducer: still stopping: waiting for the running tests to finish", err=True)
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
