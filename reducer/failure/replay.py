"""Replay a stage on IR text and turn the run into an outcome and a signature."""

from __future__ import annotations

import collections
import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from reducer.errors import CommandLineRejected
from reducer.failure import signature as sigmod
from reducer.failure.bisect import bisect
from reducer.failure.classify import classify, specific_error_line
from reducer.failure.evidence import TOP_FRAMES, common_frames, unplaced_same_crash
from reducer.failure.outcome import Outcome
from reducer.failure.signature import Signature
from reducer.stage.options import Options
from reducer.stage.reproducer import pipeline_of
from reducer.stage.runner import DEFAULT_ENV, RunEnv, RunResult, execute
from reducer.stage.table import StageSpec
from reducer.stage.toolchain import REPRODUCER, locate_parser, parse_invocation, reproducer_invocation, stage_invocation

_REPRODUCER_KEEP = 4
_REPRODUCER_RUNS: dict[tuple[object, ...], RunResult] = {}
_REPRODUCER_LOCK = threading.Lock()

PROBE_SECONDS = 10.0
# Probes for a bare crash's pass: its id needs one, and a crash that shows in most runs may miss one probe.
PROBE_TRIES = 3

# The least a run gets once a deadline has passed: enough for a healthy compiler, short for a hang.
MIN_RUN_SECONDS = 0.5


def clamp_to_deadline(limit: float, deadline: float | None) -> float:
    """A run's limit: `limit`, shortened by a time.monotonic() deadline (--max-time), never below MIN_RUN_SECONDS."""
    if deadline is None:
        return limit
    return max(MIN_RUN_SECONDS, min(limit, deadline - time.monotonic()))


@dataclass
class Observation:
    outcome: Outcome
    signature: Signature | None
    run: RunResult
    # The run hit the deadline (--max-time) before its own timeout: it says nothing about the bug.
    cut_short: bool = False


@dataclass(frozen=True)
class Replay:
    """One stage, one target and option set, one environment: a reproducible experiment."""

    stage: StageSpec
    options: Options = field(default_factory=Options)
    timeout: float = 120.0
    env: RunEnv = DEFAULT_ENV
    # A pass-level replay runs only these arguments (e.g. one `--pass-pipeline=`) instead of the stage's.
    pipeline: tuple[str, ...] | None = None
    deadline: float | None = None  # time.monotonic() by which every run must end (--max-time)
    tool: Path | None = None  # another release's binary (the version matrix); None: the installed one

    def run_timeout(self, cap: float | None = None) -> float:
        """This run's limit: the timeout (or `cap`), shortened by the deadline."""
        return clamp_to_deadline(self.timeout if cap is None else min(self.timeout, cap), self.deadline)

    def recorded(self, text: str) -> Replay:
        """This replay, or, for an MLIR crash-reproducer file, the pipeline the file records (options included)."""
        flags = pipeline_of(text) if self.pipeline is None else None
        return self if flags is None else replace(self, pipeline=flags)

    def observe(self, text: str, *, find_pass: bool = False) -> Observation:
        if (own := self.recorded(text)) is not self:
            return own.observe(text, find_pass=find_pass)
        limit = self.run_timeout()
        run = execute(stage_invocation(self.stage, text, self.options, pipeline=self.pipeline, tool=self.tool),
                      timeout=limit, env=self.env)
        if run.timed_out and limit < self.timeout:
            return Observation(Outcome.TIMEOUT, None, run, cut_short=True)
        _refuse_rejected_command_line(self.stage, run)
        _refuse_unparsed_pipeline(self, run)
        outcome = classify(run, self.stage)
        if outcome in (Outcome.DIAGNOSTIC, Outcome.UNKNOWN_FAILURE) and not self.parses(text):
            outcome = Outcome.INVALID_INPUT
        sig = sigmod.compute(self.stage, outcome, run)
        # A bare crash (no message) is told apart by the pass it dies in, so every such run finds it: from the
        # pipeline when a single pass is pinned, else by a probe. A hang has no failing pass to find, and probing
        # would wait out the timeout a second time.
        bare = sig is not None and sig.bare
        probe = (find_pass or bare) and outcome.is_failure and outcome is not Outcome.TIMEOUT
        pass_name = self.pinned_pass() if probe else None
        if probe and pass_name is None:
            # The probe is a second run with MLIR's crash recovery on; where that hangs (seen under qemu-user) it
            # must not cost the whole timeout: it gets ten times the plain run, at least PROBE_SECONDS.
            crash = sig.detail if sig is not None and bare else None
            pass_name = self.failing_pass(text, max(PROBE_SECONDS, 10 * run.seconds), crash=crash)
        if pass_name is not None and sig is not None:
            sig = replace(sig, failing_pass=pass_name)
        return Observation(outcome, sig, run)

    def pinned_pass(self) -> str | None:
        """The pass a single-pass pipeline runs (`--pass-pipeline=builtin.module(X)`): whatever crashes, it is X.
        Only for a tool whose failing pass is named by its local reproducer (the same spelling); one that names it
        in a note uses the pass's own name, which a pipeline does not spell."""
        if self.pipeline is None or len(self.pipeline) != 1 or not self.stage.pass_from_local_reproducer:
            return None
        flag = self.pipeline[0]
        if flag.startswith("--pass-pipeline="):
            names = sigmod.pipeline_passes(flag.split("=", 1)[1])
            return names[0] if len(names) == 1 else None
        return None

    def parses(self, text: str) -> bool:
        """True when the tool parses and verifies `text` with no pass run."""
        if locate_parser(self.stage, self.tool, self.options.target) is None:
            return True
        invocation = parse_invocation(self.stage, text, tool=self.tool, target=self.options.target)
        run = execute(invocation, timeout=self.run_timeout(60.0), env=self.env)
        return run.returncode == 0

    def reproducer(self, text: str, local: bool, cap: float | None = None, fresh: bool = False) -> RunResult:
        """Run with MLIR's crash reproducer on; `files["reproducer.mlir"]` holds it when one was written.

        A local reproducer holds the IR just before the failing pass. The last few runs are remembered: the
        baseline's failing-pass probe and isolation ask for the same run, which is a whole compile (up to minutes
        on a heavy kernel).
        """
        if (own := self.recorded(text)) is not self:
            return own.reproducer(text, local, cap, fresh)
        key = (
            self.stage.name,
            json.dumps(self.options.as_dict(), sort_keys=True, default=str),
            repr(self.env),
            self.pipeline,
            str(self.tool),
            local,
            hashlib.sha1(text.encode()).hexdigest(),
        )
        with _REPRODUCER_LOCK:
            if key in _REPRODUCER_RUNS and not fresh:
                return _REPRODUCER_RUNS[key]
        inv = reproducer_invocation(self.stage, text, self.options, local=local, pipeline=self.pipeline)
        run = execute(inv, timeout=self.run_timeout(cap), env=self.env)
        if not run.timed_out:
            with _REPRODUCER_LOCK:
                _REPRODUCER_RUNS[key] = run
                while len(_REPRODUCER_RUNS) > _REPRODUCER_KEEP:
                    _REPRODUCER_RUNS.pop(next(iter(_REPRODUCER_RUNS)))
        return run

    def whole_reproducer(self, text: str) -> str | None:
        """The crash reproducer of the whole failing pipeline (threads on, as the stage runs), when one is written."""
        return self.reproducer(text, local=False).files.get(REPRODUCER)

    def run_pipeline(self, ir: str, pipeline: tuple[str, ...], keep_output: bool = False) -> RunResult:
        """One raw run of `pipeline` on `ir` in the tool that registers the stage's passes: no signature, no probe."""
        invocation = stage_invocation(self.stage, ir, self.options, pipeline=pipeline, keep_output=keep_output,
                                      tool=self.tool)
        return execute(invocation, timeout=self.run_timeout(), env=self.env)

    def bare_crash(self, run: RunResult) -> str | None:
        """The signal name of a run that died with no message, else None."""
        sig = sigmod.compute(self.stage, classify(run, self.stage), run)
        return sig.detail if sig is not None and sig.bare else None

    def failing_pass(self, text: str, cap: float | None = None, crash: str | None = None) -> str | None:
        """Which pass failed. A top-level note names the pass of the user's pipeline (a local reproducer may
        name a nested helper such as CSE); a tool that prints no note has its local reproducer tell.

        For a `crash` with no message (its signal name), a probe that failed with a diagnostic of its own saw
        another failure and names that one's pass: it is not taken, and a fresh probe runs, up to PROBE_TRIES (a
        crash that shows in most runs may miss one probe); then the recorded pipeline is bisected (`bisect`)."""
        for attempt in range(PROBE_TRIES if crash else 1):
            run = self.reproducer(text, local=self.stage.pass_from_local_reproducer, cap=cap, fresh=attempt > 0)
            if run.timed_out:
                return None
            if crash and specific_error_line(run.stderr, self.stage):
                continue
            found = sigmod.failing_pass(run.stderr) or sigmod.pass_from_reproducer(run.files.get(REPRODUCER, ""))
            if found or not crash:
                return found
        if crash and self.stage.pass_from_local_reproducer and self.pipeline is None:
            bisected = bisect(self, text, crash)
            return bisected.pass_name if bisected is not None else None
        return None


# LLVM's command-line parser, refusing an argument before any pass runs.
_CL_ERROR = re.compile(r"^\S+: (?:Unknown command line argument .*|for the -+[\w-]+ option: .*)$", re.M)


def _refuse_rejected_command_line(stage: StageSpec, run: RunResult) -> None:
    m = _CL_ERROR.search(run.stderr) if run.returncode else None
    if m:
        raise CommandLineRejected(
            f"{stage.tool} rejected its command line: {m.group(0).split(': ', 1)[1][:160]}",
            "check the --option values (or the file's own options): this is not a compiler bug",
        )


# An MLIR tool saying the --pass-pipeline it was given does not parse: the input's fault (a reproducer's trailer).
_PIPELINE_ERROR = re.compile(
    r"^<unknown>:0: error: (expected pass pipeline to be wrapped[^\n]*|MLIR Textual PassPipeline Parser[^\n]*)", re.M
)


def _refuse_unparsed_pipeline(replay: Replay, run: RunResult) -> None:
    m = _PIPELINE_ERROR.search(run.stderr) if run.returncode and replay.pipeline else None
    if m:
        raise CommandLineRejected(
            f"{replay.stage.tool} cannot parse the pass pipeline it was given: {m.group(1)[:160]}",
            "a reproducer file's trailer records a pipeline this tool does not run: regenerate it with "
            "--mlir-pass-pipeline-crash-reproducer=FILE, or strip the trailer and pass --stage",
        )


@dataclass(frozen=True)
class Evidence:
    """How stable a signature's frames were over the runs that showed it: the id never rests on them, but how
    strictly a later run is compared does."""

    runs: int  # runs that showed the signature
    printed: int  # of them, runs whose stack dump had frames
    identical: int  # runs whose top frames were the most common top frames
    common: list[str]  # top frames present in every run that printed frames

    @property
    def stable(self) -> bool:
        return self.printed == self.runs and self.identical == self.runs


@dataclass
class Tally:
    """How often each signature (or a pass) came back over repeated runs."""

    runs: int
    counts: collections.Counter[str]
    signatures: dict[str, Signature]
    outcomes: collections.Counter[str]
    stacks: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)  # id -> every run's frames

    @property
    def dominant(self) -> Signature | None:
        """The commonest signature, its frames those common to every run of it that printed frames."""
        if not self.counts:
            return None
        sig_id, _ = self.counts.most_common(1)[0]
        sig = self.signatures[sig_id]
        evidence = self.evidence(sig)
        return sig if evidence is None or not evidence.printed else replace(sig, frames=evidence.common)

    def evidence(self, sig: Signature) -> Evidence | None:
        stacks = self.stacks.get(sig.id)
        if not stacks:
            return None
        tops = collections.Counter(s[: TOP_FRAMES] for s in stacks if s)
        identical = tops.most_common(1)[0][1] if tops else 0
        return Evidence(len(stacks), sum(1 for s in stacks if s), identical, common_frames(stacks))

    def rate(self, sig: Signature | None) -> float:
        if sig is None:
            return 0.0
        return self.shown(sig) / self.runs if self.runs else 0.0

    def shown(self, sig: Signature) -> int:
        """Runs that showed `sig`'s bug. For a bare crash, also the runs whose probe named no pass (their ids
        fell back on frames) when nothing they showed says it is another crash: whether a crash reproduces is
        its outcome's question, never its evidence's."""
        if not sig.bare:
            return self.counts.get(sig.id, 0)
        return sum(n for sid, n in self.counts.items() if sid == sig.id or unplaced_same_crash(sig,
                   self.signatures[sid]))


def tally(
    replay: Replay, text: str, runs: int, find_pass: bool = True, budget: float | None = None
) -> tuple[Tally, Observation]:
    """Run `runs` times; return the counts and the first observation of the dominant signature.

    With `budget` (seconds), a repeat is skipped once it would end past the budget: a heavy kernel whose one run
    takes a minute is run once (the report says how many runs were made).
    """
    counts: collections.Counter[str] = collections.Counter()
    outcomes: collections.Counter[str] = collections.Counter()
    sigs: dict[str, Signature] = {}
    first: dict[str, Observation] = {}
    stacks: dict[str, list[tuple[str, ...]]] = {}
    last: Observation | None = None
    t0 = time.monotonic()
    done = 0
    for i in range(runs):
        if budget is not None and last is not None:
            if time.monotonic() - t0 + last.run.seconds > budget:
                break
        done += 1
        obs = replay.observe(text, find_pass=find_pass and i == 0)
        last = obs
        outcomes[obs.outcome.value] += 1
        if obs.signature is not None:
            sid = obs.signature.id
            counts[sid] += 1
            stacks.setdefault(sid, []).append(obs.signature.stack or tuple(obs.signature.frames))
            if sid not in sigs:
                sigs[sid] = obs.signature
                first[sid] = obs
    result = Tally(done, counts, sigs, outcomes, stacks)
    dom = result.dominant
    assert last is not None
    return result, (first[dom.id] if dom is not None else last)
