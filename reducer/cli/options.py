"""Click options shared by every command, each defined once (pip-tools style), and how a command turns
them plus a file's own provenance into the stage and options it replays with."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from reducer.stage.options import DEFAULT_TARGET

F = TypeVar("F", bound=Callable[..., Any])


class Seconds(click.ParamType):
    """A positive, finite number of seconds (`nan`, `inf`, 0 and negatives are refused)."""

    name = "seconds"

    def convert(self, value: Any, param: Any, ctx: Any) -> float:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(seconds) or seconds <= 0:
            self.fail(f"{value!r} is not a positive, finite number of seconds", param, ctx)
        return seconds


SECONDS = Seconds()

# `capture` and `sweep`: options may follow PATH; after `--` nothing is parsed, so the command keeps its own options.
PASSTHROUGH = {"ignore_unknown_options": True}


def split_args(args: tuple[str, ...]) -> tuple[Path | None, list[str]]:
    """One existing folder or non-Python file is a PATH to inspect; anything else is a COMMAND to run."""
    if len(args) == 1 and not args[0].endswith(".py") and Path(args[0]).exists():
        return Path(args[0]), []
    command = list(args)
    if command and command[0].endswith(".py"):
        command.insert(0, sys.executable)  # `reducer capture -- script.py` runs it with this Python
    return None, command


def stage_option(f: F) -> F:
    return click.option(
        "--stage",
        default=None,
        metavar="NAME",
        help="Stage to replay (see `reducer doctor`) [default: the file's own, or inferred from the IR].",
    )(f)


def target_option(f: F) -> F:
    return click.option(
        "--target",
        default=None,
        envvar="REDUCER_TARGET",
        help=f"Ascend target the backend compiles for [default: the file's own, else {DEFAULT_TARGET}].",
    )(f)


def npu_option(f: F) -> F:
    return click.option(
        "--option",
        "npu_options",
        multiple=True,
        metavar="KEY=VALUE",
        help="An NPUOptions field that changes the command line (e.g. multibuffer=False); over the file's own.",
    )(f)


def npu_flag(f: F) -> F:
    return click.option(
        "--npu/--no-npu",
        "npu",
        default=None,
        help="Force NPU mode (just set dump variables) or compile-only mode [default: detect].",
    )(f)


def timeout_option(f: F) -> F:
    return click.option(
        "--timeout",
        type=SECONDS,
        default=120.0,
        show_default=True,
        help="Seconds before one compiler run counts as a hang.",
    )(f)


def out_dir_option(help: str, default: Path | None = None) -> Callable[[F], F]:
    """`-o/--output DIR` of the commands that write a folder."""
    return click.option(
        "-o",
        "--output",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=default,
        show_default=default is not None,
        help=help,
    )


def repros_option(help: str = "The lit suite of repros.", name: str = "repros_dir") -> Callable[[F], F]:
    """`--repros SUITE`, the same folder (and REDUCER_REPROS) for every command that reads or saves repros."""
    return click.option(
        "--repros",
        name,
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("repros"),
        show_default=True,
        envvar="REDUCER_REPROS",
        help=help,
    )


def env_option(f: F) -> F:
    return click.option(
        "--env",
        "env_items",
        multiple=True,
        metavar="KEY=VALUE",
        help="Replay under this knob (MALLOC_PERTURB_, MALLOC_CHECK_, GLIBC_TUNABLES, ASLR=on); over the file's own.",
    )(f)


def replay_setup(
    path: Path | None, stage: str | None, target: str | None, items: Sequence[str], env_items: Sequence[str] = ()
) -> tuple[Any, Any, Any]:
    """(stage or None, options, run env) for replaying `path`: the command line over what the file's
    provenance says (its repro header, its reduce sidecar or its capture record), over the defaults."""
    from reducer.repro.artifact import Artifact, provenance
    from reducer.stage import table as stages
    from reducer.stage.options import Options
    from reducer.stage.run_env import RunEnv

    # An Artifact is a file the command read already: what it says is not read again.
    found = path if isinstance(path, Artifact) else provenance(path) if path is not None and path.is_file() else None
    spec = stages.get(stage) if stage else (found.stage if found else None)
    options = Options.from_cli(target, items, base=found.options if found else None)
    if items:  # an --option the stage would drop is refused (the stage guessed from the file when not given)
        from reducer.stage.source import guess_stage

        stages.refuse_ignored(spec or guess_stage(getattr(path, "path", path)), options, items)
    return spec, options, RunEnv.from_cli(env_items, base=found.env if found else None)


def given_options(options: Any, items: Sequence[str]) -> dict[str, Any]:
    """The fields `--option` set, with their parsed values: what capture forces over every launch's own."""
    keys = {item.split("=", 1)[0].strip() for item in items}
    return {k: v for k, v in options.as_dict().items() if k in keys}
