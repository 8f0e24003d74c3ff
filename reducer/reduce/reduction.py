"""`reducer reduce`: from a failing IR file to the smallest IR that shows the same signature.

Order of work: baseline (the input must fail as described), pass-level isolation (smaller, faster
experiment), reduction of the pass-level input, reduction of the full-stage input (seeded by the
pass-level result when that also fails the whole stage), then a final re-check under the full pipeline.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reducer.errors import FlakyFailure, NotInteresting, ReducerError
from reducer.failure.check import CheckReport, check_file
from reducer.failure.interesting import ScriptTest, SignatureTest
from reducer.failure.isolate import PassLevel, isolate
from reducer.failure.replay import MIN_RUN_SECONDS, Replay
from reducer.failure.signature import Expectation, Signature
from reducer.mlir.module import count_ops, parse_module
from reducer.passes.base import PassContext
from reducer.proc import atomic, outputs
from reducer.repro.artifact import sidecar_path
from reducer.search import ReduceResult, Stats
from reducer.search import reduce as search
from reducer.stage.options import Options
from reducer.stage.run_env import DEFAULT_ENV, RunEnv
from reducer.stage.runner import execute
from reducer.stage.source import Source
from reducer.stage.tool_print import reprint, unwrap_module
from reducer.stage.toolchain import locate_optimizer, optimizer_invocation

FINAL_RUNS = 5
# Seconds the baseline may spend repeating the input's run (the first run always happens); --allow-flaky lifts it.
BASELINE_BUDGET = 30.0
# Past the --max-time deadline, the final check still gets this long: a result is worth one confirmation.
FINAL_GRACE = 3.0


class Slipped(ReducerError):
    """The final result no longer shows the original signature under the full pipeline."""


class DeadlineReached(ReducerError):
    """--max-time ran out before there was anything to keep."""


@dataclass
class ReduceRequest:
    source: Source
    options: Options
    out: Path
    expect: Expectation | None = None
    test_script: Path | None = None
    strict: bool = False
    jobs: int = 1
    timeout: float = 120.0
    timeout_per_test: float | None = None
    max_time: float | None = None
    passes: Sequence[str] | None = None
    runs: int = 3
    allow_flaky: bool = False
    pass_level: bool = True
    inputs: tuple[Path, ...] = ()  # other files the run reads (an --expect file): never an output
    env: RunEnv = DEFAULT_ENV


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
                "ops": _ops(self.pass_level_text or ""),
            },
            "final_check": f"{self.final_matches}/{self.final_runs}",
            "stopped": self.stopped,
            "slipped": self.slipped,
            "timeouts": self.timeouts,
            "timings": {k: round(v, 2) for k, v in self.timings.items()},
            "one_minimal": None if self.one_minimal is None else
            {"deletions_keeping_the_bug": self.one_minimal[0], "deletions_tried": self.one_minimal[1]},
            "final_note": self.final_note,
            "stage": self.request.source.stage.name,
            "options": self.request.options.as_dict(),
            "env": self.request.env.as_dict(),
        }


def _ops(text: str) -> int:
    try:
        return count_ops(parse_module(text))
    except ReducerError:
        return sum(1 for line in text.splitlines() if line.strip())


def default_output(source: Source, cwd: Path) -> Path:
    stem = source.path.name.split(".")[0] if source.path else "input"
    return cwd / f"reduced-{stem}.mlir"


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


def one_minimality(text: str, test: Callable[[str], bool]) -> tuple[int, int] | None:
    """How many single-op deletions of the result still show the bug (0: 1-minimal), out of how many; None
    when the result is not MLIR the structured passes can edit."""
    from reducer.passes.registry import get_pass
    from reducer.search.formats import MLIR_GENERIC

    subject = MLIR_GENERIC.normalise(text)
    if subject is None:
        return None
    erase, ctx = get_pass("erase-ops"), PassContext()
    tried = kept = 0
    for i in range(erase.targets(subject, ctx)):
        candidate = erase.apply(subject, [i], ctx)
        if candidate is None:
            continue
        tried += 1
        kept += bool(test(candidate))
    return kept, tried


def level_path(out: Path) -> Path:
    """Where a reduction writing `out` keeps its pass-level result."""
    return out.with_name(out.stem + ".pass-level.mlir")


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

    # --- baseline -------------------------------------------------------------------------

    def baseline(self) -> tuple[CheckReport | None, Signature | None]:
        req = self.req
        if req.test_script is not None:
            test = ScriptTest(
                req.test_script,
                req.source.path.suffix if req.source.path else ".mlir",
                req.timeout_per_test or req.timeout,
                self.deadline,
            )
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
        return report, sig

    # --- the whole run --------------------------------------------------------------------

    @property
    def level_path(self) -> Path:
        return level_path(self.req.out)

    def _budget(self, cap: float) -> float:
        """A tool run's limit: `cap`, shortened by the --max-time deadline."""
        if self.deadline is None:
            return cap
        return max(MIN_RUN_SECONDS, min(cap, self.deadline - time.monotonic()))

    def _past_deadline(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline

    def run(self) -> ReduceReport:
        req = self.req
        src = req.source.path
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
        self.status("checking the input")
        t0 = time.monotonic()
        baseline, sig = self.baseline()
        self._timings["baseline"] = time.monotonic() - t0
        per_test = req.timeout_per_test
        if per_test is None:
            spent = baseline.first.run.seconds if baseline else 1.0
            per_test = req.timeout if sig and sig.outcome == "timeout" else max(5.0, 10 * spent)
        replay = Replay(req.source.stage, req.options, per_test, req.env, deadline=self.deadline)
        expectation = Expectation.of(sig, req.strict) if sig is not None else None
        if expectation is not None:
            attempts = max(1, req.runs) if baseline and baseline.flaky else 1
            full_test: Callable[[str], bool] = SignatureTest(replay, expectation, attempts)
        else:
            assert req.test_script is not None
            full_test = ScriptTest(req.test_script, ".mlir", per_test, self.deadline)

        generic = reprint(req.source.stage, req.source.text, generic=True, timeout=self._budget(60.0))
        generic = generic or req.source.text
        # Count ops on the generic print: custom-form text of unregistered dialects does not parse in xDSL.
        report = ReduceReport(req, sig, baseline, generic, _ops(generic), _ops(generic))
        report.timings = self._timings  # filled as the run goes (the sidecar is written at the end)
        self.report = report
        # The tool's own generic print of the input: what every later write is compared with (checked below, when
        # the full stage has to start from it).
        self._write(generic)
        start_text: str | None = None  # the full-stage phase's start: a pass-level seed, else the generic print

        if expectation is not None and req.pass_level and not self.stop.is_set():
            self.status("isolating the failing pass")
            t0 = time.monotonic()
            # On the input as given: its reproducer run is the one the baseline's pass probe already made.
            level = isolate(replay, req.source.text, expectation)
            self._timings["isolation"] = time.monotonic() - t0
            if level is not None and not self.stop.is_set():
                report.pass_level = level
                level_text = reprint(req.source.stage, level.text, generic=True, timeout=self._budget(60.0))
                level_text = level_text or level.text
                level_test = SignatureTest(level.replay, expectation)
                if level_test(level_text):
                    header = f"// reducer: replay with {level.pipeline_text}\n"

                    def write_level(text: str, _h: str = header, _p: Path = self.level_path) -> None:
                        atomic.write_text(_p, _h + text)
                        report.pass_level_text = text

                    write_level(level_text)
                    report.pass_level_path = self.level_path
                    result = self._phase("pass-level", level_text, level_test, write_level)
                    report.pass_level_text = result.text
                    custom = None if self._past_deadline() else reprint(
                        req.source.stage, result.text, generic=False, timeout=self._budget(60.0)
                    )
                    if custom is not None and level_test(custom):
                        write_level(unwrap_module(custom) if level_test(unwrap_module(custom)) else custom)
                    # The pass-level result often fails the whole stage too: a much better seed.
                    if _ops(result.text) < report.ops_before and full_test(result.text):
                        start_text = result.text
                        self._write(start_text)

        if start_text is None and not self.stop.is_set():
            start_text = generic
            if start_text != req.source.text and not any(full_test(start_text) for _ in range(3)):
                # The generic printout lost the bug (three tries: a rare miss must not cost the structured passes).
                start_text = req.source.text
            self._write(start_text)
        if start_text is not None and not self.stop.is_set():
            result = self._phase("full-stage", start_text, full_test, self._write)
            report.text = result.text
        report.ops_after = _ops(report.text)
        report.stopped = self.stop.is_set()
        if isinstance(full_test, SignatureTest):
            report.slipped = dict(full_test.slipped)
            report.timeouts = full_test.timeouts
        self.finish(report, full_test)
        return report

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
        atomic.write_text(self.req.out, text)
        if self.report is not None:
            self.report.text = text

    # --- final check ----------------------------------------------------------------------

    def finish(self, report: ReduceReport, test: Callable[[str], bool]) -> None:
        """Re-run the result under the full pipeline; print it in custom form when that keeps the bug.

        Past the --max-time deadline it runs once, with a short grace, and says so instead of failing.
        """
        sig = report.signature
        text = report.text
        late = self._past_deadline()
        if not late and not self.stop.is_set():
            self.status("measuring 1-minimality")
            t0 = time.monotonic()
            report.one_minimal = one_minimality(text, test)
            self._timings["1-minimality"] = time.monotonic() - t0
        custom = None if late else reprint(self.req.source.stage, text, generic=False, timeout=self._budget(60.0))
        if custom is not None and custom != text and test(custom):
            text = custom
            report.custom_form = True
            bare = unwrap_module(custom)
            if bare != custom and test(bare):
                text = bare
        report.text = text
        self._write(text)
        cut = False
        if sig is None:
            report.final_runs = report.final_matches = 1 if test(text) else 0
        else:
            self.status("final check")
            t0 = time.monotonic()
            # Past --max-time the confirmation still gets one run of the input's length (a slow tool needs it).
            baseline = self.report.baseline if self.report is not None else None
            grace = max(FINAL_GRACE, 2 * baseline.first.run.seconds) if baseline is not None else FINAL_GRACE
            deadline = None if self.deadline is None else max(self.deadline, time.monotonic()) + grace
            replay = Replay(self.req.source.stage, self.req.options, self.req.timeout, self.req.env,
                            deadline=deadline)
            expectation = Expectation.of(sig, self.req.strict)
            # Stopped (Ctrl-C, a sweep ending): one confirming run, not five whole compiles of a heavy kernel.
            report.final_runs = 1 if late or self.stop.is_set() else FINAL_RUNS
            observed = [replay.observe(text) for _ in range(report.final_runs)]
            cut = any(obs.cut_short for obs in observed)
            report.final_matches = sum(expectation.met_by(obs.signature) for obs in observed)
            self._timings["final check"] = time.monotonic() - t0
            if report.final_matches == 0 and not cut and not late:
                # Before blaming the reduction: does the original input still fail the same way?
                if not expectation.met_by(replay.observe(self.req.source.text).signature):
                    report.final_note = "the original input no longer fails the same way either"
        if cut:
            report.final_note = "not confirmed: --max-time ran out during the final check"
        atomic.write_text(sidecar_path(self.req.out), json.dumps(report.to_dict(), indent=2, sort_keys=True) + "\n")
        if cut:
            return
        if report.final_note:
            raise FlakyFailure(
                f"the compiler stopped showing signature {sig.id if sig else ''} during the run: "
                "the original input no longer fails the same way either",
                f"kept at {self.req.out}; check the input with `reducer check --runs 20`",
            )
        flaky_ok = self.req.allow_flaky and report.final_matches > 0
        if report.final_matches == 0:
            raise Slipped(
                f"the reduced IR no longer shows signature {sig.id if sig else ''} under the full pipeline",
                f"kept at {self.req.out}; please report this reducer bug",
            )
        if report.final_matches != report.final_runs and not flaky_ok:
            raise FlakyFailure(
                f"the reduced IR shows the signature in {report.final_matches}/{report.final_runs} final runs: "
                "the failure is flaky",
                f"kept at {self.req.out}; check the input with `reducer check --runs 20`, then reduce with "
                "--runs 10 --allow-flaky",
            )
