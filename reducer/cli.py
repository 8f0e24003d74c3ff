"""Command line. The only place that prints for people and decides exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from reducer import exitcodes
from reducer.errors import InputError, ReducerError, ToolNotFound, UsageError

F = TypeVar("F", bound=Callable[..., Any])


# --- options defined once, shared by every command (pip-tools style) ----------------------

def _stage_option(f: F) -> F:
    return click.option(
        "--stage", type=click.Choice(["adapter", "bishengir"]), default=None,
        help="Stage to replay (inferred from the IR when omitted).",
    )(f)


def _target_option(f: F) -> F:
    return click.option(
        "--target", default="Ascend910B3", show_default=True, envvar="REDUCER_TARGET",
        help="Ascend target the backend compiles for.",
    )(f)


def _npu_option(f: F) -> F:
    return click.option(
        "--option", "npu_options", multiple=True, metavar="KEY=VALUE",
        help="An NPUOptions field that changes the command line (e.g. multibuffer=False).",
    )(f)


def _timeout_option(f: F) -> F:
    return click.option("--timeout", type=float, default=120.0, show_default=True,
                        help="Seconds before one compiler run counts as a hang.")(f)


def _options(target: str, npu_options: tuple[str, ...]):
    from reducer.toolchain import StageOptions

    known = {"compile_on_910_95", "force_simt_template", "enable_nd2nz_on_vector", "enable_select_analysis",
             "enable_linearize", "named_ops", "multibuffer", "enable_auto_bind_sub_block"}
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


def _run_guarded(fn: Callable[[], int]) -> None:
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
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="reducer")
def main() -> None:
    """Turn triton-ascend compiler failures into minimal, signed MLIR repros."""


# --- doctor -------------------------------------------------------------------------------

@main.command()
def doctor() -> None:
    """Show the compilers found, their versions and optional helpers."""

    def go() -> int:
        from reducer.toolchain import Stage, find_helper, locate, package_version

        rows = [("triton-ascend", package_version("triton-ascend")),
                ("ascendnpu-ir", package_version("ascendnpu-ir"))]
        missing = 0
        for stage in Stage:
            try:
                tool = locate(stage)
                rows.append((tool.name, f"{tool.version}  [{tool.path}]"))
            except ToolNotFound as err:
                rows.append((stage.tool_name, f"NOT FOUND: {err.one_line()}"))
                missing += 1
        sym = find_helper("llvm-symbolizer")
        rows.append(("llvm-symbolizer", sym or "absent (frames still stable: reducer runs with ASLR off)"))
        hivmc = find_helper("hivmc")
        rows.append(("hivmc", hivmc or "absent (bishengir stops after its MLIR pipeline: passed-mlir)"))
        width = max(len(k) for k, _ in rows)
        for key, value in rows:
            click.echo(f"{key:<{width}}  {value}")
        return exitcodes.TOOL_MISSING if missing else exitcodes.OK

    _run_guarded(go)


# --- check --------------------------------------------------------------------------------

@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@_stage_option
@_target_option
@_npu_option
@_timeout_option
@click.option("--runs", type=click.IntRange(1, 1000), default=1, show_default=True,
              help="Repeat the run; report how often the signature came back.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--expect", metavar="SIG", help="Signature id or file: exit 0 exactly when FILE shows that bug.")
@click.option("--strict", is_flag=True, help="With --expect: top frames must match too.")
def check(file: Path, stage: str | None, target: str, npu_options: tuple[str, ...], timeout: float,
          runs: int, as_json: bool, expect: str | None, strict: bool) -> None:
    """Replay the failing stage on FILE, classify the outcome, print the crash signature.

    Exit codes: 0 done (with --expect: same bug), 1 with --expect: not the same bug,
    3 bad input, 4 compiler missing.
    """

    def go() -> int:
        from reducer.check import check_file
        from reducer.signature import parse_expectation
        from reducer.source import load
        from reducer.toolchain import Stage

        expectation = parse_expectation(expect) if expect else None
        opts = _options(target, npu_options)
        source = load(file, Stage(stage) if stage else None)
        report = check_file(source, opts, runs=runs, timeout=timeout,
                            explore_knobs=runs > 1 and expectation is None)
        if as_json:
            click.echo(json.dumps(report.to_dict(), indent=2, sort_keys=True))
        else:
            click.echo(report.render())
        if expectation is not None:
            met = expectation.met_by(report.signature, strict=strict) and report.rate == 1.0
            return exitcodes.OK if met else exitcodes.NOT_INTERESTING
        return exitcodes.OK

    _run_guarded(go)


if __name__ == "__main__":
    main()
