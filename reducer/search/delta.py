"""The generic chunked delta loop (llvm-reduce's Delta.cpp idea), written once for every pass.

Granularity starts at one chunk holding every target and halves down to single targets. A successful chunk is
accepted at once and the targets are re-counted on the new IR; the walk resumes at the same position because
the targets after the removed chunk have shifted into it.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator

from reducer.passes.base import ModulePass, PassContext, ReductionPass
from reducer.search.candidate import Candidate
from reducer.search.parallel import SpeculativeRunner
from reducer.search.problem import Problem

Step = tuple[int, int]  # (chunk size, first target index)


def _plan(n: int, size: int, start: int) -> Iterator[Step]:
    while size >= 1:
        for first in range(start, n, size):
            yield size, first
        size, start = size // 2, 0


def run_pass(problem: Problem, pass_: ReductionPass, ctx: PassContext, runner: SpeculativeRunner[Candidate]) -> bool:
    """Run one pass to the end of its finest granularity; True when it improved the problem."""
    if pass_.needs_module and problem.module is None:
        return False
    problem.stats.current_pass = pass_.name
    improved = False
    n = _count(problem, pass_, ctx)
    size, start = n, 0
    while n > 0 and size >= 1 and not problem.stop.is_set():
        subject = problem.best

        def proposals(subject: Candidate = subject, n: int = n, size: int = size, start: int = start):
            for step in _plan(n, size, start):
                chosen = range(step[1], min(step[1] + step[0], n))
                yield step, _propose(problem, pass_, subject, chosen, ctx)

        won = runner.first(proposals())
        if won is None:
            break
        (size, start), cand = won
        if not problem.accept(cand, pass_.name):
            start += size
            continue
        improved = True
        new_n = _count(problem, pass_, ctx)
        if new_n >= n:
            start += size  # the chosen targets did not go away: move past them
        n = new_n
        size = min(size, n)
    return improved


def _count(problem: Problem, pass_: ReductionPass, ctx: PassContext) -> int:
    try:
        return pass_.targets(problem.best, ctx)
    except Exception:
        _record_error(problem, pass_, "targets")
        return 0


def _propose(problem: Problem, pass_: ReductionPass, subject: Candidate, chosen: range, ctx: PassContext):
    """The pass's edit as a testable candidate (None: impossible, invalid, not smaller, or the pass failed)."""
    try:
        if isinstance(pass_, ModulePass) and problem.format.has_module:
            return problem.prepare_module(pass_.apply_module(subject, chosen, ctx))
        return problem.prepare(pass_.apply(subject, chosen, ctx))
    except Exception:
        _record_error(problem, pass_, "apply")
        return None


def _record_error(problem: Problem, pass_: ReductionPass, where: str) -> None:
    """A crashing pass is a bug in the reducer, not in the compiler: keep its message for the summary, go on."""
    last = traceback.format_exc(limit=-1).strip().splitlines()[-1]
    problem.stats.pass_errors[f"{pass_.name} ({where}): {last}"] += 1
