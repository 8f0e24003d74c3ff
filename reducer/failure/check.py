"""`reducer check`: replay, classify, sign, and measure how reliably the failure comes back.

With `--runs N`, a failure that never or only sometimes shows is hunted under the perturbation knobs
(`run_env.KNOBS`: ASLR, MALLOC_PERTURB_, MALLOC_CHECK_, glibc tunables): heap corruption that a clean,
ASLR-off replay hides often shows every time under one of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reducer.failure.outcome import Outcome
from reducer.failure.replay import Observation, Replay, Tally, tally
from reducer.failure.resource import ResourceLimit
from reducer.failure.signature import Expectation, Signature
from reducer.stage import reproducer
from reducer.stage.options import Options
from reducer.stage.run_env import DEFAULT_ENV, KNOBS, RunEnv
from reducer.stage.source import Source
from reducer.stage.toolchain import locate

# Once a knob has shown the failure, this many more runs measure its rate; then the hunt moves on.
CONFIRM_RUNS = 5


@dataclass
class KnobResult:
    env: RunEnv
    runs: int  # spent under this knob (it stops early once it has shown the failure)
    failures: int
    signature: Signature | None = None  # what it showed

    @property
    def rate(self) -> float:
        return self.failures / self.runs if self.runs else 0.0


@dataclass
class CheckReport:
    source: Source
    options: Options
    tally: Tally
    first: Observation
    knobs: list[KnobResult] = field(default_factory=list)
    env: RunEnv = DEFAULT_ENV

    @property
    def signature(self) -> Signature | None:
        return self.tally.dominant

    @property
    def outcome(self) -> Outcome:
        if self.signature is not None:
            return Outcome(self.signature.outcome)
        return self.first.outcome

    @property
    def resource(self) -> ResourceLimit | None:
        """A resource limit's kind and figures: the kernel's config does not fit, no compiler bug."""
        return self.signature.resource if self.signature is not None else None

    @property
    def finding(self) -> str | None:
        """What a failure is: "compiler-bug" or "resource-limit" (the user's); None when nothing failed."""
        if self.signature is None:
            return None
        return "compiler-bug" if self.outcome.is_bug else "resource-limit"

    @property
    def rate(self) -> float:
        return self.tally.rate(self.signature) if self.signature else 1.0

    @property
    def flaky(self) -> bool:
        return self.signature is not None and self.rate < 1.0

    def identity(self) -> dict[str, object]:
        """What the id rests on and how stable each part was over the runs (the frames only refine it)."""
        sig = self.signature
        assert sig is not None
        shown = self.tally.shown(sig)
        evidence = self.tally.evidence(sig)
        parts: dict[str, object] = {"rests_on": sig.rests_on, "runs": self.tally.runs, "same_id": shown}
        if evidence is not None:
            parts["frames"] = {"printed": evidence.printed, "identical": evidence.identical,
                               "common": evidence.common, "stable": evidence.stable}
        return parts

    @property
    def hunt_runs(self) -> int:
        return sum(k.runs for k in self.knobs)

    def best_knob(self) -> KnobResult | None:
        base = self.rate if self.signature is not None else 0.0
        helpful = [k for k in self.knobs if k.failures and k.rate > base]
        return max(helpful, key=lambda k: (k.rate, -k.runs)) if helpful else None

    def to_dict(self) -> dict[str, object]:
        tool = locate(self.source.stage)
        data: dict[str, object] = {
            "file": str(self.source.path) if self.source.path else None,
            "stage": self.source.stage.name,
            "tool": {"name": tool.name, "version": tool.version},
            "options": self.options.as_dict(),
            "outcome": self.outcome.value,
            "class": self.finding,
            "resource": self.resource.to_dict() if self.resource else None,
            "signature": self.signature.to_dict() if self.signature else None,
            "id": self.signature.id if self.signature else None,
            "runs": self.tally.runs,
            "rate": self.rate,
            "flaky": self.flaky,
            "outcomes": dict(self.tally.outcomes),
            "exit": self.first.run.returncode,
            "signal": self.first.run.signal,
            "seconds": round(self.first.run.seconds, 3),
        }
        data["env"] = self.env.as_dict()
        data["command"] = self.first.run.argv
        if self.signature is not None:
            data["identity"] = self.identity()
        recorded = reproducer.of(self.source.text)
        if recorded is not None:
            data["reproducer"] = {"pipeline": recorded.pipeline, "passes": recorded.passes()}
        if self.knobs:
            data["knobs"] = [
                {"env": k.env.as_dict(), "knob": k.env.knob_label(), "runs": k.runs, "failures": k.failures,
                 "rate": round(k.rate, 3), "id": k.signature.id if k.signature else None}
                for k in self.knobs
            ]
            data["hunt_runs"] = self.hunt_runs
        return data


def check_file(
    source: Source,
    options: Options,
    *,
    runs: int = 1,
    timeout: float = 120.0,
    env: RunEnv = DEFAULT_ENV,
    explore_knobs: bool = True,
    find_pass: bool = True,
    deadline: float | None = None,
    repeat_budget: float | None = None,
) -> CheckReport:
    replay = Replay(source.stage, options, timeout, env, deadline=deadline)
    counts, first = tally(replay, source.text, runs, find_pass, budget=repeat_budget)
    report = CheckReport(source, options, counts, first, env=env)
    if explore_knobs and runs > 1 and (report.signature is None or report.flaky):
        report.knobs = hunt(source, options, timeout, runs, report.signature)
    return report


def hunt(source: Source, options: Options, timeout: float, runs: int, seen: Signature | None) -> list[KnobResult]:
    """Each knob runs until it shows the failure (`seen`'s bug, or any failure when none was seen), then
    `CONFIRM_RUNS` more to measure its rate, or `runs` runs without showing it."""
    wanted = Expectation.of(seen) if seen is not None else None
    found = []
    for knob in KNOBS:
        replay = Replay(source.stage, options, timeout, knob)
        result = KnobResult(knob, 0, 0)
        first_hit: int | None = None
        while result.runs < runs and (first_hit is None or result.runs < first_hit + CONFIRM_RUNS):
            sig = replay.observe(source.text).signature
            result.runs += 1
            if sig is not None and (wanted is None or wanted.met_by(sig)):
                result.failures += 1
                result.signature = result.signature or sig
                first_hit = result.runs if first_hit is None else first_hit
        found.append(result)
    return found
