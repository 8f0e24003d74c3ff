"""`reducer save`, `reducer recheck` and `reducer export-test`: the lit suite of repros and its way upstream."""

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
    repros_option,
    stage_option,
    target_option,
    timeout_option,
)
from reducer.cli.status import echo


@click.command()
@click.argument("ir_file", metavar="IR", type=click.Path(path_type=Path))
@repros_option()
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
        for broken in result.broken:
            echo(f"reducer: {broken.line()} (left out of the dedupe)", err=True)
        if result.warning:
            echo(f"reducer: warning: {result.warning}", err=True)
        echo(result.message)
        return exitcodes.OK

    run_guarded(go)


@click.command()
@repros_option()
@click.option("--dry-run", is_flag=True, help="Report only; move nothing.")
@click.option("--matrix", "with_matrix", is_flag=True,
              help="Also replay each still-failing repro on every release and record it in its header.")
def recheck(repros_dir: Path, dry_run: bool, with_matrix: bool) -> None:
    """Replay every repro with its own options; move the ones fixed in the installed toolchain to repros/fixed/."""

    def go() -> int:
        from reducer.repro.recheck import recheck as run_recheck

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
            if entry.old_id is not None:
                done = "would be rewritten: dry run" if dry_run else "header rewritten"
                state += f"; id was {entry.old_id} ({entry.old_why}; {done})"
            if entry.refiled_to is not None:
                state += f"; a resource limit, not a compiler bug: moved to {entry.refiled_to}"
            echo(f"{entry.path}  {entry.signature_id}  {state}")
        echo(
            f"{len(entries)} repros, {len(entries) - changed} still reproduce, {changed} fixed, changed or broken"
        )
        return exitcodes.NOT_INTERESTING if changed else exitcodes.OK

    run_guarded(go)


def _record_matrix(path: Path, record: bool) -> str:
    """The matrix verdict of one repro, recorded in its header (`reducer matrix --record`) unless a dry run."""
    from reducer.cli.matrix import record_matrix

    return record_matrix(path, record=record)


@click.command("export-test")
@click.argument("repro", type=click.Path(path_type=Path))
@out_dir_option(
    "Folder standing for the upstream repository's root: the test lands at its path inside.", Path("upstream-tests")
)
@stage_option
@target_option
@npu_option
@env_option
@timeout_option
@click.option("--json", "as_json", is_flag=True,
              help="Print what is known about the test (signature, options, versions, why XFAIL) as JSON.")
def export_test(
    repro: Path,
    out_dir: Path,
    stage: str | None,
    target: str | None,
    npu_options: tuple[str, ...],
    env_items: tuple[str, ...],
    timeout: float,
    as_json: bool,
) -> None:
    """Write REPRO as a test in the upstream suite's own format (single pass, bare tools, no custom features).

    A diagnostic the pass means to give becomes a -verify-diagnostics test (PASS); a crash or a lowering known
    to be broken a test of the correct output marked XFAIL (the fix makes it XPASS). Only the test is written
    into DIR, named like its neighbours, never over another file. Prints the path inside the upstream repository.
    """

    def go() -> int:
        from reducer.errors import NotInteresting
        from reducer.failure.replay import Replay
        from reducer.repro.artifact import load, sidecar_path
        from reducer.repro.suite import refuse_resource_limit, repro_of
        from reducer.repro.upstream import export_test as export
        from reducer.stage.source import stage_of

        given = load(repro)  # the one read of REPRO: its text, header and provenance come from here
        spec, opts, env = replay_setup(given, stage, target, npu_options, env_items)
        spec = stage_of(repro, given.text, spec)
        text = given.ir
        obs = Replay(spec, opts, timeout, env).observe(text, find_pass=True)
        if obs.signature is None:
            raise NotInteresting(f"{repro}: does not fail ({obs.outcome.label})", "export a failing repro")
        saved = repro_of(given)
        if saved is not None and saved.signature.id != obs.signature.id:
            raise NotInteresting(
                f"{repro}: now shows {obs.signature.id}, not its header's {saved.signature.id}",
                "the bug may be fixed: `reducer recheck`",
            )
        anomaly = saved.anomaly if saved is not None else None
        refuse_resource_limit(repro, obs.signature, anomaly, "test")
        result = export(spec, text, opts, obs.signature, out_dir,
                        inputs=(repro, sidecar_path(repro)), timeout=timeout, env=env, anomaly=anomaly)
        if as_json:
            echo(result.test.about.rstrip("\n"))
            return exitcodes.OK
        echo(result.message)
        echo(str(result.relative))
        return exitcodes.OK

    run_guarded(go)

