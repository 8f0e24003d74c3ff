"""The search engine: `reduce(text, is_interesting)` shrinks text while the predicate holds.

Knows nothing about compilers: the predicate (thread-safe, `str -> bool`) is the only oracle.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reducer.mlir.module import ParseError
from reducer.passes.base import PassContext, ReductionPass
from reducer.passes.registry import resolve
from reducer.search.cache import ResultCache
from reducer.search.candidate import Candidate
from reducer.search.delta import run_pass
from reducer.search.formats import FORMATS, Format
from reducer.search.parallel import SpeculativeRunner
from reducer.search.problem import Predicate, Problem, Stats
from reducer.search.schedule import Tier

__all__ = ["Format", "ReduceResult", "Stats", "Tier", "reduce"]


@dataclass(frozen=True)
class ReduceResult:
    text: str
    stats: Stats
    initial_ops: int
    initial_bytes: int
    final_ops: int
    final_bytes: int
    format: str  # the Format that reduced it: "lines" when the input did not parse (sizes are then lines)
    stopped: bool  # the stop flag (Ctrl-C, max time) ended the search early


def _tiers(passes: Sequence[str] | None, schedule: Sequence[Tier] | None, fmt: Format) -> list[list[ReductionPass]]:
    if passes is not None:
        chosen = [Tier("custom", tuple(passes))]
    elif schedule is not None:
        chosen = list(schedule)
    else:
        chosen = list(fmt.schedule)
    tiers = [resolve(t.passes) for t in chosen]
    return [[p for p in tier if fmt.has_module or not p.needs_module] for tier in tiers]


def reduce(
    text: str,
    is_interesting: Predicate,
    passes: Sequence[str] | None = None,
    jobs: int = 1,
    *,
    context: PassContext | None = None,
    schedule: Sequence[Tier] | None = None,
    on_improve: Callable[[str], None] | None = None,
    on_status: Callable[[Stats], None] | None = None,
    stop: threading.Event | None = None,
    max_time: float | None = None,
    cache: ResultCache | None = None,
    reparse: bool = False,
    formats: Sequence[Format] = FORMATS,
) -> ReduceResult:
    """Shrink `text` while `is_interesting` holds; return the best found.

    The first of `formats` that accepts `text` decides how candidates are normalised and sized and which
    passes run (by default MLIR's generic form, else lines). `passes` (names) replaces the schedule with one
    tier; unknown names raise `UnknownPass` up front. `stop` (or `max_time` seconds) ends the search with the
    best so far. The initial text is assumed interesting and is not tested. `reparse` forces the print + parse check on
    every module-pass candidate (by default they are checked for dangling references in memory).
    """
    _tiers(passes, schedule, formats[0])  # unknown names fail here, before any parse or test
    stop = stop if stop is not None else threading.Event()
    problem = _problem(
        text, is_interesting, formats, cache=cache, on_improve=on_improve, on_status=on_status, stop=stop,
        reparse=reparse,
    )
    tiers = _tiers(passes, schedule, problem.format)
    initial = problem.best.key
    ctx = context if context is not None else PassContext()
    timer = threading.Timer(max_time, stop.set) if max_time is not None else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    runner: SpeculativeRunner[Candidate] = SpeculativeRunner(jobs, problem.test, stop)
    try:
        _run_schedule(problem, tiers, ctx, runner)
    finally:
        runner.close()
        if timer is not None:
            timer.cancel()
    final = problem.best.key
    return ReduceResult(
        text=problem.text,
        stats=problem.stats,
        initial_ops=initial[0],
        initial_bytes=initial[1],
        final_ops=final[0],
        final_bytes=final[1],
        format=problem.format.name,
        stopped=stop.is_set(),
    )


def _problem(text: str, is_interesting: Predicate, formats: Sequence[Format], **kwargs: object) -> Problem:
    """The reduction problem in the first format that accepts `text`."""
    for fmt in formats:
        try:
            return Problem(text, is_interesting, format=fmt, **kwargs)  # type: ignore[arg-type]
        except ParseError:
            continue
    raise ParseError("no format accepts the input: " + ", ".join(f.name for f in formats))


def _run_schedule(
    problem: Problem, tiers: list[list[ReductionPass]], ctx: PassContext, runner: SpeculativeRunner[Candidate]
) -> None:
    """Each tier loops until a round of it shrinks nothing; the whole schedule loops the same way."""
    while not problem.stop.is_set():
        round_improved = False
        for tier in tiers:
            while not problem.stop.is_set():
                tier_improved = False
                for pass_ in tier:
                    if problem.stop.is_set():
                        break
                    tier_improved |= run_pass(problem, pass_, ctx, runner)
                if not tier_improved:
                    break
                round_improved = True
        if not round_improved:
            return
