"""`reducer capture` and `reducer sweep`: from a user's workload (or its dumps, or its log) to a triage table."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from reducer.capture.record import config_label, failed_where
from reducer.cli import exitcodes
from reducer.cli.guard import run_guarded, run_interruptibly
from reducer.cli.options import SECONDS, npu_option, target_option, timeout_option
from reducer.errors import InputError, UsageError
from reducer.stage import table as stages
from reducer.stage.options import Options

# Options may follow PATH; after `--` nothing is parsed, so the command keeps its own options.
_PASSTHROUGH = {"ignore_unknown_options": True}


def _split(args: tuple[str, ...]) -> tuple[Path | None, list[str]]:
    """One existing folder or non-Python file is a PATH to inspect; anything else is a COMMAND to run."""
    if len(args) == 1 and not args[0].endswith(".py") and Path(args[0]).exists():
        return Path(args[0]), []
    command = list(args)
    if command and command[0].endswith(".py"):
        command.insert(0, sys.executable)  # `reducer capture -- script.py` runs it with this Python
    return None, command


def _npu_flag(f: Any) -> Any:
    return click.option(
        "--npu/--no-npu",
        "npu",
        default=None,
        help="Force NPU mode (just set dump variables) or compile-only mode [default: detect].",
    )(f)


def _table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in [header, *rows]]
    return "\n".join(lines)


def _rel(path: Path | str, root: Path) -> str:
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return str(path)


# --- capture ------------------------------------------------------------------------------------


@click.command(context_settings=_PASSTHROUGH)
@click.argument("args", nargs=-1, type=click.UNPROCESSED, metavar="PATH | -- COMMAND...")
@target_option
@click.option("-o", "--out", type=click.Path(path_type=Path), help="Capture folder [default: ./capture-<time>].")
@click.option(
    "--dump",
    "dumps",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="With a log: dump or cache folders to search for the failing kernel's IR (repeatable).",
)
@_npu_flag
@click.option(
    "--shims/--no-shims",
    default=True,
    show_default=True,
    help="Retry launches that hit a known frontend incompatibility with its shim (both are recorded).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def capture(
    args: tuple[str, ...],
    target: str | None,
    out: Path | None,
    dumps: tuple[Path, ...],
    npu: bool | None,
    shims: bool,
    as_json: bool,
) -> None:
    """Find kernel IR in PATH (dump folder, Triton cache, or a log), or run COMMAND and capture every launch.

    \b
    reducer capture ~/.triton/dump                  list kernels, their IR files and the stage each replays
    reducer capture pytest.log --dump ~/dumps       name the failing stage and kernel, point at its IR
    reducer capture -- python my_launch.py          no NPU: each kernel[grid](...) compiles for --target
    reducer capture -o cap -- pytest tests/ -x      (with an NPU: runs with TRITON_KERNEL_DUMP on)
    """

    def go() -> int:
        path, command = _split(args)
        if path is None and not command:
            raise UsageError("nothing to capture", "pass a dump folder, a log file, or `-- COMMAND ...`")
        if path is not None and path.is_dir():
            return _capture_folder(path, as_json)
        if path is not None:
            return _capture_log(path, dumps, as_json)
        options = Options.from_cli(target, ())  # validates --target before running anything
        return _capture_command(command, options.target, out, npu, as_json, shims)

    run_guarded(go)


def _capture_folder(path: Path, as_json: bool) -> int:
    from reducer.capture.discovery import discover

    found = discover(path)
    if as_json:
        click.echo(json.dumps([c.to_dict() for c in found], indent=2))
        return exitcodes.OK
    if not found:
        raise InputError(
            f"{path}: no {' / '.join(s.input_kind for s in stages.all_stages())} IR files found",
            "dump with TRITON_KERNEL_DUMP=1 TRITON_ALWAYS_COMPILE=1, or use `reducer capture -- CMD`",
        )
    rows = [
        (
            c.kernel,
            c.kind,
            f"{c.stage.name} ({c.stage.tool})",
            c.outcome or "-",
            _rel(c.path, path) + (f" (+{len(c.duplicates)} copies)" if c.duplicates else ""),
        )
        for c in found
    ]
    click.echo(_table(rows, ("kernel", "ir", "replays", "captured", "file")))
    click.echo(
        f"\n{len({c.kernel for c in found})} kernels, {len(found)} distinct IR files. "
        f"Next: reducer check FILE, or reducer sweep {path}"
    )
    return exitcodes.OK


def _capture_log(path: Path, dumps: tuple[Path, ...], as_json: bool) -> int:
    from reducer.capture.logs import looks_like_log, match_log, parse_log, version_mismatches
    from reducer.stage.toolchain import versions

    text = path.read_text(errors="replace")
    if not looks_like_log(text):
        raise InputError(
            f"{path}: no MLIRCompilationError or stage tag ({', '.join(s.log_tag for s in stages.all_stages())})",
            "pass the pytest or console log of the failing run, or a dump folder",
        )
    failures = parse_log(text)
    for line in version_mismatches(text, versions()):
        click.echo(f"reducer: warning: {line}", err=True)
    folders = list(dumps) or [p for p in (path.parent,) if p.is_dir()]
    match_log(failures, folders)
    if as_json:
        click.echo(json.dumps([f.to_dict() for f in failures], indent=2))
        return exitcodes.OK
    for i, f in enumerate(failures, 1):
        tag = f.to_dict()["tag"]
        click.echo(f"[{i}] line {f.line}: [{tag}] -> stage {f.stage.name} ({f.stage.tool})")
        click.echo(f"    kernel:  {f.kernel or 'unknown (no launch line in the traceback)'}")
        click.echo(f"    message: {f.message or '(none)'}")
        if f.cache_dir:
            click.echo(f"    cache:   {f.cache_dir}")
        if f.matches:
            for m in f.matches:
                click.echo(f"    IR:      {m.path}  ({m.kernel}, replays {m.stage.name})")
            click.echo(f"    next:    reducer check {f.matches[0].path}")
        else:
            where = ", ".join(str(d) for d in folders) or "nowhere"
            click.echo(
                f"    IR:      not found in {where}; rerun with TRITON_KERNEL_DUMP=1 TRITON_ALWAYS_COMPILE=1 "
                "and pass --dump DIR, or use `reducer capture -- COMMAND`"
            )
    return exitcodes.OK


def _capture_command(
    command: list[str], target: str, out: Path | None, npu: bool | None, as_json: bool, shims: bool = True
) -> int:
    from reducer.capture.command import default_out, run_command

    folder = out or default_out(Path.cwd())
    click.echo(f"reducer: capturing into {folder}", err=True)
    run = run_command(command, folder, target, npu=npu, shims=shims)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "out": str(run.out),
                    "returncode": run.returncode,
                    "mode": run.mode,
                    "seconds": round(run.seconds, 2),
                    "kernels": run.kernels,
                },
                indent=2,
                default=str,
            )
        )
        return exitcodes.OK
    if run.kernels and all("replays" in k for k in run.kernels):  # dumps written by Triton (an NPU host)
        return _dump_summary(run)
    rows = []
    for k in sorted(
        run.kernels, key=lambda k: (k.get("kernel", ""), k.get("autotune_index") or 0, k.get("folder", ""))
    ):
        files = ", ".join((k.get("files") or {}).values()) or "-"
        rows.append(
            (
                k.get("kernel", "?"),
                k.get("outcome") or "-",
                failed_where(k),
                config_label(k),
                _rel(k.get("folder", ""), run.out),
                files,
            )
        )
    if rows:
        click.echo(_table(rows, ("kernel", "outcome", "stage", "config", "folder", "files")))
    counts: dict[str, int] = {}
    for k in run.kernels:
        counts[str(k.get("outcome"))] = counts.get(str(k.get("outcome")), 0) + 1
    summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "no kernel launched"
    click.echo(
        f"\ncaptured {_units(run.kernels)} ({summary}) in {run.seconds:.1f}s, mode {run.mode}; "
        f"command exit {run.returncode}"
    )
    click.echo(f"written to {run.out} (index.json). Next: reducer sweep {run.out}")
    if run.returncode != 0:
        # The command stopped early: launches after that point were never captured.
        click.echo(
            f"reducer: warning: the command exited {run.returncode}; launches after its error were not "
            "captured (see its output above)",
            err=True,
        )
    return exitcodes.OK


def _dump_summary(run: Any) -> int:
    """Triton wrote the IR (TRITON_KERNEL_DUMP): one compile unit per kernel and dump folder; the outcomes are
    the sweep's to find (the launches ran on the device)."""
    units: dict[tuple[str, str], list[str]] = {}
    for k in run.kernels:
        path = Path(k["path"])
        units.setdefault((k["kernel"], str(path.parent)), []).append(path.name)
    rows = [
        (kernel, _rel(folder, run.out), ", ".join(sorted(files))) for (kernel, folder), files in sorted(units.items())
    ]
    click.echo(_table(rows, ("kernel", "folder", "files")))
    kernels = len({kernel for kernel, _folder in units})
    click.echo(
        f"\ncaptured {len(units)} compile units of {kernels} kernel{'s' if kernels != 1 else ''} "
        f"({len(run.kernels)} IR files) in {run.seconds:.1f}s, mode {run.mode}; command exit {run.returncode}"
    )
    click.echo(f"written to {run.out} (index.json). Next: reducer sweep {run.out} (replays each stage)")
    if run.returncode != 0:
        click.echo(f"reducer: warning: the command exited {run.returncode}; later launches were not captured", err=True)
    return exitcodes.OK


def _units(records: list[dict]) -> str:
    """Launches are compile units (kernel + specialisation): say how many, and of how many kernels (as sweep counts)."""
    kernels = len({r.get("kernel") for r in records})
    return f"{len(records)} compile units of {kernels} kernel{'s' if kernels != 1 else ''}"


# --- sweep --------------------------------------------------------------------------------------


@click.command(context_settings=_PASSTHROUGH)
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
@click.option(
    "--repros",
    type=click.Path(path_type=Path),
    default=Path("repros"),
    show_default=True,
    help="Repro suite to save into (deduped by signature).",
)
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
@_npu_flag
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
    npu: bool | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Check every captured kernel, group failures by signature, reduce one per group, write a triage table.

    \b
    reducer sweep capture-20261125-101500/          a capture folder, dump folder or Triton cache
    reducer sweep -j 8 -- python my_launch.py       capture first, then sweep
    reducer sweep --ray auto capture-dir/           checks and reductions on a Ray cluster
    Rerunning with the same -o resumes from its state.jsonl.
    """

    def go() -> int:
        from reducer.capture.command import default_out, run_command
        from reducer.capture.discovery import is_capture_dir
        from reducer.cli.status import StatusLine
        from reducer.sweep.run import Sweep, SweepRequest

        options = Options.from_cli(target, npu_options)
        path, command = _split(args)
        if path is None and not command:
            raise UsageError("nothing to sweep", "pass a capture/dump folder or `-- COMMAND ...`")
        if path is not None and not path.is_dir():
            raise InputError(f"{path}: not a folder", "sweep a capture or dump folder (`reducer capture` makes one)")
        if command:
            folder = out or default_out(Path.cwd())
            click.echo(f"reducer: capturing into {folder}", err=True)
            run = run_command(command, folder, options.target, npu=npu)
            click.echo(
                f"reducer: captured {_units(run.kernels)} in {run.seconds:.1f}s (command exit {run.returncode})",
                err=True,
            )
            path = folder
        assert path is not None
        dest = out or (path if is_capture_dir(path) else Path.cwd() / f"sweep-{path.resolve().name}")
        request = SweepRequest(
            root=path,
            out=dest,
            repros=repros,
            options=options,
            jobs=jobs or os.cpu_count() or 1,
            timeout=timeout,
            max_time_per_bug=max_time_per_bug,
            kernels_per_signature=kernels_per_signature,
            reduce=not no_reduce,
            reduce_known=reduce_known,
            matrix=with_matrix,
            ray=ray_address,
        )
        line = StatusLine(enabled=not quiet)
        job = Sweep(request, status=line.update)
        box: dict[str, Any] = {}
        # Ray prints cluster events (a node marked dead) on stdout: keep stdout for the summary or --json.
        quiet_stdout = contextlib.redirect_stdout(sys.stderr) if ray_address else contextlib.nullcontext()
        with quiet_stdout:
            interrupted = run_interruptibly(lambda: box.setdefault("result", job.run()), job.stop)
        line.done()
        result = box.get("result")
        if result is None:
            return exitcodes.INTERRUPTED
        data = json.loads((dest / "triage.json").read_text())
        if as_json:
            click.echo(json.dumps(data, indent=2, sort_keys=True))
        else:
            click.echo(_sweep_summary(data, dest))
        return exitcodes.INTERRUPTED if interrupted else exitcodes.OK

    run_guarded(go)


def _sweep_summary(data: dict[str, Any], dest: Path) -> str:
    s = data["summary"]
    rows = [
        (g["id"], g["status"], str(len(g["kernels"])), ", ".join(g["kernels"])[:60], g["repro"] or "-")
        for g in data["signatures"]
    ]
    out = [_table(rows, ("signature", "status", "n", "kernels", "repro"))] if rows else ["no failing kernel"]
    status = ", ".join(f"{v} {k}" for k, v in sorted(s["status"].items())) or "none"
    out.append(
        f"\n{s['units']} compile units of {s['kernels']} kernels, {s['files']} IR files ({s['replayed']} replayed, "
        f"{s['resumed']} from the state file, {s['checked'] - s['replayed']} passed in the capture), "
        f"{s['signatures']} signatures ({status}), {s['frontend_errors']} frontend errors, {s['seconds']}s"
    )
    if s.get("executor", "local") != "local":
        out.append(f"ran on {s['executor']} (connected in {s.get('executor_setup', 0)}s)")
    if s.get("lost"):
        out.append(f"{s['lost']} tasks were lost with their workers and not recorded: run the sweep again to do them")
    out.append(f"triage: {dest / 'triage.md'} (.json, .html)")
    return "\n".join(out)
