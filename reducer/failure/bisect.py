"""Pass-level bisection: which pass of the recorded pipeline a crash with no message dies in, when the tool's local
reproducer cannot say.

A local reproducer needs threading off, and some crashes of a driver such as bishengir-compile only show with
threads on (single-threaded, the same input fails another way). A whole-pipeline reproducer is written with threads
on: its input and its pipeline, replayed in the tool's `*-opt` (which registers every pass), are bisected by prefix
to the first pass whose prefix dies the same way. The IR after the passes before it is the pass-level experiment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reducer.stage import reproducer

if TYPE_CHECKING:
    from reducer.failure.replay import Replay


@dataclass(frozen=True)
class Bisected:
    pass_name: str  # the pass as a pipeline spells it, options dropped
    step: str  # the pipeline element that runs it, under its anchors (`func.func(x{...})`)
    before: str  # the IR the passes before it produce: the pass-level experiment's input
    runs: int  # tool runs the bisection took

    @property
    def pipeline(self) -> tuple[str, ...]:
        return (pipeline_flag([self.step]),)


def pipeline_flag(steps: list[str]) -> str:
    return f"--pass-pipeline=builtin.module({','.join(steps)})"


def bisect(replay: Replay, text: str, detail: str) -> Bisected | None:
    """The first pass of the recorded pipeline whose prefix dies with `detail` (a signal name) and no message;
    None when the tool writes no whole-pipeline reproducer or its replay does not die that way."""
    written = replay.whole_reproducer(text)
    recorded = reproducer.of(written) if written else None
    if recorded is None:
        return None
    ir, steps = reproducer.strip(written), recorded.steps()
    extra = () if recorded.verify_each else ("--verify-each=false",)
    runs = 0

    def dies(k: int) -> bool:
        nonlocal runs
        runs += 1
        return replay.bare_crash(replay.run_pipeline(ir, (pipeline_flag(steps[:k]), *extra))) == detail

    if not steps or not dies(len(steps)):
        return None
    lo, hi = 0, len(steps)  # the empty prefix runs no pass; the whole one dies
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if dies(mid) else (mid, hi)
    before = replay.run_pipeline(ir, (pipeline_flag(steps[: hi - 1]), *extra), keep_output=True) if hi > 1 else None
    if before is not None and (before.returncode != 0 or not before.output_text):
        return None  # the passes before it do not run cleanly on their own: no experiment to hand on
    name = reproducer.step_pass(steps[hi - 1])
    return Bisected(name, steps[hi - 1], before.output_text if before is not None else ir, runs + (hi > 1))

