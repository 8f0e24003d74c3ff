"""`reducer matrix`: the click command (registered in cli.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from reducer.cli import exitcodes
from reducer.cli.guard import run_guarded
from reducer.cli.options import env_option, npu_option, replay_setup, stage_option, target_option, timeout_option
from reducer.cli.status import echo


@click.command()
@click.argument("subject", metavar="FILE|REPRO|DIR", type=click.Path(path_type=Path))
@click.option("--package", default=None, help="The wheel whose releases to try [default: the stage's].")
@click.option("--versions", default=None, metavar="V,...", help="Releases to try [default: every one pip can see].")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON list per file (a dict of lists for a DIR).")
@click.option("--record", is_flag=True, help="Write the result into each repro's header (affected releases).")
@click.option("--expect", metavar="SIG", help="Compare with this bug (id or file) instead of FILE's own.")
@stage_option
@target_option
@npu_option
@env_option
@timeout_option
def matrix(
    subject: Path,
    package: str | None,
    versions: str | None,
    as_json: bool,
    record: bool,
    expect: str | None,
    stage: str | None,
    target: str | None,
    npu_options: tuple[str, ...],
    env_items: tuple[str, ...],
    timeout: float,
) -> None:
    """Which releases of the stage's compiler show the bug in FILE (fixed in, regressed in).

    Each release runs from its own binaries, fetched once into the cache (~/.cache/reducer). The verdict
    compares every release with FILE's bug under the installed release (or a repro's header).
    """
    def go() -> int:
        from reducer.errors import InputError, UsageError
        from reducer.repro.suite import all_repros

        files = _files(subject, all_repros)
        if not files:
            raise InputError(f"{subject}: no repro or IR file to test", "pass a repro, an IR file or a repros folder")
        results: dict[str, list[dict[str, object]]] = {}
        for path in files:
            spec, opts, env = replay_setup(path, stage, target, npu_options, env_items)
            if package and spec is not None and package != spec.wheel:
                raise UsageError(f"--package {package}: {path} is for {spec.tool}, in {spec.wheel}")
            rows = _one(path, spec, opts, env, versions, timeout, record, expect)
            results[str(path)] = [r.to_dict() for r in rows]
            if not as_json:
                _print(path, rows)
        if as_json:
            echo(json.dumps(results[str(files[0])] if len(files) == 1 else results, indent=2))
        return exitcodes.OK

    run_guarded(go)


def _files(target: Path, all_repros: Any) -> list[Path]:
    if target.is_dir():
        from reducer.stage import table as stages

        repros = [r.path for r in all_repros(target)]
        return repros or sorted(p for p in target.rglob("*") if p.is_file() and stages.for_file(p.name))
    return [target]


def _one(
    path: Path, spec: Any, opts: Any, env: Any, versions: str | None, timeout: float, record: bool, expect: str | None
) -> list[Any]:
    from reducer.cli.expect import parse_expectation
    from reducer.failure.replay import Replay
    from reducer.failure.signature import Expectation
    from reducer.release import releases
    from reducer.release.matrix import run_matrix, verdict
    from reducer.repro.artifact import Artifact
    from reducer.repro.suite import record_releases, repro_of
    from reducer.stage.source import load

    source = load(path, spec)
    artifact = Artifact(path, source.text, neighbours=False)  # the text read once: the header parsed from it
    ir = artifact.ir
    repro = repro_of(artifact)
    if expect:
        expected = parse_expectation(expect)
    elif repro is not None:
        expected = Expectation.of(repro.signature)
    else:
        sig = Replay(source.stage, opts, timeout, env).observe(ir).signature
        expected = Expectation.of(sig) if sig is not None else None
    chosen = [v.strip() for v in versions.split(",") if v.strip()] if versions else None
    if chosen is None:
        chosen, offline = releases.available(source.stage.wheel)
        if offline:
            echo(f"reducer: the registry did not answer; using the {len(chosen)} releases cached", err=True)
    rows = run_matrix(source.stage, releases.sort_versions(chosen), ir, opts, env, expected, timeout)
    if record and repro is not None:
        record_releases(artifact, {r.version: r.outcome for r in rows}, verdict(rows))  # the header's owner writes it
    return rows


def _print(path: Path, rows: list[Any]) -> None:
    from reducer.release.matrix import verdict

    echo(f"{path}")
    width = max(len(r.version) for r in rows) if rows else 0
    for r in rows:
        mark = "  (cached)" if r.cached else ""
        shown = f" {r.id}" if r.id else ""
        line = f"  {r.package} {r.version:<{width}}  {r.outcome:<13}{shown}  {r.seconds:.2f}s{mark}  {r.detail[:70]}"
        echo(line)
    echo(f"  verdict: {verdict(rows)}")


def record_matrix(path: Path, record: bool = True, timeout: float = 120.0) -> str:
    """Run the matrix on one repro with its own options and knobs (recorded in its header); the verdict."""
    from reducer.release.matrix import verdict

    spec, opts, env = replay_setup(path, None, None, ())
    return verdict(_one(path, spec, opts, env, None, timeout, record, None))
