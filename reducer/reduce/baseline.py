"""Sanity at the start (C-Vise's, mlir-reduce's): the input must fail as described before anything is reduced,
and what its run cost decides how long each candidate may run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reducer.errors import DeadlineReached, FlakyFailure, NotInteresting

if TYPE_CHECKING:
    from reducer.failure.check import CheckReport
    from reducer.failure.signature import Signature
    from reducer.reduce.request import ReduceRequest

# Seconds the baseline may spend repeating the input's run (the first run always happens); --allow-flaky lifts it.
BASELINE_BUDGET = 30.0


def judge(report: CheckReport, req: ReduceRequest) -> Signature:
    """The input's signature, or a typed error when the input does not fail as described: nothing is reduced
    from an input that is not interesting."""
    if report.first.cut_short:
        raise DeadlineReached(
            f"--max-time {req.max_time:g}s ran out during the input's first run", "raise --max-time"
        )
    sig = report.signature
    if sig is None:
        raise NotInteresting(
            f"{req.source.path}: does not fail ({report.outcome.label})",
            "nothing to reduce; pass the IR of a kernel that fails to compile",
        )
    if req.expect is not None and not req.expect.strictly(req.strict).met_by(sig):
        raise NotInteresting(
            f"{req.source.path}: fails with signature {sig.id}, not the expected {req.expect.id}",
            "check the --expect id with `reducer check`",
        )
    if report.flaky and not req.allow_flaky:
        raise FlakyFailure(
            f"{req.source.path}: flaky, the failure came back in {report.rate:.0%} of {req.runs} runs",
            "pass --allow-flaky to reduce with repeated tests, or find a knob with `reducer check --runs 20`",
        )
    return sig


def per_test_timeout(req: ReduceRequest, baseline: CheckReport | None, sig: Signature | None) -> float:
    """How long one candidate may run: --timeout-per-test, else ten times the input's run (at least 5 s), or
    the whole --timeout when the bug is a hang."""
    if req.timeout_per_test is not None:
        return req.timeout_per_test
    spent = baseline.first.run.seconds if baseline else 1.0
    return req.timeout if sig and sig.outcome == "timeout" else max(5.0, 10 * spent)
