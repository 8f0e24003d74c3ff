"""`reducer check`: replay, classify, sign, and measure how reliably the failure comes back."""

from __future__ import annotations

from dataclasses import dataclass, field

from reducer.npu_options import Options
from reducer.outcome import Outcome
from reducer.replay import KNOBS, Observation, Replay, Tally, tally
from reducer.runner import DEFAULT_ENV, RunEnv
from reducer.signature import Signature
from reducer.source import Source
from reducer.table import key_value
from reducer.toolchain import locate


@dataclass
class KnobResult:
    env: RunEnv
    rate: float


@dataclass
class CheckReport:
    source: Source
    options: Options
    tally: Tally
    first: Observation
    knobs: list[KnobResult] = field(default_factory=list)

    @property
    def signature(self) -> Signature | None:
        return self.tally.dominant

    @property
    def outcome(self) -> Outcome:
        if self.signature is not None:
            return Outcome(self.signature.outcome)
        return self.first.outcome

    @property
    def rate(self) -> float:
        return self.tally.rate(self.signature) if self.signature else 1.0

    @property
    def flaky(self) -> bool:
        return self.signature is not None and self.rate < 1.0

    def best_knob(self) -> KnobResult | None:
        helpful = [k for k in self.knobs if k.rate > self.rate]
        return max(helpful, key=lambda k: k.rate) if helpful else None

    def to_dict(self) -> dict[str, object]:
        tool = locate(self.source.stage)
        data: dict[str, object] = {
            "file": str(self.source.path) if self.source.path else None,
            "stage": self.source.stage.name,
            "tool": {"name": tool.name, "version": tool.version},
            "options": self.options.as_dict(),
            "outcome": self.outcome.value,
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
        if self.knobs:
            data["knobs"] = [{"env": k.env.label(), "rate": k.rate} for k in self.knobs]
        return data

    def render(self) -> str:
        run = self.first.run
        status = f"exit {run.returncode}" if run.signal is None else f"signal {run.signal}"
        if run.timed_out:
            status = "timed out"
        rows = [
            ("file", str(self.source.path)),
            ("stage", f"{self.source.stage.name} ({self.source.stage.tool}, {self.options.target})"),
            ("options", self.options.describe()),
            ("outcome", f"{self.outcome.label} [{self.outcome.value}], {status}, {run.seconds:.2f}s"),
        ]
        sig = self.signature
        if sig is not None:
            rows += [
                ("signature", sig.id),
                ("title", sig.title),
                ("message", sig.message or "(none: frames decide)"),
                ("pass", sig.failing_pass or "unknown"),
                ("frames", ", ".join(sig.frames) or "none"),
            ]
        if self.tally.runs > 1:
            rate = f"{self.tally.counts.get(sig.id, 0)}/{self.tally.runs}" if sig else "-"
            label = "FLAKY" if self.flaky else "deterministic"
            rows.append(("repeat", f"{rate} runs ({label}); outcomes {dict(self.tally.outcomes)}"))
        for knob in self.knobs:
            rows.append(("knob", f"{knob.env.label()}: {knob.rate:.0%}"))
        best = self.best_knob()
        if best is not None:
            rows.append(("advice", f"{best.env.label()} raises the rate to {best.rate:.0%}"))
        return key_value(rows)


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
) -> CheckReport:
    replay = Replay(source.stage, options, timeout, env, deadline=deadline)
    counts, first = tally(replay, source.text, runs, find_pass)
    report = CheckReport(source, options, counts, first)
    if explore_knobs and report.flaky:
        for knob in KNOBS:
            knob_counts, _ = tally(Replay(source.stage, options, timeout, knob), source.text, runs)
            report.knobs.append(KnobResult(knob, knob_counts.rate(report.signature)))
    return report
