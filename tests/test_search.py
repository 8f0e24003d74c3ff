"""The search engine against Python predicates: no compiler, no subprocess."""

from __future__ import annotations

import threading

import pytest
from mlir_fixtures import has_zero_stride_block_ptr, load, names

from reducer.errors import UnknownPass
from reducer.mlir.module import ParseError, count_ops, parse_module
from reducer.passes.base import PassContext
from reducer.search import reduce
from reducer.search.delta import run_pass
from reducer.search.formats import LINES, MLIR_GENERIC
from reducer.search.parallel import SpeculativeRunner
from reducer.search.problem import Problem


class Counting:
    """A thread-safe predicate wrapper that records every text it was asked about."""

    def __init__(self, inner):
        self.inner = inner
        self.seen: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, text: str) -> bool:
        with self.lock:
            self.seen.append(text)
        return self.inner(text)


def test_zero_stride_reduces_small_and_identically_for_j1_and_j2():
    text = load("zero_stride.generic.mlir")
    assert has_zero_stride_block_ptr(text)
    r1 = reduce(text, has_zero_stride_block_ptr, jobs=1)
    r2 = reduce(text, has_zero_stride_block_ptr, jobs=2)
    assert r1.text == r2.text
    assert r1.initial_ops == 130
    assert r1.final_ops <= 6
    assert r1.stats.tests < 300
    assert has_zero_stride_block_ptr(r1.text)
    assert "tt.make_tensor_ptr" in names(r1.text)
    assert count_ops(parse_module(r1.text)) == r1.final_ops


def test_every_tested_text_parses_and_cache_hits_are_not_tests():
    text = load("zero_stride.generic.mlir")
    pred = Counting(has_zero_stride_block_ptr)
    result = reduce(text, pred, passes=["erase-ops", "lines"])
    assert result.stats.tests == len(pred.seen)
    assert len(set(pred.seen)) == len(pred.seen)  # the cache never lets a text be tested twice
    assert result.stats.invalid > 0  # line deletions that break the syntax are counted...
    for seen in pred.seen:  # ...and never reach the predicate
        parse_module(seen)


def test_cache_hit_counted_once_tested():
    text = load("control_flow.generic.mlir")
    problem = Problem(text, lambda t: True, format=MLIR_GENERIC)
    cand = problem.prepare(text.replace("noinline = true", "noinline = false", 1).replace('"unused"', '"u"'))
    assert cand is not None
    assert problem.test(cand) and problem.test(cand)
    assert (problem.stats.tests, problem.stats.cache_hits) == (1, 1)


def test_invalid_and_not_smaller_candidates_are_not_tested():
    text = load("control_flow.generic.mlir")
    problem = Problem(text, lambda t: pytest.fail("must not be called"), format=MLIR_GENERIC)
    assert problem.prepare(text.replace("%9 = ", "%9 = = ", 1)) is None
    assert problem.prepare(text + "\n") is None  # same ops and bytes after normalising
    assert (problem.stats.invalid, problem.stats.not_smaller, problem.stats.tests) == (1, 1, 0)


def test_on_improve_sees_strictly_smaller_texts_and_ends_with_result():
    text = load("control_flow.generic.mlir")
    improved: list[str] = []
    result = reduce(text, lambda t: "scf.while" in t, on_improve=improved.append)
    keys = [(count_ops(parse_module(t)), len(t)) for t in improved]
    assert keys == sorted(keys, reverse=True) and len(set(keys)) == len(keys)
    assert improved[-1] == result.text
    assert names(result.text).count("scf.while") == 1


@pytest.mark.parametrize("jobs", [1, 2])
def test_stop_flag_returns_best_so_far(jobs):
    text = load("zero_stride.generic.mlir")
    stop = threading.Event()
    calls = Counting(has_zero_stride_block_ptr)

    def pred(t: str) -> bool:
        if len(calls.seen) >= 5:
            stop.set()
        return calls(t)

    result = reduce(text, pred, jobs=jobs, stop=stop)
    assert result.stopped
    assert result.stats.tests <= 5 + jobs
    assert has_zero_stride_block_ptr(result.text)
    assert result.final_ops < result.initial_ops  # the first all-regions inline already won


def test_max_time_stops():
    import time

    def slow(t: str) -> bool:
        time.sleep(0.05)
        return has_zero_stride_block_ptr(t)

    start = time.monotonic()
    result = reduce(load("zero_stride.generic.mlir"), slow, max_time=0.5)
    assert result.stopped and time.monotonic() - start < 5
    assert has_zero_stride_block_ptr(result.text)


def test_unparseable_input_falls_back_to_lines():
    text = "keep me\nnoise 1\n%x = = broken(\nnoise 2\nKEEP too\n"
    with pytest.raises(ParseError):
        parse_module(text)
    result = reduce(text, lambda t: "keep me" in t and "KEEP" in t)
    assert result.format == "lines"
    assert result.text == "keep me\nKEEP too\n"


def test_unknown_pass_rejected_before_any_test():
    with pytest.raises(UnknownPass, match="no-such-pass"):
        reduce(load("control_flow.generic.mlir"), lambda t: pytest.fail("tested"), passes=["erase-ops", "no-such-pass"])


class _DropMarkers:
    """A fake text pass: target i is the i-th line; the predicate wants two of twenty lines."""

    name = "fake"
    description = "drop lines"
    needs_module = False

    def targets(self, subject, ctx):
        return len(subject.text.splitlines())

    def apply(self, subject, chosen, ctx):
        lines = subject.text.splitlines(keepends=True)
        return "".join(ln for i, ln in enumerate(lines) if i not in set(chosen))


@pytest.mark.parametrize("jobs", [1, 2, 4])
def test_delta_finds_the_two_needed_lines_with_few_tests(jobs):
    text = "".join(f"line {i}\n" for i in range(20))
    pred = Counting(lambda t: "line 3\n" in t and "line 17\n" in t)
    problem = Problem(text, pred, format=LINES)
    runner = SpeculativeRunner(jobs, problem.test, problem.stop)
    try:
        assert run_pass(problem, _DropMarkers(), PassContext(), runner)
    finally:
        runner.close()
    assert problem.text == "line 3\nline 17\n"
    if jobs == 1:
        assert problem.stats.tests <= 40


def test_reparse_mode_gives_the_same_result():
    text = load("control_flow.generic.mlir")

    def pred(t: str) -> bool:
        return "math.exp" in t and "scf.for" in t

    fast = reduce(text, pred)
    slow = reduce(text, pred, reparse=True)
    assert fast.text == slow.text
    assert fast.final_ops == slow.final_ops < fast.initial_ops


class _Broken(_DropMarkers):
    name = "broken"

    def apply(self, subject, chosen, ctx):
        if 0 in chosen:
            raise RuntimeError("boom")
        return super().apply(subject, chosen, ctx)


def test_a_crashing_pass_is_recorded_not_fatal():
    text = "".join(f"line {i}\n" for i in range(6))
    problem = Problem(text, lambda t: "line 5\n" in t, format=LINES)
    runner = SpeculativeRunner(1, problem.test, problem.stop)
    try:
        assert run_pass(problem, _Broken(), PassContext(), runner)
    finally:
        runner.close()
    assert problem.text.endswith("line 5\n") and "line 0\n" in problem.text  # target 0 could never be removed
    [(message, times)] = problem.stats.pass_errors.items()
    assert message == "broken (apply): RuntimeError: boom" and times >= 1


def test_passes_won_never_sum_ops_of_different_irs() -> None:
    """The pass-level phase counts ops of an intermediate IR; the input's passes_won must not include them."""
    from types import SimpleNamespace

    from reducer.reduce.reduction import ReduceReport
    from reducer.search.problem import Stats

    def phase(name: str, saved: dict[str, int]) -> SimpleNamespace:
        stats = Stats()
        for pass_name, ops in saved.items():
            per = stats.for_pass(pass_name)
            per.accepted, per.ops_saved, per.bytes_saved = 1, ops, ops * 10
        return SimpleNamespace(name=name, result=SimpleNamespace(stats=stats))

    report = SimpleNamespace(phases=[phase("pass-level", {"erase-ops": 900}), phase("full-stage", {"erase-ops": 40})])
    assert ReduceReport.winners(report) == [("erase-ops", 40, 400)]
    assert ReduceReport.winners(report, "pass-level") == [("erase-ops", 900, 9000)]


def test_attributes_xdsl_cannot_hold_round_trip_as_written() -> None:
    """bishengir's HIVM IR uses semi-affine maps (`s0 * s1`), which xdsl 0.74 refuses: they travel opaque."""
    from reducer.mlir.module import count_ops, parse_module, print_module

    text = (
        "#map = affine_map<()[s0, s1] -> (s0 * s1)>\n"
        '"builtin.module"() ({\n'
        '  "func.func"() <{function_type = (index, index) -> index, sym_name = "f"}> ({\n'
        "  ^bb0(%a: index, %b: index):\n"
        '    %0 = "affine.apply"(%a, %b) <{map = #map}> : (index, index) -> index\n'
        '    "func.return"(%0) : (index) -> ()\n'
        "  }) : () -> ()\n"
        "}) : () -> ()\n"
    )
    module = parse_module(text)
    assert count_ops(module) == 4
    printed = print_module(module)
    assert "affine_map<()[s0, s1] -> (s0 * s1)>" in printed and "reducer.opaque" not in printed
    assert print_module(parse_module(printed)) == printed  # stable: candidates compare equal
