"""Replay a stage on IR text and turn the run into an outcome and a signature."""

from __future__ import annotations

import collections
from dataclasses import dataclass, field

from reducer import signature as sigmod
from reducer.outcome import Outcome, classify
from reducer.runner import DEFAULT_ENV, RunEnv, RunResult, run_stage, run_tool
from reducer.signature import Signature
from reducer.toolchain import Stage, StageOptions, locate_parser


@dataclass
class Observation:
    outcome: Outcome
    signature: Signature | None
    run: RunResult


REPRODUCER = "reproducer.mlir"


@dataclass(frozen=True)
class Replay:
    """One stage, one target and option set, one environment: a reproducible experiment."""

    stage: Stage
    options: StageOptions = field(default_factory=StageOptions)
    timeout: float = 120.0
    env: RunEnv = DEFAULT_ENV
    # A pass-level replay runs only these arguments (e.g. one `--pass-pipeline=`) instead of the stage's.
    pipeline: tuple[str, ...] | None = None

    def observe(self, text: str, *, find_pass: bool = False) -> Observation:
        run = run_stage(self.stage, text, self.options, timeout=self.timeout, env=self.env, pipeline=self.pipeline)
        outcome = classify(run)
        if outcome in (Outcome.DIAGNOSTIC, Outcome.UNKNOWN_FAILURE) and not self.parses(text):
            outcome = Outcome.INVALID_INPUT
        pass_name = self.failing_pass(text) if find_pass and outcome.is_failure else None
        return Observation(outcome, sigmod.compute(self.stage, outcome, run, pass_name), run)

    def parses(self, text: str) -> bool:
        """True when the tool parses and verifies `text` with no pass run."""
        parser = locate_parser(self.stage)
        if parser is None:
            return True
        run = run_tool(
            [str(parser), self.stage.input_name, "-o", "parsed.mlir"],
            input_name=self.stage.input_name,
            input_text=text,
            timeout=min(self.timeout, 60.0),
            env=self.env,
        )
        return run.returncode == 0

    def reproducer(self, text: str, local: bool) -> RunResult:
        """Run with MLIR's crash reproducer on; `files["reproducer.mlir"]` holds it when one was written.

        A local reproducer (the IR just before the failing pass) needs threading off.
        """
        flags = ["--mlir-pass-pipeline-local-reproducer", "--mlir-disable-threading"] if local else []
        return run_stage(
            self.stage,
            text,
            self.options,
            timeout=self.timeout,
            env=self.env,
            pipeline=self.pipeline,
            extra_args=[f"--mlir-pass-pipeline-crash-reproducer={REPRODUCER}", *flags],
            collect=(REPRODUCER,),
        )

    def failing_pass(self, text: str) -> str | None:
        """Which pass failed. The adapter's top-level note names the pass of the user's pipeline (a local
        reproducer may name a nested helper such as CSE); bishengir-compile prints no note, so its local
        reproducer tells."""
        run = self.reproducer(text, local=self.stage is not Stage.ADAPTER)
        return sigmod.failing_pass(run.stderr) or sigmod.pass_from_reproducer(run.files.get(REPRODUCER, ""))


@dataclass
class Tally:
    """How often each signature (or a pass) came back over repeated runs."""

    runs: int
    counts: collections.Counter[str]
    signatures: dict[str, Signature]
    outcomes: collections.Counter[str]

    @property
    def dominant(self) -> Signature | None:
        if not self.counts:
            return None
        sig_id, _ = self.counts.most_common(1)[0]
        return self.signatures[sig_id]

    def rate(self, sig: Signature | None) -> float:
        if sig is None:
            return 0.0
        return self.counts.get(sig.id, 0) / self.runs if self.runs else 0.0


def tally(replay: Replay, text: str, runs: int, find_pass: bool = True) -> tuple[Tally, Observation]:
    """Run `runs` times; return the counts and the first observation of the dominant signature."""
    counts: collections.Counter[str] = collections.Counter()
    outcomes: collections.Counter[str] = collections.Counter()
    sigs: dict[str, Signature] = {}
    first: dict[str, Observation] = {}
    last: Observation | None = None
    for i in range(runs):
        obs = replay.observe(text, find_pass=find_pass and i == 0)
        last = obs
        outcomes[obs.outcome.value] += 1
        if obs.signature is not None:
            sid = obs.signature.id
            counts[sid] += 1
            if sid not in sigs:
                sigs[sid] = obs.signature
                first[sid] = obs
    result = Tally(runs, counts, sigs, outcomes)
    dom = result.dominant
    assert last is not None
    return result, (first[dom.id] if dom is not None else last)


# Environments tried when a failure is flaky; a rate of 1.0 under one makes reduction reliable.
KNOBS = (
    RunEnv(aslr=True),
    RunEnv(malloc_perturb=165),
    RunEnv(malloc_check=3),
    RunEnv(aslr=True, malloc_perturb=165),
)
