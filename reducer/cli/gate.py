"""The exit code of `capture -- CMD` and `sweep -- CMD`, for a CI to gate on, in this order of precedence:

1. TOOL_MISSING (4): an environment error (a compiler binary absent: raised, or recorded by a unit);
2. NO_LAUNCH (6): the command ended before its first kernel launch (nothing to judge: never "no failing kernel");
3. with `--fail-on new|any`, NOT_INTERESTING (1) when such compiler failures were found (`new`: signatures the
   repros suite does not hold; `any`: every compiler failure);
4. otherwise the command's own status, unchanged.
"""

from __future__ import annotations

import signal
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from reducer.cli import exitcodes
from reducer.cli.status import echo

FAIL_ON = ("new", "any")

fail_on_option = click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default=None,
    help="Exit 1 when compiler failures were found: `new` (signatures not in --repros) or `any` [default: off, "
    "the command's own exit status].",
)


@dataclass(frozen=True)
class CommandEnd:
    """How the user's command ended, as far as the gate cares."""

    returncode: int  # negative: killed by that signal
    units: int  # compile units recorded (or IR files dumped)
    last_error: str = ""  # the exception line at the end of its stderr, when it could be read


def no_launch_line(end: CommandEnd) -> str | None:
    """The one line that says the command never launched a kernel, and why; None when it launched one."""
    if end.units:
        return None
    if end.returncode < 0:
        status = f"was killed by {_signal_name(-end.returncode)}"
    else:
        status = f"exited {end.returncode}"
    why = f": {end.last_error}" if end.last_error else ""
    return f"the command {status} before its first kernel launch{why} (nothing was captured)"


def _signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def environment_errors(records: Iterable[dict[str, Any]]) -> list[str]:
    """What units recorded as an environment error (a tool the installed wheels should have is absent)."""
    return [str(r["environment_error"]) for r in records if r.get("environment_error")]


def decide(end: CommandEnd | None, *, environment: list[str], failures: list[str], fail_on: str | None) -> int:
    """The gate's code, in the precedence above, with one line on stderr for whatever decided it.
    `end` is None for a sweep of a folder (no command ran); `failures` is what `--fail-on` selected."""
    if environment:
        more = f" (and {len(environment) - 1} more)" if len(environment) > 1 else ""
        echo(f"reducer: error: environment: {environment[0]}{more}", err=True)
        return exitcodes.TOOL_MISSING
    never = no_launch_line(end) if end is not None else None
    if never:
        echo(f"reducer: error: {never}", err=True)
        return exitcodes.NO_LAUNCH
    if failures:
        shown = ", ".join(failures[:8]) + (" ..." if len(failures) > 8 else "")
        echo(f"reducer: --fail-on {fail_on}: {len(failures)} compiler failure signatures: {shown}", err=True)
        return exitcodes.NOT_INTERESTING
    if end is None:
        return exitcodes.OK
    return end.returncode if end.returncode >= 0 else 128 - end.returncode


def known_signatures(repros: Path) -> set[str]:
    """Signature ids the repros suite holds (fixed ones excluded: a fixed bug that shows again is new)."""
    from reducer.repro.suite import all_repros

    return {r.signature.id for r in all_repros(repros)} if repros.exists() else set()


def record_signature(record: dict[str, Any]) -> str | None:
    """The signature id a capture's failed unit showed (from its recorded stage output, no replay)."""
    from reducer.errors import UsageError
    from reducer.failure.classify import classify
    from reducer.failure.signature import compute
    from reducer.stage import table as stages
    from reducer.stage.runner import RunResult

    try:
        spec = stages.get(str(record.get("failed_stage")))
    except UsageError:
        return None
    code = record.get("returncode")
    run = RunResult(code if isinstance(code, int) else 1, "", str(record.get("error") or ""), 0.0)
    sig = compute(spec, classify(run, spec), run)
    return sig.id if sig is not None else None


def capture_failures(records: list[dict[str, Any]], fail_on: str | None, repros: Path) -> list[str]:
    """The compiler failures `--fail-on` selects among a capture's units: their signature ids (or kernels)."""
    from reducer.failure.outcome import Outcome

    if fail_on is None:
        return []
    failed = [r for r in records if r.get("outcome") == Outcome.FAILED]
    ids = [record_signature(r) or f"{r.get('kernel', '?')} ({r.get('failed_stage')})" for r in failed]
    if fail_on == "new":
        known = known_signatures(repros)
        ids = [i for i in ids if i not in known]
    return sorted(set(ids))


def sweep_failures(triage: dict[str, Any], fail_on: str | None) -> list[str]:
    """The signature ids `--fail-on` selects in a sweep's triage (`new`: every status but known)."""
    from reducer.sweep.groups import KNOWN

    if fail_on is None:
        return []
    return [g["id"] for g in triage.get("signatures", []) if fail_on == "any" or g.get("status") != KNOWN]
