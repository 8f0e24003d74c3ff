"""What a report is built from: the re-observed failure, redacted, shared by the issue and the bundle script."""

from __future__ import annotations

from dataclasses import dataclass, field

from reducer.failure.replay import Observation
from reducer.failure.signature import Signature
from reducer.repro.upstream import UpstreamTest
from reducer.stage.options import Options
from reducer.stage.run_env import DEFAULT_ENV, RunEnv
from reducer.stage.table import StageSpec


@dataclass
class ReportFacts:
    """Everything issue.md and reproduce.sh say, re-observed on this machine and redacted once."""

    stage: StageSpec
    options: Options
    sig: Signature
    obs: Observation
    ir: str  # redacted, as replayed
    kernel: str | None
    original_name: str | None
    original_text: str | None
    sidecar: dict | None
    versions: dict[str, str]
    environment: list[tuple[str, str]]
    needles: list[str]
    test: UpstreamTest | None = None  # the single-pass test for the upstream suite
    env: RunEnv = DEFAULT_ENV  # the knob the bug needs, when it hides without one
    rates: list[tuple[RunEnv, int, int]] = field(default_factory=list)  # (env, showing, runs): with and without
    releases: dict[str, str] | None = None  # version -> matrix outcome, when `reducer matrix --record` ran
    verdict: str = ""
