"""`reducer report`: the click command (registered in cli.py)."""

from __future__ import annotations

from pathlib import Path

import click

from reducer.cli import exitcodes
from reducer.cli.guard import run_guarded
from reducer.cli.options import (
    env_option,
    npu_option,
    out_dir_option,
    replay_setup,
    stage_option,
    target_option,
    timeout_option,
)
from reducer.cli.status import echo
from reducer.report.forms import TRACKERS


@click.command()
@click.argument("repro", type=click.Path(path_type=Path))
@out_dir_option("Folder for issue.md and bundle.tar.gz [default: ./report-<signature id>].")
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Only scan REPRO (a report folder or file) for private data: exit 1 listing what leaks.",
)
@click.option(
    "--input",
    "original",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The original, unreduced input, attached to the bundle.",
)
@stage_option
@target_option
@npu_option
@env_option
@click.option(
    "--secret",
    "secrets",
    multiple=True,
    metavar="WORD",
    help="Another word to redact (a project or cluster name); repeatable.",
)
@click.option(
    "--include-source",
    is_flag=True,
    help="Put the failing launch as repro.py (the kernel's own code, redacted) into the bundle; it is always "
    "written beside issue.md when the repro came from a capture unit.",
)
@click.option(
    "--keep-locations",
    is_flag=True,
    help="Put the kernel's source lines behind the repro (from the reduce sidecar) into the issue, redacted.",
)
@click.option(
    "--tracker",
    "site",
    type=click.Choice(TRACKERS),
    default="gitcode",
    show_default=True,
    help="Where the issue is filed: the projects' gitcode form, or the GitHub repository's own form.",
)
@timeout_option
def report(
    repro: Path,
    out_dir: Path | None,
    check_only: bool,
    original: Path | None,
    stage: str | None,
    target: str | None,
    npu_options: tuple[str, ...],
    env_items: tuple[str, ...],
    secrets: tuple[str, ...],
    site: str,
    keep_locations: bool,
    include_source: bool,
    timeout: float,
) -> None:
    """Write an upstream issue (issue.md) and an attachment bundle for REPRO, redacted.

    REPRO is a saved repro (repros/<stage>/NNNN-*.mlir) or any failing IR file; a `reducer reduce`
    sidecar (REPRO.json) next to it fills in the origin. A capture's launch folder that the frontend
    rejected gets an issue of its own (the exception, the launch, the shim). With --check, REPRO is a
    report folder or file to scan: exit 0 when clean, 1 when private data remains.
    """

    def go() -> int:
        from reducer.report.compiler import write_report
        from reducer.report.frontend import is_frontend_finding, write_frontend_report
        from reducer.repro.artifact import load
        from reducer.safety.leaks import find_leaks

        if check_only:
            leaks = find_leaks(repro, secrets)
            for leak in leaks:
                echo(f"{leak.where}: {leak.text}")
            if leaks:
                echo(f"reducer: {len(leaks)} private strings left in {repro}", err=True)
                return exitcodes.NOT_INTERESTING
            echo(f"{repro}: clean")
            return exitcodes.OK
        if is_frontend_finding(repro):  # a capture's launch folder: the frontend rejected it, no IR to replay
            echo(write_frontend_report(repro, out_dir, secrets).message)
            return exitcodes.OK
        given = load(repro)  # the one read of REPRO: a folder, a pipe or a missing file is one line, before anything
        spec, opts, env = replay_setup(given, stage, target, npu_options, env_items)
        result = write_report(
            given, out_dir, original=original, sidecar=given.sidecar, options=opts, stage=spec, secrets=secrets,
            timeout=timeout, env=env, site=site, keep_locations=keep_locations, include_source=include_source,
        )
        echo(result.message)
        return exitcodes.OK

    run_guarded(go)
