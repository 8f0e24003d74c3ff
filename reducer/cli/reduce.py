"""`reducer reduce`: the command, its live status line, and the summary it ends with."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from reducer.cli import exitcodes
from reducer.cli.guard import run_guarded, run_interruptibly
from reducer.cli.options import (
    SECONDS,
    env_option,
    npu_option,
    replay_setup,
    stage_option,
    target_option,
    timeout_option,
)
from reducer.cli.status import echo
from reducer.safety.names import terminal_line
from reducer.table import key_value

if TYPE_CHECKING:
    from reducer.reduce.reduction import ReduceRequest


@click.command()
@click.argument("input_file", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Where to write (default: ./reduced-NAME.mlir).")
@stage_option
@target_option
@npu_option
@env_option
@timeout_option
@click.option("--expect", metavar="SIG", help="Signature id or file INPUT must show (default: INPUT's own).")
@click.option("--strict", is_flag=True, help="Top frames must match too.")
@click.option(
    "--test",
    "test_script",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Custom interestingness script: called with the candidate path, exit 0 = interesting.",
)
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None, help="Parallel tests [default: all cores].")
@click.option(
    "--timeout-per-test", type=SECONDS, default=None, help="Seconds per test [default: 10x the original run]."
)
@click.option("--max-time", type=SECONDS, default=None, help="Stop after this many seconds with the best so far.")
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
@click.option("--report", "report_to", is_flag=False, flag_value=".", default=None, metavar="[DIR]",
              help="Then write the upstream issue and bundle (default ./report-<id>/).")
@click.option("--quiet", "-q", is_flag=True, help="No live status line.")
def reduce(
    input_file: Path,
    output: Path | None,
    stage: str | None,
    target: str | None,
    npu_options: tuple[str, ...],
    env_items: tuple[str, ...],
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
    report_to: str | None,
    quiet: bool,
) -> None:
    """Shrink INPUT while the SAME crash signature persists; write the minimal IR."""

    def go() -> int:
        import os

        from reducer.cli.expect import parse_expectation
        from reducer.passes.registry import resolve
        from reducer.reduce.reduction import ReduceRequest, default_output
        from reducer.stage.source import load

        pass_names = [p.strip() for p in passes.split(",") if p.strip()] if passes else None
        if pass_names:
            resolve(pass_names)
        spec, opts, env = replay_setup(input_file, stage, target, npu_options, env_items)
        source = load(input_file, spec)
        request = ReduceRequest(
            source=source, options=opts, out=output or default_output(source, Path.cwd()),
            expect=parse_expectation(expect) if expect else None, test_script=test_script, strict=strict,
            jobs=jobs or os.cpu_count() or 1, timeout=timeout, timeout_per_test=timeout_per_test, max_time=max_time,
            passes=pass_names, runs=runs, allow_flaky=allow_flaky, pass_level=not no_pass_level,
            inputs=(Path(expect),) if expect and Path(expect).is_file() else (), env=env,
        )
        return _reduce(request, input_file, quiet=quiet, save_to=save_to, report_to=report_to)

    run_guarded(go)


def _reduce(
    request: ReduceRequest, input_file: Path, *, quiet: bool, save_to: str | None, report_to: str | None
) -> int:
    """Run the reduction (Ctrl-C keeps the best so far), print its summary, then save and report as asked."""
    from reducer.cli.status import StatusLine
    from reducer.reduce.reduction import Reduction

    source, env, out = request.source, request.env, request.out
    line = StatusLine(enabled=not quiet)
    reduction = Reduction(request, status=line.update)
    interrupted = run_interruptibly(reduction.run, reduction.stop)
    line.done()
    report = reduction.report
    if report is None:
        return exitcodes.INTERRUPTED
    echo(_summary(report, line.elapsed()))
    if save_to and not interrupted and report.signature is not None:
        from reducer.repro.suite import save_repro

        saved = save_repro(out, Path(save_to), request.options, source.stage, env=env)
        echo(saved.message)
    if report_to and not interrupted and report.signature is not None:
        from reducer.report.compiler import write_report

        target_dir = None if report_to == "." else Path(report_to)
        written = write_report(out, target_dir, original=input_file, sidecar=report.to_dict(),
                               options=request.options, stage=source.stage, env=env)
        echo(written.message)
    return exitcodes.INTERRUPTED if interrupted else exitcodes.OK


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
        ("tests", f"{report.tests} (+{report.cache_hits} cache hits, {report.invalid} invalid candidates not run)"),
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
    won = []
    for phase in dict.fromkeys(p.name for p in report.phases):  # each phase counts ops of its own IR
        where = "" if phase == "full-stage" else f" in {phase}"
        won += [f"{n} (-{o} ops{where})" if o else f"{n} (-{b} bytes{where})" for n, o, b in report.winners(phase)[:6]]
    if won:
        rows.append(("passes won", ", ".join(won)))
    if report.timings:
        rows.append(("time", ", ".join(f"{k} {v:.1f}s" for k, v in report.timings.items())))
    if report.one_minimal is not None:
        kept, tried = report.one_minimal
        verdict = "yes" if kept == 0 else f"no: {kept} of them still show the bug"
        rows.append(("1-minimal", f"{verdict} ({tried} single-op deletions tried)"))
    if report.sources is not None and report.sources.lines:
        shown = report.sources.shown()
        rows.append(("triggered by", terminal_line(shown[0])))
        rows += [("", terminal_line(line)) for line in shown[1:]]
    if report.pass_errors:
        errors = sorted(report.pass_errors.items(), key=lambda kv: -kv[1])
        shown = "; ".join(f"{msg} (x{n})" for msg, n in errors[:3])
        rows.append(("pass errors", f"{sum(report.pass_errors.values())} (reducer bugs, please report): {shown}"))
    if report.slipped:
        rows.append(("slipped", f"{sum(report.slipped.values())} candidates showed another bug (rejected)"))
    if report.timeouts:
        rows.append(("timed out", f"{report.timeouts} candidates ran past the per-test limit (rejected)"))
    if report.final_note:
        rows.append(("note", report.final_note))
    if report.stopped:
        rows.append(("stopped", "early (Ctrl-C or --max-time): this is the best result so far"))
    return key_value(rows)
