"""`reducer reduce`: from a failing IR file to the smallest IR that shows the same signature.

Order of work: baseline (the input must fail as described), pass-level isolation (smaller, faster
experiment), reduction of the pass-level input, reduction of the full-stage input (seeded by the
pass-level result when that also fails the whole stage), then a final re-check under the full pipeline.
The request, the report, the baseline and the final check each have their own module beside this one.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from reducer.errors import DeadlineReached, InputError, NotInteresting, Slipped
from reducer.failure.check import CheckReport, check_file
from reducer.failure.interesting import ScriptTest, SignatureTest
from reducer.failure.isolate import PassLevel, isolate
from reducer.failure.replay import Replay, clamp_to_deadline
from reducer.failure.signature import Expectation, Signature
from reducer.passes.base import PassContext
from reducer.proc import atomic, outputs
from reducer.reduce.baseline import BASELINE_BUDGET, judge, per_test_timeout
from reducer.reduce.final_check import confirm, one_minimality, readable_form, verdict
from reducer.reduce.parse_cost import parse_limit
from reducer.reduce.request import MAX_INPUT_BYTES, ReduceRequest, default_output, level_path
from reducer.reduce.sources import roots_of, source_map
from reducer.reduce.summary import Phase, ReduceReport
from reducer.repro.artifact import sidecar_path
from reducer.search import ReduceResult, Stats
from reducer.search import reduce as search
from reducer.search.formats import XDSL_MAX_BYTES, formats_within, ops_or_lines
from reducer.stage import reproducer
from reducer.stage.run_env import RunEnv
from reducer.stage.runner import execute
from reducer.stage.source import mib
from reducer.stage.tool_print import reprint, unwrap_module
from reducer.stage.toolchain import locate_optimizer, optimizer_invocation

# Kept importable from here: the CLI, the sweep's tasks, the bench and tests name them through this module.
__all__ = [
    "DeadlineReached", "ReduceReport", "ReduceRequest", "Reduction", "Slipped", "default_output", "level_path",
]


def _run_opt(env: RunEnv, timeout: Callable[[], float]) -> Callable[[str, Sequence[str]], str | None] | None:
    """canonicalize/cse/symbol-dce as a reduction pass, from whichever stage's `*-opt` registers them.

    A stage tool may register none of them (triton-adapter-opt); with `--allow-unregistered-dialect` another
    stage's optimizer folds the generic arith/scf/cf parts and leaves unknown dialects alone.
    """
    optimizer = locate_optimizer()
    if optimizer is None:
        return None

    def run(text: str, flags: Sequence[str]) -> str | None:
        result = execute(optimizer_invocation(optimizer, text, flags), timeout=timeout(), env=env)
        return result.output_text if result.returncode == 0 else None

    return run


class Reduction:
    """One reduction run; `stop` (Ctrl-C, --max-time) ends it with the best result kept."""

    def __init__(self, request: ReduceRequest, status: Callable[[str], None] | None = None) -> None:
        self.req = request
        self.status = status or (lambda _line: None)
        self.stop = threading.Event()
        self.report: ReduceReport | None = None
        self._phase_name = ""
        self.deadline: float | None = None  # time.monotonic() when --max-time runs out
        self._timings: dict[str, float] = {}  # seconds per step: where a run's time went
        # The largest text xDSL parses in this run: under --max-time one parse must not overrun it by much.
        self.xdsl_max = XDSL_MAX_BYTES

    @property
    def level_path(self) -> Path:
        return level_path(self.req.out)

    def _budget(self, cap: float) -> float:
        """A tool run's limit: `cap`, shortened by the --max-time deadline."""
        return clamp_to_deadline(cap, self.deadline)

    def _past_deadline(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline

    def _time_for_runs(self, runs: int) -> bool:
        """Whether `runs` runs as long as the input's first one end before --max-time: past the deadline each run
        still gets half a second, so a step that cannot finish in time is not started (a heavy input's
        isolation replays it several times)."""
        baseline = self.report.baseline if self.report is not None else None
        if self.deadline is None or baseline is None:
            return True
        return time.monotonic() + runs * baseline.first.run.seconds < self.deadline

    @contextmanager
    def _timed(self, step: str) -> Iterator[None]:
        """Seconds spent in `step`, kept when it ends normally: where a run's time went."""
        t0 = time.monotonic()
        yield
        self._timings[step] = time.monotonic() - t0

    # --- the whole run --------------------------------------------------------------------

    def _arm(self) -> None:
        """Refuse to overwrite an input or to take one too large, then start the --max-time clock."""
        req = self.req
        src = req.source.path
        if len(req.source.text) > MAX_INPUT_BYTES:
            raise InputError(
                f"{src}: {mib(len(req.source.text))} of IR is more than reduce takes ({mib(MAX_INPUT_BYTES)}: "
                "its generic form is held several times over, and xDSL needs ~30 MiB and 3.5 s per MiB of it)",
                "cut it down to the failing kernel first (`reducer capture` lists each kernel's IR)",
            )
        outputs.guard(
            [src, sidecar_path(src) if src else None, req.test_script, *req.inputs],
            [req.out, sidecar_path(req.out), self.level_path],
            "reduce",
        )
        if req.max_time is not None:
            self.deadline = time.monotonic() + req.max_time
            timer = threading.Timer(req.max_time, self.stop.set)
            timer.daemon = True
            timer.start()

    def run(self) -> ReduceReport:
        req = self.req
        self._arm()
        self.status("checking the input")
        with self._timed("baseline"):
            baseline, sig = self._baseline()
        replay, expectation, full_test = self._full_stage_test(baseline, sig)
        # A crash reproducer's trailer stays out of the search (xDSL cannot parse it); every write re-attaches it.
        ir = reproducer.strip(req.source.text)
        generic = reproducer.strip(reprint(req.source.stage, ir, generic=True, timeout=self._budget(60.0)) or ir)
        # Count ops on the generic print: custom-form text of unregistered dialects does not parse in xDSL.
        self.xdsl_max = parse_limit(generic, self.deadline)
        ops = ops_or_lines(generic, self.xdsl_max)
        report = ReduceReport(req, sig, baseline, generic, ops, ops, xdsl_max=self.xdsl_max)
        report.timings = self._timings  # filled as the run goes (the sidecar is written at the end)
        self.report = report
        # The tool's own generic print of the input: what every later write is compared with (checked below, when
        # the full stage has to start from it).
        self._write(generic)
        # The full-stage phase's start: a pass-level seed, else the generic print.
        start_text = self._pass_level_seed(replay, expectation, full_test)
        if start_text is None and not self.stop.is_set():
            start_text = generic
            if start_text != ir and not any(full_test(start_text) for _ in range(3)):
                # The generic printout lost the bug (three tries: a rare miss must not cost the structured passes).
                start_text = ir
            self._write(start_text)
        if start_text is not None and not self.stop.is_set():
            result = self._phase("full-stage", start_text, full_test, self._write)
            report.text = result.text
        report.ops_after = ops_or_lines(report.text, self.xdsl_max)
        report.stopped = self.stop.is_set()
        if isinstance(full_test, SignatureTest):
            report.slipped = dict(full_test.slipped)
            report.timeouts = full_test.timeouts
        self.finish(report, full_test)
        return report

    def _baseline(self) -> tuple[CheckReport | None, Signature | None]:
        """The input's check and signature (None, None under a test script, which must accept the input)."""
        req = self.req
        if req.test_script is not None:
            suffix = req.source.path.suffix if req.source.path else ".mlir"
            test = ScriptTest(req.test_script, suffix, req.timeout_per_test or req.timeout, self.deadline)
            if not test(req.source.text):
                raise NotInteresting(
                    f"{req.source.path}: the test script does not find the input interesting (exit != 0)",
                    "the script must exit 0 on the original input",
                )
            return None, None
        report = check_file(
            req.source, req.options, runs=req.runs, timeout=req.timeout, env=req.env, explore_knobs=False,
            deadline=self.deadline,
            # A heavy kernel is run once: repeats cost minutes and isolation replays it again anyway.
            repeat_budget=None if req.allow_flaky else BASELINE_BUDGET,
        )
        return report, judge(report, req)

    def _full_stage_test(
        self, baseline: CheckReport | None, sig: Signature | None
    ) -> tuple[Replay, Expectation | None, Callable[[str], bool]]:
        """The whole stage's replay, the signature to keep (None under a test script) and the predicate on both."""
        req = self.req
        per_test = per_test_timeout(req, baseline, sig)
        replay = Replay(req.source.stage, req.options, per_test, req.env,
                        pipeline=reproducer.pipeline_of(req.source.text), deadline=self.deadline)
        expectation = Expectation.of(sig, req.strict) if sig is not None else None
        if expectation is not None:
            attempts = max(1, req.runs) if baseline and baseline.flaky else 1
            return replay, expectation, SignatureTest(replay, expectation, attempts)
        assert req.test_script is not None
        return replay, None, ScriptTest(req.test_script, ".mlir", per_test, self.deadline)

    def _pass_level_seed(
        self, replay: Replay, expectation: Expectation | None, full_test: Callable[[str], bool]
    ) -> str | None:
        """Isolate the failing pass and reduce its input; that result, written as the output, when it also fails
        the whole stage with fewer ops than the input (a much better seed), else None."""
        req, report = self.req, self.report
        assert report is not None
        if expectation is None or not req.pass_level or self.stop.is_set() or not self._time_for_runs(2):
            return None
        self.status("isolating the failing pass")
        with self._timed("isolation"):
            # On the input as given: its reproducer run is the one the baseline's pass probe already made.
            level = isolate(replay, req.source.text, expectation)
        if level is None or self.stop.is_set():
            return None
        report.pass_level = level
        level_text = reprint(req.source.stage, level.text, generic=True, timeout=self._budget(60.0))
        level_text = level_text or level.text
        level_test = SignatureTest(level.replay, expectation)
        if not level_test(level_text):
            return None
        write_level = self._level_writer(level)
        write_level(level_text)
        report.pass_level_path = self.level_path
        result = self._phase("pass-level", level_text, level_test, write_level)
        report.pass_level_text = result.text
        custom = None if self._past_deadline() else reprint(
            req.source.stage, result.text, generic=False, timeout=self._budget(60.0)
        )
        if custom is not None and level_test(custom):
            write_level(unwrap_module(custom) if level_test(unwrap_module(custom)) else custom)
        if ops_or_lines(result.text, self.xdsl_max) < report.ops_before and full_test(result.text):
            self._write(result.text)
            return result.text
        return None

    def _level_writer(self, level: PassLevel) -> Callable[[str], None]:
        """Writes the pass-level result under a header naming the pipeline that replays it."""
        header, path, report = f"// reducer: replay with {level.pipeline_text}\n", self.level_path, self.report
        assert report is not None

        def write_level(text: str) -> None:
            atomic.write_text(path, header + text)
            report.pass_level_text = text

        return write_level

    def _phase(
        self, name: str, text: str, test: Callable[[str], bool], on_improve: Callable[[str], None]
    ) -> ReduceResult:
        self._phase_name = name
        t0 = time.monotonic()
        result = search(
            text,
            test,
            self.req.passes,
            self.req.jobs,
            context=PassContext(run_opt=_run_opt(self.req.env, lambda: self._budget(60.0))),
            on_improve=on_improve,
            on_status=self._on_status,
            stop=self.stop,
            formats=formats_within(self.xdsl_max),
        )
        assert self.report is not None
        self.report.phases.append(Phase(name, result, time.monotonic() - t0))
        self._timings[name] = time.monotonic() - t0
        return result

    def _on_status(self, stats: Stats) -> None:
        done = sum(p.result.stats.tests for p in self.report.phases) if self.report else 0
        self.status(
            f"{self._phase_name}: {stats.ops} ops, {stats.bytes} bytes, tests {done + stats.tests}, "
            f"cache hits {stats.cache_hits}, pass {stats.current_pass}"
        )

    def _write(self, text: str) -> None:
        recorded = reproducer.of(self.req.source.text)
        atomic.write_text(self.req.out, recorded.attach(text) if recorded is not None else text)
        if self.report is not None:
            self.report.text = text

    # --- final check ----------------------------------------------------------------------

    def finish(self, report: ReduceReport, test: Callable[[str], bool]) -> None:
        """Re-run the result under the full pipeline; print it in custom form when that keeps the bug.

        Past the --max-time deadline it runs once, with a short grace, and says so instead of failing.
        """
        late = self._past_deadline()
        if not late and not self.stop.is_set():
            self.status("measuring 1-minimality")
            with self._timed("1-minimality"):
                report.one_minimal = one_minimality(report.text, test, self.xdsl_max,
                                                    lambda: self.stop.is_set() or self._past_deadline())
        stage = self.req.source.stage
        custom = None if late else reprint(stage, report.text, generic=False, timeout=self._budget(60.0))
        report.text, report.custom_form = readable_form(report.text, custom, test)
        self._write(report.text)
        cut = False
        if report.signature is None:
            report.final_runs = report.final_matches = 1 if test(report.text) else 0
        else:
            self.status("final check")
            cut = confirm(report, self.req, self.deadline, late=late, stopped=self.stop.is_set(),
                          timings=self._timings)
        if cut:
            report.final_note = "not confirmed: --max-time ran out during the final check"
        if not late and not self.stop.is_set():
            src = self.req.source
            report.sources = source_map(stage, src.text, report.text, roots_of(src.path), self._budget(60.0))
        atomic.write_text(sidecar_path(self.req.out), json.dumps(report.to_dict(), indent=2, sort_keys=True) + "\n")
        if not cut:
            verdict(report, self.req)
