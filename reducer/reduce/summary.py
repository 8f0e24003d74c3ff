"""What a reduction found and spent: the report `reducer reduce` prints and writes as the sidecar JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reducer.repro.artifact import FoundWith
from reducer.search.formats import XDSL_MAX_BYTES, ops_or_lines

if TYPE_CHECKING:
    from reducer.failure.check import CheckReport
    from reducer.failure.isolate import PassLevel
    from reducer.failure.signature import Signature
    from reducer.reduce.request import ReduceRequest
    from reducer.reduce.sources import SourceMap
    from reducer.search import ReduceResult


@dataclass
class Phase:
    name: str
    result: ReduceResult
    seconds: float


@dataclass
class ReduceReport:
    request: ReduceRequest
    signature: Signature | None
    baseline: CheckReport | None
    text: str
    ops_before: int
    ops_after: int
    phases: list[Phase] = field(default_factory=list)
    pass_level: PassLevel | None = None
    pass_level_text: str | None = None
    pass_level_path: Path | None = None
    final_matches: int = 0
    final_runs: int = 0
    custom_form: bool = False
    stopped: bool = False
    slipped: dict[str, int] = field(default_factory=dict)
    timeouts: int = 0  # candidates that ran past the per-test limit
    # (single-op deletions that still show the bug, single-op deletions tried): (0, n) is 1-minimal.
    one_minimal: tuple[int, int] | None = None
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step (baseline, isolation, phases...)
    final_note: str = ""  # why the final check could not confirm the result
    xdsl_max: int = XDSL_MAX_BYTES  # the largest text this run parsed in-process (`reduce.parse_cost`)
    sources: SourceMap | None = None  # the kernel's lines behind the result (`reduce.sources`)

    @property
    def tests(self) -> int:
        return sum(p.result.stats.tests for p in self.phases)

    @property
    def cache_hits(self) -> int:
        return sum(p.result.stats.cache_hits for p in self.phases)

    @property
    def invalid(self) -> int:
        """Candidates that did not parse: counted, never run, never interesting."""
        return sum(p.result.stats.invalid for p in self.phases)

    @property
    def pass_errors(self) -> dict[str, int]:
        """Reduction passes that raised (reducer bugs, not compiler bugs): message -> times, over all phases."""
        total: dict[str, int] = {}
        for phase in self.phases:
            for message, times in phase.result.stats.pass_errors.items():
                total[message] = total.get(message, 0) + times
        return total

    def winners(self, phase_name: str = "full-stage") -> list[tuple[str, int, int]]:
        """(pass, ops saved, bytes saved) in one phase, biggest first.

        Phases are not summed: the pass-level phase works on an intermediate IR whose op count is not the input's.
        """
        acc: dict[str, list[int]] = {}
        for phase in (p for p in self.phases if p.name == phase_name):
            for name, per in phase.result.stats.per_pass.items():
                if per.accepted:
                    slot = acc.setdefault(name, [0, 0])
                    slot[0] += per.ops_saved
                    slot[1] += per.bytes_saved
        return sorted(((n, o, b) for n, (o, b) in acc.items()), key=lambda r: (-r[1], -r[2], r[0]))

    def to_dict(self) -> dict[str, object]:
        return {
            "signature": self.signature.to_dict() if self.signature else None,
            "input": {
                "path": str(self.request.source.path) if self.request.source.path else None,
                "ops": self.ops_before,
                "bytes": len(self.request.source.text),
                "lines": len(self.request.source.text.splitlines()),
            },
            "output": {
                "path": str(self.request.out),
                "ops": self.ops_after,
                "bytes": len(self.text),
                "lines": len(self.text.splitlines()),
                "custom_form": self.custom_form,
            },
            "tests": self.tests,
            "cache_hits": self.cache_hits,
            "invalid_candidates": self.invalid,
            "pass_errors": self.pass_errors,
            "seconds": round(sum(p.seconds for p in self.phases), 2),
            "phases": [
                {
                    "name": p.name,
                    "tests": p.result.stats.tests,
                    "ops_before": p.result.initial_ops,
                    "ops_after": p.result.final_ops,
                    "seconds": round(p.seconds, 2),
                    "passes_won": [{"pass": n, "ops": o, "bytes": b} for n, o, b in self.winners(p.name)],
                }
                for p in self.phases
            ],
            "passes_won": [{"pass": n, "ops": o, "bytes": b} for n, o, b in self.winners()],
            "pass_level": None
            if self.pass_level is None
            else {
                "pipeline": list(self.pass_level.pipeline),
                "how": self.pass_level.how,
                "path": str(self.pass_level_path) if self.pass_level_path else None,
                "ops": ops_or_lines(self.pass_level_text or "", self.xdsl_max),
            },
            "final_check": f"{self.final_matches}/{self.final_runs}",
            "stopped": self.stopped,
            "slipped": self.slipped,
            "timeouts": self.timeouts,
            "timings": {k: round(v, 2) for k, v in self.timings.items()},
            "one_minimal": None if self.one_minimal is None else
            {"deletions_keeping_the_bug": self.one_minimal[0], "deletions_tried": self.one_minimal[1]},
            "final_note": self.final_note,
            "sources": None if self.sources is None else self.sources.to_dict(),
            **FoundWith(self.request.source.stage, self.request.options, self.request.env).fields(
                "stage", "options", "env"
            ),
        }
