"""`reducer census CORPUS.toml -o SITE`: a corpus of projects run as written, for each target, into one census
(census.json) and a static site (index.html, a page per bug)."""

from __future__ import annotations

from pathlib import Path

import click

from reducer.cli import exitcodes
from reducer.cli.guard import run_guarded
from reducer.cli.options import SECONDS
from reducer.cli.status import echo
from reducer.safety.names import terminal_line
from reducer.table import key_value


@click.command("census")
@click.argument("corpus", type=click.Path(path_type=Path))
@click.option("-o", "--out", "site", type=click.Path(path_type=Path), default=Path("census-site"), show_default=True,
              help="The site's folder: census.json, history.json, index.html, bugs/, runs/, repros/.")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
              help="Parallel runs inside each project's sweep [default: all cores].")
@click.option("--ray", "ray_address", default=None, metavar="ADDRESS",
              help="Each project's sweep sends its checks and reductions to this Ray cluster (HOST:PORT or auto).")
@click.option("--no-matrix", is_flag=True, help="Do not replay each compiler bug on every compiler release.")
@click.option("--no-fit", is_flag=True, help="No fit search for resource limits.")
@click.option("--timeout", type=SECONDS, default=120.0, show_default=True,
              help="Seconds before one compiler run counts as a hang.")
@click.option("--max-time-per-bug", type=SECONDS, default=300.0, show_default=True,
              help="Seconds one reduction may take.")
@click.option("-q", "--quiet", is_flag=True, help="No status line.")
def census(corpus: Path, site: Path, jobs: int | None, ray_address: str | None, no_matrix: bool, no_fit: bool,
           timeout: float, max_time_per_bug: float, quiet: bool) -> None:
    """Run every project of CORPUS (TOML, one [[project]] per project: name, version, workdir or requirement,
    command, env, targets, install) as written under capture for each target, sweep it, replay each compiler bug on the
    compiler releases, export it as an upstream test and write its issue; merge everything into SITE.

    A run (project, target) is keyed on the project's entry, the target, the settings and the compiler builds:
    rerunning with the same corpus and toolchain redoes nothing, a new project or target runs only that.

    Exit codes: 0 census written (findings are data, not failures), 3 bad corpus, 4 compilers missing.
    """

    def go() -> int:
        import sys

        from reducer.census.build import run_census
        from reducer.census.corpus import read_corpus
        from reducer.census.runs import Settings
        from reducer.cli.status import StatusLine

        projects = read_corpus(corpus)
        settings = Settings(jobs=jobs, ray=ray_address, fit=not no_fit, timeout=timeout,
                            max_time_per_bug=max_time_per_bug)
        line = StatusLine(sys.stderr, enabled=not quiet)
        try:
            done = run_census(projects, site, settings, matrix=not no_matrix, status=line.update)
        finally:
            line.done()
        echo(key_value(_summary(done)))
        return exitcodes.OK

    run_guarded(go)


def _summary(done) -> list[tuple[str, str]]:  # noqa: ANN001 - CensusResult, imported lazily
    census = done.census
    rows: list[tuple[str, str]] = [("site", str(done.site / "index.html"))]
    for project in census["projects"]:
        for target, t in project["targets"].items():
            name = terminal_line(f"{project['name']} on {target}")
            if "units" not in t:
                rows.append((name, t.get("error", "no result")))
                continue
            share = f"{100 * t['passed'] / t['units']:.0f}%" if t["units"] else "-"
            rows.append((name, f"{t['units']} units, {share} compile, {t['failed']} compiler failures, "
                               f"{t['resource']} resource limits, {t['frontend'] + t['incompatible']} frontend; "
                               + ("reused" if t["reused"] else f"swept in {t['seconds']:.0f}s")))
    by_class: dict[str, int] = {}
    for bug in census["bugs"]:
        by_class[bug["class"]] = by_class.get(bug["class"], 0) + 1
    rows.append(("findings", ", ".join(f"{n} {c}" for c, n in sorted(by_class.items())) or "none"))
    redone = sum(not r.reused for r in done.runs)
    rows.append(("runs", f"{redone} swept, {len(done.runs) - redone} reused (no compile)"))
    rows.append(("upstream", f"{done.upstream_made} bugs exported and written up, {done.upstream_reused} reused"))
    rows.append(("time", f"{done.seconds:.1f}s"))
    return rows
