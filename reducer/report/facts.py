"""What a report is built from: the re-observed failure, redacted, shared by the issue and the bundle script."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reducer.repro.artifact import FoundWith
from reducer.stage.run_env import DEFAULT_ENV, RunEnv

if TYPE_CHECKING:  # annotations only: the facts hold these, the report modules build them
    from reducer.failure.replay import Observation
    from reducer.failure.signature import Signature
    from reducer.repro.upstream import UpstreamTest
    from reducer.stage.options import Options
    from reducer.stage.table import StageSpec


@dataclass
class ReportFacts:
    """Everything issue.md and reproduce.sh say, re-observed on this machine and redacted once."""

    found: FoundWith  # this machine's versions, the replay's stage, options and knobs, the header's releases
    sig: Signature
    obs: Observation
    ir: str  # redacted, as replayed
    kernel: str | None
    original_name: str | None
    original_text: str | None
    sidecar: dict | None
    environment: list[tuple[str, str]]
    needles: list[str]
    test: UpstreamTest | None = None  # the single-pass test for the upstream suite
    rates: list[tuple[RunEnv, int, int]] = field(default_factory=list)  # (env, showing, runs): with and without
    anomaly: str | None = None  # why a resource limit is a compiler-bug candidate (the fit search's finding)
    triggered_by: list[str] = field(default_factory=list)  # the kernel's lines, only when the user asks for them

    @property
    def stage(self) -> StageSpec:
        assert self.found.stage is not None
        return self.found.stage

    @property
    def options(self) -> Options:
        assert self.found.options is not None
        return self.found.options

    @property
    def env(self) -> RunEnv:
        """The knob the bug needs, when it hides without one."""
        return self.found.env or DEFAULT_ENV

    @property
    def versions(self) -> dict[str, str]:
        return self.found.versions or {}

    @property
    def releases(self) -> dict[str, str] | None:
        """Version -> matrix outcome, when `reducer matrix --record` ran."""
        return self.found.releases

    @property
    def verdict(self) -> str:
        return self.found.verdict
