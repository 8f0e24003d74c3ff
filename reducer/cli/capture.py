"""`reducer capture`: a user's workload (or its dumps, or its log) to the kernels and IR files it holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from reducer.capture.record import config_label, failed_where
from reducer.cli import exitcodes
from reducer.cli.gate import (
    CommandEnd,
    capture_failures,
    decide,
    environment_errors,
    fail_on_option,
)
from reducer.cli.guard import run_guarded
from reducer.cli.options import (
    PASSTHROUGH,
    given_options,
    npu_flag,
    npu_option,
    repros_option,
    split_args,
    target_option,
)
from reducer.cli.status import echo
from reducer.errors import InputError, UsageError
from reducer.safety.names import terminal_line
from reducer.stage import table as stages
from reducer.stage.options import Options

if TYPE_CHECKING:
    from reducer.capture.command import CaptureRun


def text_table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    """Columns padded to their widest cell, for the terminal (capture's and sweep's listings); each cell one line
    (a kernel named with a newline stays in its row)."""
    cells = [[terminal_line(c) for c in row] for row in [header, *rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    return "\n".join(lines)


def _rel(path: Path | str, root: Path) -> str:
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return str(path)


@click.command(context_settings=PASSTHROUGH)
@click.argument("args", nargs=-1, type=click.UNPROCESSED, metavar="PATH | -- COMMAND...")
@target_option
@npu_option
@click.option("-o", "--out", type=click.Path(path_type=Path), help="Capture folder [default: ./capture-<time>].")
@click.option(
    "--dump",
    "dumps",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="With a log: dump or cache folders to search for the failing kernel's IR (repeatable).",
)
@npu_flag
@click.option(
    "--shims/--no-shims",
    default=True,
    show_default=True,
    help="Retry launches that hit a known frontend incompatibility with its shim (both are recorded).",
)
@fail_on_option
@repros_option("With --fail-on new: the repro suite whose signatures are not new.", name="repros")
@click.option("--with-data", is_flag=True,
              help="Keep each launch's tensors (inputs.pt in its unit, up to 64 MiB) for `reducer script --with-data`.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--quiet", "-q", is_flag=True, help="No status line while the command runs.")
def capture(
    args: tuple[str, ...],
    target: str | None,
    npu_options: tuple[str, ...],
    out: Path | None,
    dumps: tuple[Path, ...],
    npu: bool | None,
    shims: bool,
    fail_on: str | None,
    repros: Path,
    with_data: bool,
    as_json: bool,
    quiet: bool,
) -> None:
    """Find kernel IR in PATH (dump folder, Triton cache, or a log), or run COMMAND and capture every launch.

    \b
    reducer capture ~/.triton/dump                  list kernels, their IR files and the stage each replays
    reducer capture pytest.log --dump ~/dumps       name the failing stage and kernel, point at its IR
    reducer capture -- python my_launch.py          no NPU: each kernel[grid](...) compiles for --target
    reducer capture -o cap -- pytest tests/ -x      (with an NPU: runs with TRITON_KERNEL_DUMP on)

    With a COMMAND it exits with the command's status; 6 when the command never launched a kernel, 4 on an
    environment error, and with --fail-on new|any 1 when compiler failures were found.
    """

    def go() -> int:
        path, command = split_args(args)
        if path is None and not command:
            raise UsageError("nothing to capture", "pass a dump folder, a log file, or `-- COMMAND ...`")
        if path is not None and path.is_dir():
            return _capture_folder(path, as_json)
        if path is not None:
            return _capture_log(path, dumps, as_json)
        from reducer.stage.table import refuse_ignored

        options = Options.from_cli(target, npu_options)  # validates --target and --option before running anything
        refuse_ignored(None, options, npu_options)
        forced = given_options(options, npu_options)
        if with_data:
            import os

            from reducer.capture.launch_args import ENV_WITH_DATA

            os.environ[ENV_WITH_DATA] = "1"  # the command's processes inherit it
        run, end = _capture_command(command, options.target, out, npu, as_json, shims, quiet, forced)
        failures = [] if end.units == 0 else capture_failures(run.kernels, fail_on, repros)
        return decide(end, environment=environment_errors(run.kernels), failures=failures, fail_on=fail_on)

    run_guarded(go)


def _capture_folder(path: Path, as_json: bool) -> int:
    from reducer.capture.discovery import discover
    from reducer.safety.artifacts import Unusable

    unusable = Unusable()
    found = discover(path, unusable)
    for item in unusable.broken:  # reported, never the end of the listing
        echo(f"reducer: {item.line()}", err=True)
    for skipped in unusable.skipped:
        echo(f"reducer: not listed: {skipped.path}: {skipped.why}", err=True)
    if as_json:
        echo(json.dumps([c.to_dict() for c in found], indent=2))
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
    echo(text_table(rows, ("kernel", "ir", "replays", "captured", "file")))
    echo(
        f"\n{len({c.kernel for c in found})} kernels, {len(found)} distinct IR files. "
        f"Next: reducer check FILE, or reducer sweep {path}"
    )
    return exitcodes.OK


def _capture_log(path: Path, dumps: tuple[Path, ...], as_json: bool) -> int:
    from reducer.capture.logs import (
        looks_like_log,
        match_log,
        parse_log,
        read_log,
        search_folders,
        version_mismatches,
    )
    from reducer.stage.toolchain import versions

    text = read_log(path)  # a regular file of bounded size: a FIFO or /dev/zero is refused at once
    if not looks_like_log(text):
        raise InputError(
            f"{path}: no MLIRCompilationError or stage tag ({', '.join(s.log_tag for s in stages.all_stages())})",
            "pass the pytest or console log of the failing run, or a dump folder",
        )
    failures = parse_log(text)
    for line in version_mismatches(text, versions()):
        echo(f"reducer: warning: {line}", err=True)
    folders = search_folders(path, dumps)
    match_log(failures, folders)
    if as_json:
        echo(json.dumps([f.to_dict() for f in failures], indent=2))
        return exitcodes.OK
    for i, f in enumerate(failures, 1):
        tag = f.to_dict()["tag"]
        echo(f"[{i}] line {f.line}: [{tag}] -> stage {f.stage.name} ({f.stage.tool})")
        echo(f"    kernel:  {f.kernel or 'unknown (no launch line in the traceback)'}")
        echo(f"    message: {f.message or '(none)'}")
        if f.cache_dir:
            echo(f"    cache:   {f.cache_dir}")
        if f.matches:
            for m in f.matches:
                echo(f"    IR:      {m.path}  ({m.kernel}, replays {m.stage.name})")
            echo(f"    next:    reducer check {f.matches[0].path}")
        else:
            where = ", ".join(str(d) for d in folders) or "nowhere"
            echo(
                f"    IR:      not found in {where}; rerun with TRITON_KERNEL_DUMP=1 TRITON_ALWAYS_COMPILE=1 "
                "and pass --dump DIR, or use `reducer capture -- COMMAND`"
            )
    return exitcodes.OK


def _capture_command(
    command: list[str],
    target: str,
    out: Path | None,
    npu: bool | None,
    as_json: bool,
    shims: bool,
    quiet: bool,
    forced: dict[str, Any],
) -> tuple[CaptureRun, CommandEnd]:
    """Run and list what was captured; the exit code is the gate's (`decide`)."""
    from reducer.cli.watch import run_watched

    run, end = run_watched(command, out, target, npu=npu, shims=shims, quiet=quiet, options=forced)
    _list_captured(run, as_json)
    return run, end


def _list_captured(run: CaptureRun, as_json: bool) -> None:
    if as_json:
        echo(
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
        return
    if run.kernels and all("replays" in k for k in run.kernels):  # dumps written by Triton (an NPU host)
        _dump_summary(run)
        return
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
        echo(text_table(rows, ("kernel", "outcome", "stage", "config", "folder", "files")))
    counts: dict[str, int] = {}
    for k in run.kernels:
        counts[str(k.get("outcome"))] = counts.get(str(k.get("outcome")), 0) + 1
    summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "no kernel launched"
    echo(
        f"\ncaptured {compile_units(run.kernels)} ({summary}) in {run.seconds:.1f}s, mode {run.mode}; "
        f"command exit {run.returncode}"
    )
    echo(f"written to {run.out} (index.json)" + (f". Next: reducer sweep {run.out}" if run.kernels else ""))
    if run.returncode != 0 and run.kernels:
        # The command stopped early: launches after that point were never captured.
        echo(
            f"reducer: warning: the command exited {run.returncode}; launches after its error were not "
            "captured (see its output above)",
            err=True,
        )


def _dump_summary(run: Any) -> None:
    """Triton wrote the IR (TRITON_KERNEL_DUMP): one compile unit per kernel and dump folder; the outcomes are
    the sweep's to find (the launches ran on the device)."""
    units: dict[tuple[str, str], list[str]] = {}
    for k in run.kernels:
        path = Path(k["path"])
        units.setdefault((k["kernel"], str(path.parent)), []).append(path.name)
    rows = [
        (kernel, _rel(folder, run.out), ", ".join(sorted(files))) for (kernel, folder), files in sorted(units.items())
    ]
    echo(text_table(rows, ("kernel", "folder", "files")))
    kernels = len({kernel for kernel, _folder in units})
    echo(
        f"\ncaptured {len(units)} compile units of {kernels} kernel{'s' if kernels != 1 else ''} "
        f"({len(run.kernels)} IR files) in {run.seconds:.1f}s, mode {run.mode}; command exit {run.returncode}"
    )
    echo(f"written to {run.out} (index.json). Next: reducer sweep {run.out} (replays each stage)")
    if run.returncode != 0:
        echo(f"reducer: warning: the command exited {run.returncode}; later launches were not captured", err=True)


def compile_units(records: list[dict]) -> str:
    """Launches are compile units (kernel + specialisation): say how many, and of how many kernels (as sweep counts)."""
    kernels = len({r.get("kernel") for r in records})
    return f"{len(records)} compile units of {kernels} kernel{'s' if kernels != 1 else ''}"
