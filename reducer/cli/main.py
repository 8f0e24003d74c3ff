"""Command line. The only place that prints for people and decides exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from reducer.cli import exitcodes
from reducer.cli.guard import run_guarded, run_interruptibly
from reducer.cli.options import (
    SECONDS,
    env_option,
    npu_option,
    out_dir_option,
    replay_setup,
    repros_option,
    stage_option,
    target_option,
    timeout_option,
)
from reducer.errors import ToolNotFound
from reducer.proc import groups as procs
from reducer.table import key_value


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="reducer")
def main() -> None:
    """Turn triton-ascend compiler failures into minimal, signed MLIR repros."""
    procs.install_cleanup()


# --- doctor -------------------------------------------------------------------------------


@main.command()
def doctor() -> None:
    """Show the compilers found, their versions and optional helpers."""

    def go() -> int:
        from reducer.stage.table import all_stages
        from reducer.stage.toolchain import find_helper, locate, versions

        rows = list(versions().items())
        missing = 0
        for spec in all_stages():
            try:
                tool = locate(spec)
                rows.append((tool.name, f"{tool.version}  [{tool.path}]  (stage {spec.name})"))
                if spec.healthy_end:
                    rows.append(("", f"ending in {spec.healthy_end!r} counts as passed-mlir (an external step absent)"))
            except ToolNotFound as err:
                rows.append((spec.tool, f"NOT FOUND: {err.one_line()}"))
                missing += 1
        sym = find_helper("llvm-symbolizer")
        rows.append(("llvm-symbolizer", sym or "absent (frames still stable: reducer runs with ASLR off)"))
        click.echo(key_value(rows))
        return exitcodes.TOOL_MISSING if missing else exitcodes.OK

    run_guarded(go)


# --- check --------------------------------------------------------------------------------


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@stage_option
@target_option
@npu_option
@env_option
@timeout_option
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
    target: str | None,
    npu_options: tuple[str, ...],
    env_items: tuple[str, ...],
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
        from reducer.failure.check import check_file
        from reducer.failure.signature import parse_expectation
        from reducer.stage.source import load

        expectation = parse_expectation(expect, strict) if expect else None
        spec, opts, env = replay_setup(file, stage, target, npu_options, env_items)
        source = load(file, spec)
        # As an interestingness test (--expect) every millisecond counts: skip the failing-pass probe.
        report = check_file(source, opts, runs=runs, timeout=timeout, env=env,
                            explore_knobs=runs > 1 and expectation is None, find_pass=expectation is None)
        if as_json:
            click.echo(json.dumps(report.to_dict(), indent=2, sort_keys=True))
        else:
            click.echo(report.render())
        if expectation is not None:
            # With --runs N a flaky bug counts when it showed up at least once.
            met = any(expectation.met_by(sig) for sig in report.tally.signatures.values())
            return exitcodes.OK if met else exitcodes.NOT_INTERESTING
        if report.outcome.value == "timeout":
            tool = report.source.stage.tool
            click.echo(
                f"reducer: error: {tool} did not finish within {timeout:g}s (a hang?); "
                "raise --timeout if it is only slow",
                err=True,
            )
            return exitcodes.BAD_INPUT
        return exitcodes.OK

    run_guarded(go)


# --- reduce -------------------------------------------------------------------------------


@main.command()
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

        from reducer.cli.status import StatusLine
        from reducer.failure.signature import parse_expectation
        from reducer.passes.registry import resolve
        from reducer.reduce.reduction import ReduceRequest, Reduction, default_output
        from reducer.stage.source import load

        pass_names = [p.strip() for p in passes.split(",") if p.strip()] if passes else None
        if pass_names:
            resolve(pass_names)
        spec, opts, env = replay_setup(input_file, stage, target, npu_options, env_items)
        source = load(input_file, spec)
        out = output or default_output(source, Path.cwd())
        request = ReduceRequest(
            source=source,
            options=opts,
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
            inputs=(Path(expect),) if expect and Path(expect).is_file() else (),
            env=env,
        )
        line = StatusLine(enabled=not quiet)
        reduction = Reduction(request, status=line.update)
        interrupted = run_interruptibly(reduction.run, reduction.stop)
        line.done()
        report = reduction.report
        if report is None:
            return exitcodes.INTERRUPTED
        click.echo(_summary(report, line.elapsed()))
        if save_to and not interrupted and report.signature is not None:
            from reducer.repro.suite import save_repro

            saved = save_repro(out, Path(save_to), request.options, source.stage, env=env)
            click.echo(saved.message)
        if report_to and not interrupted and report.signature is not None:
            from reducer.report.compiler import write_report

            target_dir = None if report_to == "." else Path(report_to)
            written = write_report(out, target_dir, original=input_file, sidecar=report.to_dict(),
                                   options=request.options, stage=source.stage, env=env)
            click.echo(written.message)
        return exitcodes.INTERRUPTED if interrupted else exitcodes.OK

    run_guarded(go)


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


# --- repros -------------------------------------------------------------------------------


@main.command()
@click.argument("ir_file", metavar="IR", type=click.Path(path_type=Path))
@repros_option
@stage_option
@target_option
@npu_option
@env_option
def save(
    ir_file: Path,
    repros_dir: Path,
    stage: str | None,
    target: str | None,
    npu_options: tuple[str, ...],
    env_items: tuple[str, ...],
) -> None:
    """Save failing IR as a lit/FileCheck repro under repros/<stage>/ (one file per signature).

    The stage and options come from IR's own sidecar (`reducer reduce` writes IR.json) unless given.
    """

    def go() -> int:
        from reducer.repro.suite import save_repro

        spec, opts, env = replay_setup(ir_file, stage, target, npu_options, env_items)
        result = save_repro(ir_file, repros_dir, opts, spec, env=env)
        click.echo(result.message)
        return exitcodes.OK

    run_guarded(go)


@main.command()
@repros_option
@click.option("--dry-run", is_flag=True, help="Report only; move nothing.")
@click.option("--matrix", "with_matrix", is_flag=True,
              help="Also replay each still-failing repro on every release and record it in its header.")
def recheck(repros_dir: Path, dry_run: bool, with_matrix: bool) -> None:
    """Replay every repro with its own options; move the ones fixed in the installed toolchain to repros/fixed/."""

    def go() -> int:
        from reducer.repro.suite import recheck as run_recheck

        entries = run_recheck(repros_dir, move=not dry_run)
        changed = 0
        for entry in entries:
            if entry.reproduces:
                state = "reproduces"
            elif entry.moved_to is not None:
                state = f"FIXED ({entry.outcome}) -> {entry.moved_to}"
            elif entry.problem:
                state = f"BROKEN: {entry.problem} (not moved)"
            else:
                clean = entry.outcome in ("passed", "passed-mlir")
                state = f"CHANGED: now {entry.outcome}" + (" (would move: dry run)" if dry_run and clean else "")
            changed += not entry.reproduces
            if with_matrix and entry.reproduces:
                state += f"; {_record_matrix(entry.path, record=not dry_run)}"
            click.echo(f"{entry.path}  {entry.signature_id}  {state}")
        click.echo(
            f"{len(entries)} repros, {len(entries) - changed} still reproduce, {changed} fixed, changed or broken"
        )
        return exitcodes.NOT_INTERESTING if changed else exitcodes.OK

    run_guarded(go)


def _record_matrix(path: Path, record: bool) -> str:
    """The matrix verdict of one repro, recorded in its header (`reducer matrix --record`) unless a dry run."""
    from reducer.cli.matrix import record_matrix

    return record_matrix(path, record=record)


@main.command("export-test")
@click.argument("repro", type=click.Path(path_type=Path))
@out_dir_option(
    "Folder standing for the upstream repository's root: the test lands at its path inside.", Path("upstream-tests")
)
@stage_option
@target_option
@npu_option
@env_option
@timeout_option
def export_test(
    repro: Path,
    out_dir: Path,
    stage: str | None,
    target: str | None,
    npu_options: tuple[str, ...],
    env_items: tuple[str, ...],
    timeout: float,
) -> None:
    """Write REPRO as a test in the upstream suite's own format (single pass, bare tools, no custom features).

    A diagnostic becomes a -verify-diagnostics test (PASS); a crash a test of the correct output marked
    XFAIL (the fix makes it XPASS). Prints the path inside the upstream repository.
    """

    def go() -> int:
        from reducer.errors import NotInteresting
        from reducer.failure.replay import Replay
        from reducer.repro.artifact import sidecar_path
        from reducer.repro.suite import read_repro, strip_header
        from reducer.repro.upstream import export_test as export
        from reducer.stage.source import load

        spec, opts, env = replay_setup(repro, stage, target, npu_options, env_items)
        source = load(repro, spec)
        text = strip_header(source.text)
        obs = Replay(source.stage, opts, timeout, env).observe(text, find_pass=True)
        if obs.signature is None:
            raise NotInteresting(f"{repro}: does not fail ({obs.outcome.label})", "export a failing repro")
        saved = read_repro(repro)
        if saved is not None and saved.signature.id != obs.signature.id:
            raise NotInteresting(
                f"{repro}: now shows {obs.signature.id}, not its header's {saved.signature.id}",
                "the bug may be fixed: `reducer recheck`",
            )
        result = export(source.stage, text, opts, obs.signature, out_dir,
                        inputs=(repro, sidecar_path(repro)), timeout=timeout, env=env)
        click.echo(result.message)
        click.echo(str(result.relative))
        return exitcodes.OK

    run_guarded(go)


@main.command()
def passes() -> None:
    """List the reduction passes in registry order."""
    from reducer.passes.registry import describe

    rows = describe()
    width = max(len(n) for n, _ in rows)
    for name, text in rows:
        click.echo(f"{name:<{width}}  {text}")


# Commands kept in their own modules; imported last because they reuse the shared options above.
from reducer.cli.capture import capture, sweep  # noqa: E402
from reducer.cli.matrix import matrix  # noqa: E402
from reducer.cli.report import report  # noqa: E402

main.add_command(capture)
main.add_command(sweep)
main.add_command(report)
main.add_command(matrix)


if __name__ == "__main__":
    main()
