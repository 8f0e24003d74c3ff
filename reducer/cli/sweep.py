"""`reducer sweep`: every captured kernel checked, failures grouped by signature, one reduced per group, a triage
table written; with `-- COMMAND` it captures first."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from reducer.cli import exitcodes
from reducer.cli.capture import compile_units, text_table
from reducer.cli.gate import CommandEnd, decide, fail_on_option, sweep_failures
from reducer.cli.guard import run_guarded, run_interruptibly
from reducer.cli.options import (
    PASSTHROUGH,
    SECONDS,
    given_options,
    npu_flag,
    npu_option,
    repros_option,
    split_args,
    target_option,
    timeout_option,
)
from reducer.cli.status import echo
from reducer.errors import InputError, UsageError
from reducer.stage.options import Options
from reducer.stage.table import refuse_ignored

if TYPE_CHECKING:
    from reducer.sweep.run import SweepRequest


@click.command(context_settings=PASSTHROUGH)
@click.argument("args", nargs=-1, type=click.UNPROCESSED, metavar="PATH | -- COMMAND...")
@target_option
@npu_option
@timeout_option
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    help="Where state.jsonl and triage.* go [default: the capture folder, or ./sweep-<PATH name>].",
)
@repros_option("Repro suite to save into (deduped by signature).", name="repros")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 256),
    default=None,
    help="Parallel runs [default: all cores]; with --ray, the most CPUs one reduction asks for.",
)
@click.option(
    "--ray",
    "ray_address",
    metavar="ADDRESS",
    help="Run checks and reductions as tasks on this Ray cluster (HOST:PORT, or auto); needs .[cluster].",
)
@click.option(
    "--max-time-per-bug",
    type=SECONDS,
    default=300.0,
    show_default=True,
    help="Seconds one reduction may take; it then keeps its best result.",
)
@click.option(
    "--kernels-per-signature",
    type=click.IntRange(1, 1000),
    default=3,
    show_default=True,
    help="Reduce this many kernels of each signature (smallest first); distinct causes get distinct repros.",
)
@click.option("--no-reduce", is_flag=True, help="Classify and group only.")
@click.option("--reduce-known", is_flag=True, help="Reduce signatures that already have a repro too.")
@click.option("--matrix", "with_matrix", is_flag=True, help="Also replay each group on every compiler release.")
@click.option("--no-fit", is_flag=True, help="No fit search for the units that hit a resource limit.")
@click.option("--fit-time", type=SECONDS, default=120.0, show_default=True,
              help="Seconds one unit's fit search may take.")
@npu_flag
@fail_on_option
@click.option("--json", "as_json", is_flag=True, help="Print triage.json instead of the summary.")
@click.option("--quiet", "-q", is_flag=True, help="No live status line.")
def sweep(
    args: tuple[str, ...],
    target: str | None,
    npu_options: tuple[str, ...],
    timeout: float,
    out: Path | None,
    repros: Path,
    jobs: int | None,
    ray_address: str | None,
    max_time_per_bug: float,
    kernels_per_signature: int,
    no_reduce: bool,
    reduce_known: bool,
    with_matrix: bool,
    no_fit: bool, fit_time: float,
    npu: bool | None,
    fail_on: str | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Check every captured kernel, group failures by signature, reduce one per group, write a triage table.

    \b
    reducer sweep capture-20261125-101500/          a capture folder, dump folder or Triton cache
    reducer sweep -j 8 -- python my_launch.py       capture first, then sweep
    reducer sweep --ray auto capture-dir/           checks and reductions on a Ray cluster
    Rerunning with the same -o resumes from its state.jsonl.
    With a COMMAND it exits with the command's status (6 when it never launched a kernel); with --fail-on
    new|any, 1 when compiler failures were found (`new`: signatures not in --repros).
    """

    def go() -> int:
        from reducer.capture.discovery import is_capture_dir
        from reducer.sweep.run import SweepRequest

        options = Options.from_cli(target, npu_options)
        refuse_ignored(None, options, npu_options)  # an --option no stage takes for the target
        path, command = split_args(args)
        if path is None and not command:
            raise UsageError("nothing to sweep", "pass a capture/dump folder or `-- COMMAND ...`")
        if path is not None and not path.is_dir():
            raise InputError(f"{path}: not a folder", "sweep a capture or dump folder (`reducer capture` makes one)")
        end = None
        if command:
            path, end = _capture_first(command, out, options, npu, quiet, given_options(options, npu_options), timeout)
            if not end.units:  # nothing to sweep: say why, never "no failing kernel"
                return decide(end, environment=[], failures=[], fail_on=fail_on)
        assert path is not None
        dest = out or (path if is_capture_dir(path) else Path.cwd() / f"sweep-{path.resolve().name}")
        request = SweepRequest(
            root=path, out=dest, repros=repros, options=options, jobs=jobs or os.cpu_count() or 1, timeout=timeout,
            max_time_per_bug=max_time_per_bug, kernels_per_signature=kernels_per_signature, reduce=not no_reduce,
            reduce_known=reduce_known, matrix=with_matrix, ray=ray_address, fit=not no_fit, fit_time=fit_time,
        )
        code, triage = _sweep(request, quiet=quiet, as_json=as_json)
        if code != exitcodes.OK or triage is None:
            return code
        return decide(end, environment=[], failures=sweep_failures(triage, fail_on), fail_on=fail_on)

    run_guarded(go)


def _capture_first(
    command: list[str], out: Path | None, options: Options, npu: bool | None, quiet: bool, forced: dict[str, Any],
    timeout: float,
) -> tuple[Path, CommandEnd]:
    """`sweep -- COMMAND`: capture its launches into the folder the sweep then reads."""
    from reducer.cli.watch import run_watched

    run, end = run_watched(command, out, options.target, npu=npu, quiet=quiet, options=forced,
                           stage_timeout=timeout)  # a stage that hangs while capturing: the same limit as a replay
    echo(
        f"reducer: captured {compile_units(run.kernels)} in {run.seconds:.1f}s (command exit {run.returncode})",
        err=True,
    )
    return run.out, end


def _sweep(request: SweepRequest, *, quiet: bool, as_json: bool) -> tuple[int, dict[str, Any] | None]:
    """Run the sweep (Ctrl-C keeps what is done), then print triage.json or its summary; the code and the triage."""
    from reducer.cli.status import StatusLine
    from reducer.sweep.run import Sweep

    line = StatusLine(enabled=not quiet)
    job = Sweep(request, status=line.update)
    box: dict[str, Any] = {}
    # Ray prints cluster events (a node marked dead) on stdout: keep stdout for the summary or --json.
    quiet_stdout = contextlib.redirect_stdout(sys.stderr) if request.ray else contextlib.nullcontext()
    with quiet_stdout:
        interrupted = run_interruptibly(lambda: box.setdefault("result", job.run()), job.stop)
    line.done()
    result = box.get("result")
    if result is None:
        return exitcodes.INTERRUPTED, None
    data = json.loads((request.out / "triage.json").read_text())
    for line in _unusable_lines(data):  # one line each on stderr, whatever stdout holds
        echo(f"reducer: {line}", err=True)
    if as_json:
        echo(json.dumps(data, indent=2, sort_keys=True))
    else:
        echo(_sweep_summary(data, request.out))
    return (exitcodes.INTERRUPTED, data) if interrupted else (exitcodes.OK, data)


def _sweep_summary(data: dict[str, Any], dest: Path) -> str:
    s = data["summary"]
    rows = [
        (g["id"], g["status"], str(len(g["kernels"])), ", ".join(g["kernels"])[:60], g["repro"] or "-")
        for g in data["signatures"]
    ]
    nothing = "no failing kernel" if s["units"] else "no kernel was checked"  # never claimed when none ran
    out = [text_table(rows, ("signature", "status", "n", "kernels", "repro"))] if rows else [nothing]
    status = ", ".join(f"{v} {k}" for k, v in sorted(s["status"].items())) or "none"
    out.append(
        f"\n{s['units']} compile units of {s['kernels']} kernels, {s['files']} IR files ({s['replayed']} replayed, "
        f"{s['resumed']} from the state file, {s['checked'] - s['replayed']} passed in the capture), "
        f"{s['signatures']} signatures ({status}), {s['frontend_errors']} frontend errors, {s['seconds']}s"
    )
    out += _limits_summary(data)
    if s.get("executor", "local") != "local":
        out.append(f"ran on {s['executor']} (connected in {s.get('executor_setup', 0)}s)")
    if s.get("lost"):
        out.append(f"{s['lost']} tasks were lost with their workers and not recorded: run the sweep again to do them")
    if s.get("transient"):
        out.append(f"{s['transient']} reductions could not write their result (a full disk, an I/O error, a refused "
                   "link: each signature's note says which) and were not recorded: run the sweep again to retry them")
    out += _skipped_summary(data)
    if s.get("broken"):
        out.append(f"{s['broken']} broken artifacts were left out (the BROKEN lines; triage.json `broken`)")
    out.append(f"triage: {dest / 'triage.md'} (.json, .html)")
    return "\n".join(out)


def _unusable_lines(data: dict[str, Any]) -> list[str]:
    """A BROKEN line per artifact the sweep could not use (path, kind, why), and its warnings."""
    lines = [f"BROKEN {b['kind']} {b['path']}: {b['why']}" for b in data.get("broken") or []]
    return lines + [f"warning: {w}" for w in data.get("warnings") or []]


def _skipped_summary(data: dict[str, Any], shown: int = 5) -> list[str]:
    """The IR files the sweep did not read (too large, not regular files): never skipped without a word."""
    skipped = data.get("skipped") or []
    if not skipped:
        return []
    lines = [f"{len(skipped)} IR files were not checked:"]
    lines += [f"  {s['path']}: {s['why']}" for s in skipped[:shown]]
    if len(skipped) > shown:
        lines.append(f"  and {len(skipped) - shown} more (triage.json `skipped`)")
    return lines


def _limits_summary(data: dict[str, Any]) -> list[str]:
    """The units that hit a resource limit: not bugs; what fits, and the fit search's time per unit."""
    limits = data.get("resource_limits") or []
    if not limits:
        return []
    fit = data["summary"].get("fit") or {}
    units: dict[tuple[str, str], int] = {}  # one line per kernel and suggestion: autotune slots share one
    for r in limits:
        units[(r["kernel"], r["suggestion"])] = units.get((r["kernel"], r["suggestion"]), 0) + 1
    rows = [(kernel, str(n), text[:100]) for (kernel, text), n in units.items()]
    per = fit.get("seconds_per_unit")
    timing = f", {per}s per unit searched (at most {fit.get('seconds_max')}s)" if per is not None else ""
    return [
        f"\n{len(limits)} units hit a resource limit (the config's to fix, not compiler bugs; "
        f"{fit.get('fits', 0)} of {fit.get('searches', 0)} fit searches found a config that fits, "
        f"{fit.get('anomalies', 0)} anomalous{timing}):",
        text_table(rows, ("kernel", "units", "suggestion")),
    ]
