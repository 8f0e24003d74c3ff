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
        "--stage",
        type=click.Choice(["adapter", "bishengir"]),
        default=None,
        help="Stage to replay (inferred from the IR when omitted).",
    )(f)


def _target_option(f: F) -> F:
    return click.option(
        "--target",
        default="Ascend910B3",
        show_default=True,
        envvar="REDUCER_TARGET",
        help="Ascend target the backend compiles for.",
    )(f)


def _npu_option(f: F) -> F:
    return click.option(
        "--option",
        "npu_options",
        multiple=True,
        metavar="KEY=VALUE",
        help="An NPUOptions field that changes the command line (e.g. multibuffer=False).",
    )(f)


def _timeout_option(f: F) -> F:
    return click.option(
        "--timeout",
        type=float,
        default=120.0,
        show_default=True,
        help="Seconds before one compiler run counts as a hang.",
    )(f)


def _options(target: str, npu_options: tuple[str, ...]):
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

        rows = [("triton-ascend", package_version("triton-ascend")), ("ascendnpu-ir", package_version("ascendnpu-ir"))]
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
@click.option(
    "--runs",
    type=click.IntRange(1, 1000),
    default=1,
    show_default=True,
    help="Repeat the run; report how often the signature came back.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--expect", metavar="SIG", help="Signature id or file: exit 0 exactly when FILE shows that bug.")
@click.option("--strict", is_flag=True, help="With --expect: top frames must match too.")
def check(
    file: Path,
    stage: str | None,
    target: str,
    npu_options: tuple[str, ...],
    timeout: float,
    runs: int,
    as_json: bool,
    expect: str | None,
    strict: bool,
) -> None:
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
        report = check_file(source, opts, runs=runs, timeout=timeout, explore_knobs=runs > 1 and expectation is None)
        if as_json:
            click.echo(json.dumps(report.to_dict(), indent=2, sort_keys=True))
        else:
            click.echo(report.render())
        if expectation is not None:
            # With --runs N a flaky bug counts when it showed up at least once.
            met = report.signature is not None and any(
                expectation.met_by(sig, strict=strict) for sig in report.tally.signatures.values()
            )
            return exitcodes.OK if met else exitcodes.NOT_INTERESTING
        if report.outcome.value == "timeout":
            tool = report.source.stage.tool_name
            click.echo(
                f"reducer: error: {tool} did not finish within {timeout:g}s (a hang?); "
                "raise --timeout if it is only slow",
                err=True,
            )
            return exitcodes.BAD_INPUT
        return exitcodes.OK

    _run_guarded(go)


# --- reduce -------------------------------------------------------------------------------


@main.command()
@click.argument("input_file", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Where to write (default: ./reduced-NAME.mlir).")
@_stage_option
@_target_option
@_npu_option
@_timeout_option
@click.option("--expect", metavar="SIG", help="Signature id or file INPUT must show (default: INPUT's own).")
@click.option("--strict", is_flag=True, help="Top frames must match too.")
@click.option(
    "--test",
    "test_script",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Custom interestingness script: called with the candidate path, exit 0 = interesting.",
)
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None, help="Parallel tests [default: all cores].")
@click.option("--timeout-per-test", type=float, default=None, help="Seconds per test [default: 10x the original run].")
@click.option("--max-time", type=float, default=None, help="Stop after this many seconds with the best so far.")
@click.option("--passes", default=None, help="Comma-separated pass names (see `reducer passes`).")
@click.option(
    "--runs",
    type=click.IntRange(1, 100),
    default=1,
    show_default=True,
    help="Runs of the original (and attempts per test with --allow-flaky).",
)
@click.option("--allow-flaky", is_flag=True, help="Reduce a flaky failure, retrying each test --runs times.")
@click.option("--no-pass-level", is_flag=True, help="Skip pass-level isolation.")
@click.option(
    "--save",
    "save_to",
    is_flag=False,
    flag_value="repros",
    default=None,
    metavar="[DIR]",
    help="Also save the result as a lit repro under DIR (default repros/).",
)
@click.option("--quiet", "-q", is_flag=True, help="No live status line.")
def reduce(
    input_file: Path,
    output: Path | None,
    stage: str | None,
    target: str,
    npu_options: tuple[str, ...],
    timeout: float,
    expect: str | None,
    strict: bool,
    test_script: Path | None,
    jobs: int | None,
    timeout_per_test: float | None,
    max_time: float | None,
    passes: str | None,
    runs: int,
    allow_flaky: bool,
    no_pass_level: bool,
    save_to: str | None,
    quiet: bool,
) -> None:
    """Shrink INPUT while the SAME crash signature persists; write the minimal IR."""

    def go() -> int:
        import os

        from reducer.passes.registry import resolve
        from reducer.reduce import ReduceRequest, Reduction, default_output
        from reducer.signature import parse_expectation
        from reducer.source import load
        from reducer.status import StatusLine
        from reducer.toolchain import Stage

        pass_names = [p.strip() for p in passes.split(",") if p.strip()] if passes else None
        if pass_names:
            resolve(pass_names)
        source = load(input_file, Stage(stage) if stage else None)
        out = output or default_output(source, Path.cwd())
        if out.resolve() == input_file.resolve():
            raise UsageError("the output would overwrite INPUT", "choose another -o path")
        request = ReduceRequest(
            source=source,
            options=_options(target, npu_options),
            out=out,
            expect=parse_expectation(expect) if expect else None,
            test_script=test_script,
            strict=strict,
            jobs=jobs or os.cpu_count() or 1,
            timeout=timeout,
            timeout_per_test=timeout_per_test,
            max_time=max_time,
            passes=pass_names,
            runs=runs,
            allow_flaky=allow_flaky,
            pass_level=not no_pass_level,
        )
        line = StatusLine(enabled=not quiet)
        reduction = Reduction(request, status=line.update)
        interrupted = _run_interruptibly(reduction.run, reduction.stop)
        line.done()
        report = reduction.report
        if report is None:
            return exitcodes.INTERRUPTED
        click.echo(_summary(report, line.elapsed()))
        if save_to and not interrupted and report.signature is not None:
            from reducer.repros import save_repro

            saved = save_repro(out, Path(save_to), options=request.options)
            click.echo(saved.message)
        return exitcodes.INTERRUPTED if interrupted else exitcodes.OK

    _run_guarded(go)


def _run_interruptibly(fn: Callable[[], object], stop: Any) -> bool:
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


def _summary(report: Any, seconds: float) -> str:
    src = report.request.source
    before_lines = len(src.text.splitlines())
    after_lines = len(report.text.splitlines())
    rows = [
        ("output", str(report.request.out)),
        ("signature", f"{report.signature.id}  {report.signature.title}" if report.signature else "(custom test)"),
        ("ops", f"{report.ops_before} -> {report.ops_after}"),
        ("lines", f"{before_lines} -> {after_lines}"),
        ("bytes", f"{len(src.text)} -> {len(report.text)}"),
        ("tests", f"{report.tests} (+{report.cache_hits} cache hits)"),
        ("wall", f"{seconds:.1f}s"),
        (
            "final check",
            f"{report.final_matches}/{report.final_runs} runs show the signature"
            + (" (custom form)" if report.custom_form else " (generic form)"),
        ),
    ]
    if report.pass_level is not None:
        rows.append(
            ("pass-level", f"{report.pass_level_path} via {report.pass_level.how}: {report.pass_level.pipeline_text}")
        )
    wins = report.winners()[:6]
    if wins:
        rows.append(("passes won", ", ".join(f"{n} (-{o} ops)" for n, o, _ in wins)))
    if report.slipped:
        rows.append(("slipped", f"{sum(report.slipped.values())} candidates showed another bug (rejected)"))
    if report.stopped:
        rows.append(("stopped", "early (Ctrl-C or --max-time): this is the best result so far"))
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


# --- repros -------------------------------------------------------------------------------


def _repros_option(f: F) -> F:
    return click.option(
        "--repros",
        "repros_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("repros"),
        show_default=True,
        envvar="REDUCER_REPROS",
        help="The lit suite of repros.",
    )(f)


@main.command()
@click.argument("ir_file", metavar="IR", type=click.Path(path_type=Path))
@_repros_option
@_target_option
@_npu_option
def save(ir_file: Path, repros_dir: Path, target: str, npu_options: tuple[str, ...]) -> None:
    """Save failing IR as a lit/FileCheck repro under repros/<stage>/ (one file per signature)."""

    def go() -> int:
        from reducer.repros import save_repro

        result = save_repro(ir_file, repros_dir, _options(target, npu_options))
        click.echo(result.message)
        return exitcodes.OK

    _run_guarded(go)


@main.command()
@_repros_option
@_target_option
@_npu_option
@click.option("--dry-run", is_flag=True, help="Report only; move nothing.")
def recheck(repros_dir: Path, target: str, npu_options: tuple[str, ...], dry_run: bool) -> None:
    """Replay every repro; move the ones fixed in the installed toolchain to repros/fixed/."""

    def go() -> int:
        from reducer.repros import recheck as run_recheck

        entries = run_recheck(repros_dir, _options(target, npu_options), move=not dry_run)
        changed = 0
        for entry in entries:
            if entry.reproduces:
                state = "reproduces"
            elif entry.moved_to is not None:
                state = f"FIXED ({entry.outcome}) -> {entry.moved_to}"
            else:
                state = f"CHANGED: now {entry.outcome}" + (" (would move: dry run)" if dry_run else "")
            changed += not entry.reproduces
            click.echo(f"{entry.repro.path}  {entry.repro.signature.id}  {state}")
        click.echo(f"{len(entries)} repros, {len(entries) - changed} still reproduce, {changed} fixed or changed")
        return exitcodes.NOT_INTERESTING if changed else exitcodes.OK

    _run_guarded(go)


@main.command()
def passes() -> None:
    """List the reduction passes in registry order."""
    from reducer.passes.registry import describe

    rows = describe()
    width = max(len(n) for n, _ in rows)
    for name, text in rows:
        click.echo(f"{name:<{width}}  {text}")


if __name__ == "__main__":
    main()
