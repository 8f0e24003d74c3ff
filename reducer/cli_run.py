"""How every command runs: library errors become one line on stderr and the contract's exit code, and
Ctrl-C only asks the work to stop so the best result so far is still written."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from typing import Any

import click

from reducer import exitcodes
from reducer.errors import InputError, ReducerError, ToolNotFound, UsageError


def run_guarded(fn: Callable[[], int]) -> None:
    """Map library errors to one line on stderr and the contract's exit codes; no tracebacks."""
    try:
        code = fn()
    except KeyboardInterrupt:
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
    """Run `fn` in a worker thread so Ctrl-C only sets `stop`; the best result is still written."""
    box: dict[str, BaseException] = {}

    def target() -> None:
        try:
            fn()
        except BaseException as err:  # re-raised in the main thread below
            box["err"] = err

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    interrupted = False
    while worker.is_alive():
        try:
            worker.join(0.2)
        except KeyboardInterrupt:
            interrupted = True
            stop.set()
            click.echo("\nreducer: stopping, keeping the best result so far...", err=True)
    if "err" in box:
        raise box["err"]
    return interrupted
