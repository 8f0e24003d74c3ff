"""Sanity at the end (mlir-reduce's): the result is replayed under the full pipeline, and a mismatch fails
loudly; also how close to 1-minimal the result is, and the form people read it in."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from reducer.errors import FlakyFailure, Slipped
from reducer.failure.replay import Replay
from reducer.failure.signature import Expectation
from reducer.passes.base import PassContext
from reducer.stage import reproducer
from reducer.stage.tool_print import unwrap_module

if TYPE_CHECKING:
    from reducer.reduce.request import ReduceRequest
    from reducer.reduce.summary import ReduceReport

FINAL_RUNS = 5
# Past the --max-time deadline, the final check still gets this long: a result is worth one confirmation, and
# --max-time is kept within 5 s whatever the input (a slower run is cut, and the summary says it is unconfirmed).
FINAL_GRACE = 2.0


def one_minimality(
    text: str, test: Callable[[str], bool], max_bytes: int, stopped: Callable[[], bool]
) -> tuple[int, int] | None:
    """How many single-op deletions of the result still show the bug (0: 1-minimal), out of how many; None
    when the result is not MLIR the structured passes can edit (or larger than `max_bytes`), or when `stopped`
    (Ctrl-C, --max-time) came before every deletion was tried."""
    from reducer.passes.registry import get_pass
    from reducer.search.formats import MlirGeneric

    subject = MlirGeneric(max_bytes=max_bytes).normalise(text)
    if subject is None:
        return None
    erase, ctx = get_pass("erase-ops"), PassContext()
    tried = kept = 0
    for i in range(erase.targets(subject, ctx)):
        if stopped():
            return None
        candidate = erase.apply(subject, [i], ctx)
        if candidate is None:
            continue
        tried += 1
        kept += bool(test(candidate))
    return kept, tried


def readable_form(text: str, custom: str | None, test: Callable[[str], bool]) -> tuple[str, bool]:
    """(the text to keep, whether it is the custom form): the tool's custom print, without a bare module
    wrapper, when each still shows the bug."""
    if custom is None or custom == text or not test(custom):
        return text, False
    bare = unwrap_module(custom)
    return (bare if bare != custom and test(bare) else custom), True


def confirm(
    report: ReduceReport, req: ReduceRequest, deadline: float | None, *, late: bool, stopped: bool,
    timings: dict[str, float],
) -> bool:
    """Replay the result under the full pipeline; True when --max-time cut a run short.

    `late` (past --max-time) or `stopped` (Ctrl-C, a sweep ending): one confirming run, not five whole compiles
    of a heavy kernel.
    """
    assert report.signature is not None
    t0 = time.monotonic()
    deadline = None if deadline is None else max(deadline, time.monotonic()) + FINAL_GRACE
    replay = Replay(req.source.stage, req.options, req.timeout, req.env,
                    pipeline=reproducer.pipeline_of(req.source.text), deadline=deadline)
    expectation = Expectation.of(report.signature, req.strict)
    report.final_runs = 1 if late or stopped else FINAL_RUNS
    observed = [replay.observe(report.text) for _ in range(report.final_runs)]
    cut = any(obs.cut_short for obs in observed)
    report.final_matches = sum(expectation.met_by(obs.signature) for obs in observed)
    timings["final check"] = time.monotonic() - t0
    if report.final_matches == 0 and not cut and not late:
        # Before blaming the reduction: does the original input still fail the same way?
        if not expectation.met_by(replay.observe(req.source.text).signature):
            report.final_note = "the original input no longer fails the same way either"
    return cut


def verdict(report: ReduceReport, req: ReduceRequest) -> None:
    """A typed error unless the final runs confirmed the result (all of them, or some with --allow-flaky)."""
    sig = report.signature
    if report.final_note:
        raise FlakyFailure(
            f"the compiler stopped showing signature {sig.id if sig else ''} during the run: "
            "the original input no longer fails the same way either",
            f"kept at {req.out}; check the input with `reducer check --runs 20`",
        )
    flaky_ok = req.allow_flaky and report.final_matches > 0
    if report.final_matches == 0:
        raise Slipped(
            f"the reduced IR no longer shows signature {sig.id if sig else ''} under the full pipeline",
            f"kept at {req.out}; please report this reducer bug",
        )
    if report.final_matches != report.final_runs and not flaky_ok:
        raise FlakyFailure(
            f"the reduced IR shows the signature in {report.final_matches}/{report.final_runs} final runs: "
            "the failure is flaky",
            f"kept at {req.out}; check the input with `reducer check --runs 20`, then reduce with "
            "--runs 10 --allow-flaky",
        )
