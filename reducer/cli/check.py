"""`reducer check`, and the text it shows for a `CheckReport` (the library keeps the data, this the words)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reducer.cli import exitcodes
from reducer.cli.guard import run_guarded
from reducer.cli.options import (
    env_option,
    npu_option,
    replay_setup,
    stage_option,
    target_option,
    timeout_option,
)
from reducer.cli.status import echo
from reducer.stage import reproducer
from reducer.table import key_value

if TYPE_CHECKING:
    from reducer.failure.check import CheckReport
    from reducer.failure.replay import Evidence
    from reducer.failure.signature import Signature
    from reducer.stage.run_env import RunEnv


@click.command()
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
        from reducer.cli.expect import parse_expectation
        from reducer.failure.check import check_file
        from reducer.stage.source import load

        expectation = parse_expectation(expect, strict) if expect else None
        spec, opts, env = replay_setup(file, stage, target, npu_options, env_items)
        source = load(file, spec)
        # As an interestingness test (--expect) every millisecond counts: skip the failing-pass probe (a bare
        # crash still probes: its id is its pass).
        report = check_file(source, opts, runs=runs, timeout=timeout, env=env,
                            explore_knobs=runs > 1 and expectation is None, find_pass=expectation is None)
        if as_json:
            echo(json.dumps(report.to_dict(), indent=2, sort_keys=True))
        else:
            echo(render_check(report))
        if expectation is not None:
            # With --runs N a flaky bug counts when it showed up at least once.
            met = any(expectation.met_by(sig) for sig in report.tally.signatures.values())
            return exitcodes.OK if met else exitcodes.NOT_INTERESTING
        if report.outcome.value == "timeout":
            tool = report.source.stage.tool
            echo(
                f"reducer: error: {tool} did not finish within {timeout:g}s (a hang?); "
                "raise --timeout if it is only slow",
                err=True,
            )
            return exitcodes.BAD_INPUT
        return exitcodes.OK

    run_guarded(go)


def render_check(report: CheckReport) -> str:
    """A `CheckReport` for people: the run, its signature, how often it came back, and which knob helps."""
    run = report.first.run
    status = f"exit {run.returncode}" if run.signal is None else f"signal {run.signal}"
    if run.timed_out:
        status = "timed out"
    rows = [
        ("file", str(report.source.path)),
        ("stage", f"{report.source.stage.name} ({report.source.stage.tool}, {report.options.target})"),
        *_options_rows(report),
        ("outcome", f"{report.outcome.label} [{report.outcome.value}], {status}, {run.seconds:.2f}s"),
    ]
    sig = report.signature
    if sig is not None:
        rows += [
            ("signature", sig.id),
            ("title", sig.title),
            ("message", sig.message or _no_message(sig)),
            ("pass", sig.failing_pass or "unknown"),
            ("frames", ", ".join(sig.frames) or "none"),
            ("id rests on", _rests_on(report)),
        ]
    if report.resource is not None:
        rows.append(("resource", _resource(report)))
    if report.tally.runs > 1:
        rate = f"{report.tally.shown(sig)}/{report.tally.runs}" if sig else "-"
        label = "FLAKY" if report.flaky else "deterministic"
        rows.append(("repeat", f"{rate} runs ({label}); outcomes {dict(report.tally.outcomes)}"))
        if sig is not None and (evidence := report.tally.evidence(sig)) is not None:
            rows.append(("frames seen", _frames_seen(evidence)))
    return key_value(rows + _hunt_rows(report))


def _resource(report: CheckReport) -> str:
    """What a resource limit is, and the next step: not a compiler bug, the config is too large for the target."""
    assert report.resource is not None
    return (f"{report.resource.describe()}: a resource limit, not a compiler bug (the kernel's config does not "
            "fit the target: reduce its block sizes); `reducer fit UNIT_FOLDER` on its capture unit finds the "
            "configs that fit")


def _no_message(sig: Signature) -> str:
    if sig.bare and sig.failing_pass:
        return "(none: a bare crash; its signal and failing pass decide, frames are evidence)"
    return "(none, and no failing pass found: frames decide)"


def _rests_on(report: CheckReport) -> str:
    sig = report.signature
    assert sig is not None
    shown, runs = report.tally.counts.get(sig.id, 0), report.tally.runs  # the id's own runs: what it rests on
    values = {"stage": sig.stage, "outcome": sig.outcome, "signal": sig.detail, "failing pass": sig.failing_pass,
              "frames": "top frames"}
    return "; ".join(" ".join(filter(None, (part, values.get(part)))) + f" ({shown}/{runs} runs)"
                     for part in sig.rests_on)


def _frames_seen(evidence: Evidence) -> str:
    text = (f"printed in {evidence.printed}/{evidence.runs} runs, the same top frames in {evidence.identical}/"
            f"{evidence.runs}")
    if evidence.stable:
        return text + " (stable)"
    if not evidence.printed:
        return text + " (no run printed frames: the id does not need them)"
    return text + f" (unstable: compared by the {len(evidence.common)} frames every printing run shared)"


def _options_rows(report: CheckReport) -> list[tuple[str, str]]:
    """A reproducer file runs the pipeline it records, not the stage's flags: say so, and which passes."""
    recorded = reproducer.of(report.source.text)
    if recorded is None:
        return [("options", report.options.describe())]
    return [
        ("input", "MLIR crash reproducer: replayed with the pipeline it records (not the stage's flags)"),
        ("passes", ", ".join(recorded.passes()) or "none"),
    ]


def _hunt_rows(report: CheckReport) -> list[tuple[str, str]]:
    """What the knob hunt (`check --runs N`) found, and the --env to pass on when a knob made it fail more."""
    rows = []
    for knob in report.knobs:
        shown = f" ({knob.signature.id})" if knob.signature else ""
        rows.append(("knob", f"{knob.env.knob_label()}: {knob.failures}/{knob.runs} runs fail{shown}"))
    if report.knobs:
        rows.append(("hunt", f"{report.hunt_runs} runs under {len(report.knobs)} knobs"))
    best = report.best_knob()
    if best is not None:
        before = f"{report.rate:.0%}" if report.signature is not None else "0%"
        rows.append(("advice", f"under {best.env.knob_label()} it fails {best.failures}/{best.runs} (plain: "
                               f"{before}): check, reduce and save with --env {_env_args(best.env)}"))
    elif report.knobs:
        rows.append(("advice", "no knob made it fail more often"))
    return rows


def _env_args(env: RunEnv) -> str:
    return " --env ".join(f"{k}={v}" for k, v in env.as_dict().items() if (k != "ASLR" or env.aslr))
