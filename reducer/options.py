"""Click options and plumbing shared by every command: each option is defined once (pip-tools style),
and `run_guarded` is the one place that turns library errors into a line on stderr and an exit code."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from reducer import exitcodes
from reducer.errors import InputError, ReducerError, ToolNotFound, UsageError

F = TypeVar("F", bound=Callable[..., Any])


# --- options defined once, shared by every command (pip-tools style) ----------------------


def stage_option(f: F) -> F:
    return click.option(
        "--stage",
        type=click.Choice(["adapter", "bishengir"]),
        default=None,
        help="Stage to replay (inferred from the IR when omitted).",
    )(f)


def target_option(f: F) -> F:
    return click.option(
        "--target",
        default="Ascend910B3",
        show_default=True,
        envvar="REDUCER_TARGET",
        help="Ascend target the backend compiles for.",
    )(f)


def npu_option(f: F) -> F:
    return click.option(
        "--option",
        "npu_options",
        multiple=True,
        metavar="KEY=VALUE",
        help="An NPUOptions field that changes the command line (e.g. multibuffer=False).",
    )(f)


def timeout_option(f: F) -> F:
    return click.option(
        "--timeout",
        type=float,
        default=120.0,
        show_default=True,
        help="Seconds before one compiler run counts as a hang.",
    )(f)


def stage_options(target: str, npu_options: tuple[str, ...]):
    from reducer.toolchain import StageOptions

    known = {
        "compile_on_910_95",
        "force_simt_template",
        "enable_nd2nz_on_vector",
        "enable_select_analysis",
        "enable_linearize",
        "named_ops",
        "multibuffer",
        "enable_auto_bind_sub_block",
    }
    fields: dict[str, Any] = {}
    extra: dict[str, str] = {}
    for item in npu_options:
        if "=" not in item:
            raise UsageError(f"--option {item}: expected KEY=VALUE")
        key, value = item.split("=", 1)
        if key in known:
            low = value.lower()
            fields[key] = None if low == "none" else low in ("1", "true", "yes")
        else:
            extra[key] = value
    return StageOptions(target=target, extra=extra, **fields)


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
        import os

        if os.environ.get("REDUCER_DEBUG"):
            raise
        click.echo(
            f"reducer: internal error: {type(err).__name__}: {err} (rerun with REDUCER_DEBUG=1 and report it)", err=True
        )
        code = exitcodes.INTERNAL
    sys.exit(code)


def run_interruptibly(fn: Callable[[], object], stop: Any) -> bool:
    """Run `fn` in a worker thread so Ctrl-C only sets `stop`; the best result is still written."""
    import threading

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


def repros_option(f: F) -> F:
    return click.option(
        "--repros",
        "repros_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("repros"),
        show_default=True,
        envvar="REDUCER_REPROS",
        help="The lit suite of repros.",
    )(f)
