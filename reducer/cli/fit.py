"""`reducer fit UNIT_FOLDER`: the configs of a kernel that hit a resource limit that fit the target."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reducer.cli import exitcodes
from reducer.cli.guard import run_guarded
from reducer.cli.options import timeout_option
from reducer.cli.status import echo
from reducer.table import key_value

if TYPE_CHECKING:
    from reducer.fit.result import FitResult


@click.command()
@click.argument("unit", type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(path_type=Path), help="Where to write fit.json and the fitting input "
              "[default: ./fit-<UNIT's folder name>].")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=1, show_default=True,
              help="Candidates compiled at once.")
@click.option("--fit-time", type=click.FloatRange(1.0), default=120.0, show_default=True,
              help="Seconds the search may spend (the smallest config that fits stands when it runs out).")
@timeout_option
@click.option("--json", "as_json", is_flag=True, help="Print fit.json instead of the summary.")
@click.option("-q", "--quiet", is_flag=True, help="No status line.")
def fit(unit: Path, out: Path | None, jobs: int, fit_time: float, timeout: float, as_json: bool,
        quiet: bool) -> None:
    """Find the configs of UNIT's kernel that fit the target, for a capture unit (or launch) folder whose compile
    hit a resource limit (`ub overflow`, `cc overflow`...): the nearest config that fits, what it requires, which
    configs of an autotune list fit, and whether the limit is a compiler-bug candidate after all (anomaly).

    Exit codes: 0 searched (a fit or none), 3 not a unit that hits a resource limit, 4 compiler missing.
    """

    def go() -> int:
        import sys

        from reducer.cli.status import StatusLine
        from reducer.errors import InputError
        from reducer.fit.search import RESULT, fit_unit

        if not unit.exists():
            raise InputError(f"{unit}: no such folder", "give a capture's unit folder (it holds record.json)")
        dest = out or Path.cwd() / f"fit-{unit.resolve().name}"
        line = StatusLine(sys.stderr, enabled=not quiet and not as_json)
        try:
            result = fit_unit(unit, dest, jobs=jobs, budget=fit_time, timeout=timeout, status=line.update)
        finally:
            line.done()
        if result.kind is None and result.fit is None:
            raise InputError(f"{unit}: {result.reason}", "fit a unit whose compile hit a resource limit")
        if as_json:
            echo((dest / RESULT).read_text().rstrip())
        else:
            echo(render_fit(result, dest))
        return exitcodes.OK

    run_guarded(go)


def render_fit(result: FitResult, dest: Path) -> str:
    data = result.to_dict(relative_to=None)
    rows = [("kernel", result.kernel)]
    if result.kind is not None:
        rows.append(("limit", f"{result.kind}: requires {result.requires_bits} bits, {result.available_bits} "
                              f"available ({result.ratio}x)"))
    fit = data["fit"]
    if fit is not None:
        rows += [("fits with", ", ".join(f"{k}={v}" for k, v in fit["changes"].items()) or "as captured"),
                 ("config", json.dumps(fit["config"], sort_keys=True)),
                 ("fit input", fit["ir"])]
        if fit["shrinks_data"]:
            rows.append(("caution", f"{', '.join(fit['shrinks_data'])} may be the data's extent, not a block size: "
                                    "loop over blocks of the fitting size instead"))
    else:
        rows.append(("fits with", f"none ({result.reason})"))
    if result.autotune:
        rows.append(("autotune", result.autotune["sentence"]))
    rows.append(("anomaly", f"{result.anomaly.rule}: {result.anomaly.detail}" if result.anomaly else
                 "none: the user's config, not a compiler bug"))
    rows.append(("searched", f"{result.tried} candidates compiled, {result.implied} implied by a smaller overflow, "
                             f"{result.cache_hits} from the cache, {result.seconds:.1f}s"))
    rows.append(("written", str(dest / "fit.json")))
    return key_value(rows)
