"""Frames as evidence: what a crash whose stack varies from run to run still always shows, and whether a run's
stack agrees with it. Ids never rest on frames (`signature.Signature.id`); matching and grouping compare them here.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reducer.failure.signature import Signature

TOP_FRAMES = 5  # the frames a signature keeps, nearest the crash first
# Anchor frames a run's stack must hold to agree with them (fewer only when fewer are there to compare).
AGREEING_FRAMES = 2


def common_frames(stacks: list[tuple[str, ...]] | list[list[str]], count: int = TOP_FRAMES) -> list[str]:
    """The top frames present in every stack that printed frames (in the first one's order): what a crash
    whose stack varies from run to run still always shows. Stacks with no frames say nothing either way."""
    printed = [list(s) for s in stacks if s]
    if not printed:
        return []
    shared = set(printed[0]).intersection(*map(set, printed[1:]))
    return [f for f in printed[0] if f in shared][:count]


_MODULE_FRAME = re.compile(r"^(\S+)\+0x[0-9a-fA-F]+$")


def _module(frame: str) -> str | None:
    """`bishengir-compile+0x3b1f` -> its module; a symbol name belongs to no one module."""
    m = _MODULE_FRAME.match(frame)
    return m.group(1) if m else None


def frames_agree(anchor: list[str], stack: tuple[str, ...] | list[str], strict: bool = False) -> bool:
    """Whether a run's stack is consistent with the frames a bug always shows (`anchor`): a stack with no
    frames, or only frames of another binary (a pass-level replay runs another tool), is no evidence against
    it; otherwise it must hold two anchor frames (`strict`: all of them). One is not enough: a shallow crash's top
    frames reach the pattern driver, which every crash in the pass passes through."""
    if not anchor:
        return True
    modules = {_module(f) for f in anchor}
    comparable = {f for f in stack if _module(f) is None or _module(f) in modules}
    if not comparable:
        return True
    hits = comparable.intersection(anchor)
    if strict:
        return hits == set(anchor)
    return len(hits) >= min(AGREEING_FRAMES, len(set(anchor)), len(comparable))


def unplaced_same_crash(expected: Signature, sig: Signature) -> bool:
    """A bare crash whose pass was not found (its probe did not crash) that nothing tells from `expected`: the
    same stage, class and signal, and frames that agree. Counts towards how often a crash reproduces; never
    towards interestingness, where the pass must be shown."""
    same = (sig.stage, sig.outcome, sig.detail) == (expected.stage, expected.outcome, expected.detail)
    return sig.bare and same and sig.failing_pass is None and stacks_agree(expected, sig)


def stacks_agree(expected: Signature, sig: Signature, strict: bool = False) -> bool:
    """`frames_agree` either way round: the run's stack holds the expected top frames, or the expected stack (when
    known) holds the run's. A crash whose site varies shows a shallower or a deeper top each run; whichever one
    the expectation was taken from, the other still shares the path below it."""
    if frames_agree(expected.frames, sig.stack or tuple(sig.frames), strict):
        return True
    return not strict and bool(expected.stack) and bool(sig.frames) and frames_agree(sig.frames, expected.stack)
