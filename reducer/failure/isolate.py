"""Pass-level isolation: the IR just before the failing pass, and the shortest pipeline that still fails.

MLIR's local crash reproducer names a pass and saves its input, but it has blamed the wrong
pass on IR that was already invalid; so every candidate is re-checked against the original
signature before it is trusted, falling back to a prefix/suffix scan of the stage's passes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from reducer.failure.bisect import bisect
from reducer.failure.replay import Replay
from reducer.failure.signature import Expectation, reproducer_pipeline
from reducer.stage.runner import execute
from reducer.stage.toolchain import REPRODUCER, stage_invocation

_RESOURCES = re.compile(r"\{-#.*?#-\}", re.S)


@dataclass(frozen=True)
class PassLevel:
    """A smaller experiment that shows the same bug: `replay` on `text`."""

    text: str
    replay: Replay
    pipeline: tuple[str, ...]
    how: str  # "local reproducer" or "pipeline suffix"

    @property
    def pipeline_text(self) -> str:
        return " ".join(self.pipeline)


def isolate(replay: Replay, text: str, expected: Expectation) -> PassLevel | None:
    """Find a pass-level experiment with the same signature, or None when nothing holds."""
    if replay.pipeline is not None:
        return None
    found = _from_reproducer(replay, text, expected)
    if found is None and replay.stage.pass_flags is not None:
        # A tool whose pipeline is internal has no suffix to scan.
        found = _from_suffix_scan(replay, text, expected)
    if found is None and expected.signature is not None and expected.signature.bare:
        found = _from_bisection(replay, text, expected)
    return found


def _holds(candidate: Replay, text: str, expected: Expectation) -> bool:
    return expected.met_by(candidate.observe(text).signature)


def _from_reproducer(replay: Replay, text: str, expected: Expectation) -> PassLevel | None:
    run = replay.reproducer(text, local=True)
    repro = run.files.get(REPRODUCER)
    if not repro:
        return None
    recorded = reproducer_pipeline(repro)
    if recorded is None:
        return None
    before = _RESOURCES.sub("", repro).strip() + "\n"
    pipeline = (f"--pass-pipeline={recorded}",)
    candidate = replace(replay, pipeline=pipeline)
    if _holds(candidate, before, expected):
        return PassLevel(before, candidate, pipeline, "local reproducer")
    return None


def _from_suffix_scan(replay: Replay, text: str, expected: Expectation) -> PassLevel | None:
    """Run the first k passes to get IR_k, then check whether passes k.. alone reproduce on it."""
    assert replay.stage.pass_flags is not None
    passes = replay.stage.pass_flags(replay.options)
    for k in range(len(passes) - 1, 0, -1):
        inv = stage_invocation(replay.stage, text, replay.options, pipeline=passes[:k], keep_output=True)
        prefix = execute(inv, timeout=replay.run_timeout(), env=replay.env)
        if prefix.returncode != 0 or not prefix.output_text:
            continue  # the prefix itself fails: the bug is earlier
        suffix = tuple(passes[k:])
        candidate = replace(replay, pipeline=suffix)
        if _holds(candidate, prefix.output_text, expected):
            return PassLevel(prefix.output_text, candidate, suffix, "pipeline suffix")
    return None


def _from_bisection(replay: Replay, text: str, expected: Expectation) -> PassLevel | None:
    """A bare crash the local reproducer cannot place: the whole-pipeline reproducer, bisected by prefix."""
    assert expected.signature is not None
    found = bisect(replay, text, expected.signature.detail)
    if found is None:
        return None
    candidate = replace(replay, pipeline=found.pipeline)
    if _holds(candidate, found.before, expected):
        return PassLevel(found.before, candidate, found.pipeline, f"pipeline bisection ({found.runs} runs)")
    return None
