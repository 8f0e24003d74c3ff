"""Crash signatures: what makes two failures the same bug.

A signature is stage + outcome class + a normalized key message (+ failing pass and top
frames as evidence). What the message masks is one table (`masks.MASKS`), shared with the
frontend's findings.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from reducer.failure.classify import capacity_line, first_error_line
from reducer.failure.evidence import TOP_FRAMES, stacks_agree
from reducer.failure.masks import digest, normalize_message
from reducer.failure.outcome import Outcome
from reducer.failure.resource import ResourceLimit, is_capacity, resource_limit
from reducer.stage import reproducer
from reducer.stage import table as stages

if TYPE_CHECKING:
    from reducer.stage.runner import RunResult
    from reducer.stage.table import StageSpec

# How ids are made; 2: a bare crash is its signal and failing pass (1 hashed its frames, which vary by run);
# 3: a capacity diagnostic (`ub overflow, ...`) is a resource limit, no longer a diagnostic-error.
ID_SCHEME = 3
# The outcomes whose ids scheme 2 changed: a stored id of an older scheme is recomputed or re-checked.
RESCHEMED = ("signal", "self-caught-crash")
# Frames a run keeps as evidence: enough to reach below a crash site that varies.
EVIDENCE_FRAMES = 16


def stale_id(outcome: str, message: str, scheme: int = 1) -> bool:
    """Whether an id stored under `scheme` for `outcome` and `message` (or a title holding it) is one this
    reducer computes differently: it is then recomputed (a repro header) or checked again (a sweep's state)."""
    if scheme < 2 and outcome in RESCHEMED:
        return True
    return scheme < 3 and outcome == Outcome.DIAGNOSTIC.value and is_capacity(message)


# --- key message ---------------------------------------------------------------------------

_ASSERT_LINE = re.compile(
    r"^(?:[\w.+-]+: )?(?P<file>\S+?):(?P<line>\d+): (?P<func>.*?)(?P<assert>Assertion `.*' failed\.)"
)
_UNREACHABLE = re.compile(r"(?P<msg>[^\n]*)\n?UNREACHABLE executed at (?P<where>[^\n!]+)!?")
_LLVM_ERROR = re.compile(r"^LLVM ERROR: (?P<msg>.*)$", re.M)
_FAILED_PASS = re.compile(r"Pipeline failed while executing \[?`(?P<pass>[^`]+)`")
_RUNNING_PASS = re.compile(r"^\s*\d+\.\s+Running pass '(?P<pass>[^']+)'", re.M)


def key_message(outcome: Outcome, stderr: str, spec: StageSpec | None = None) -> str:
    """The one line that names the bug, before normalization."""
    if outcome is Outcome.ASSERTION:
        for line in stderr.splitlines():
            if "Assertion `" in line:
                m = _ASSERT_LINE.match(line)
                if m:
                    base = m.group("file").rsplit("/", 1)[-1]
                    return f"{base}:{m.group('line')}: {m.group('func')}{m.group('assert')}"
                return line[line.index("Assertion `") :]
    if outcome is Outcome.UNREACHABLE:
        m = _UNREACHABLE.search(stderr)
        if m:
            where = m.group("where").rsplit("/", 1)[-1]
            msg = m.group("msg").strip()
            return f"{msg} (UNREACHABLE at {where})" if msg else f"UNREACHABLE at {where}"
    if outcome is Outcome.LLVM_ERROR:
        m = _LLVM_ERROR.search(stderr)
        if m:
            return "LLVM ERROR: " + m.group("msg").strip()
    line = capacity_line(stderr, spec) if outcome is Outcome.RESOURCE_LIMIT else None
    line = line or first_error_line(stderr, spec)
    if line is None:
        return ""
    return line[line.index("error: ") + len("error: ") :] if "error: " in line else line


def reproducer_pipeline(text: str) -> str | None:
    """The pass pipeline an MLIR reproducer file records, e.g. `builtin.module(func.func(X{opts}))`."""
    return reproducer.pipeline_text(text)


def pass_from_reproducer(text: str) -> str | None:
    """The innermost pass of a local reproducer's pipeline: `builtin.module(func.func(X{opts}))` -> X."""
    recorded = reproducer_pipeline(text)
    return innermost_pass(recorded) if recorded is not None else None


def pipeline_passes(pipeline: str) -> list[str]:
    """`builtin.module(func.func(X{opts}),Y)` -> [X, Y]: the passes of a textual pipeline, nesting dropped."""
    bare = reproducer.strip_options(pipeline)
    return [n for n in re.split(r"[(),\s]+", bare) if n and n not in ("builtin.module", "func.func")]


def innermost_pass(pipeline: str) -> str | None:
    """`builtin.module(func.func(X{opts}))` -> X: the pass a textual pipeline ends in."""
    names = pipeline_passes(pipeline)
    return names[-1] if names else None


def failing_pass(stderr: str) -> str | None:
    m = _FAILED_PASS.search(stderr) or _RUNNING_PASS.search(stderr)
    return m.group("pass") if m else None


# --- frames --------------------------------------------------------------------------------

# Symbolized: `#4 0x0000aaaacd0457e0 mlir::foo(int) (/path/triton-adapter-opt+0x2e57e0)`,
# `#3 0x00007f.. (/lib/x86_64-linux-gnu/libc.so.6+0x3c050)`, `#5 0x.. raise ./signal/raise.c:27:6`
_FRAME_SYMBOLIZED = re.compile(r"^\s*#\d+ 0x[0-9a-fA-F]+ (?P<rest>.*?)\s*$")
_MODULE_OFFSET = re.compile(r"\((?P<mod>[^()]+?)\+(?P<off>0x[0-9a-fA-F]+)\)$")
# Symbolization disabled: `9  triton-adapter-opt 0x000055555747c8b1` (optionally `symbol + 12`)
_FRAME_RAW = re.compile(r"^\s*\d+\s+(?P<mod>\S+)\s+(?P<addr>0x[0-9a-fA-F]+)(?:\s+(?P<sym>.*))?$")
_CRASH_MACHINERY = re.compile(
    r"libc\.so|libpthread|ld-linux|linux-vdso|\braise\b|\babort\b|gsignal|__pthread_kill|_nl_load_domain|"
    r"__assert_fail|__restore_rt|llvm::sys::|SignalHandler|PrintStackTrace|RunSignalHandlers"
)


def _symbol_name(sym: str) -> str:
    """`ns::f(args) const` -> `ns::f`: argument lists are long and say nothing more."""
    sym = re.sub(r"\s+\S+:\d+:\d+$", "", sym.strip())  # trailing `file.c:27:6`
    depth = 0
    for i, ch in enumerate(sym):
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth = max(0, depth - 1)
        elif ch == "(" and depth == 0 and i > 0 and not sym.startswith("operator", max(0, i - 8)):
            return sym[:i]
    return sym


def _frames_raw(stderr: str) -> list[tuple[str, str]]:
    """(module, where) for every stack frame, in order; `where` is a symbol name, +0xoffset (LLVM's own
    module+offset, which replays get through the stub symbolizer), or `?` (a bare address: where a module was
    loaded is not knowable from a log, so it says nothing)."""
    frames: list[tuple[str, str]] = []
    in_dump = False
    for raw_line in stderr.splitlines():
        line = re.sub(r"^E\s+", "", raw_line)  # pytest's failure prefix, in pasted logs
        if line.startswith("Stack dump"):
            in_dump = True
            continue
        m = _FRAME_SYMBOLIZED.match(line)
        if m:
            rest = m.group("rest")
            mo = _MODULE_OFFSET.search(rest)
            mod = mo.group("mod").rsplit("/", 1)[-1] if mo else ""
            sym = _symbol_name(rest[: mo.start()] if mo else rest)
            where = sym or (f"+{mo.group('off')}" if mo else "?")
            frames.append((mod, where))
            continue
        m = _FRAME_RAW.match(line)
        if m and in_dump:
            mod = m.group("mod").rsplit("/", 1)[-1]
            sym = _symbol_name(re.sub(r"\s*\+\s*\d+$", "", m.group("sym") or ""))
            frames.append((mod, sym or "?"))
    return frames


def top_frames(stderr: str, count: int = TOP_FRAMES) -> list[str]:
    """The frames that tell bugs apart: after the signal handler and libc's abort path."""
    frames = _frames_raw(stderr)
    if not frames:
        return []
    start = 0
    for i, (mod, where) in enumerate(frames[:14]):
        if _CRASH_MACHINERY.search(mod) or _CRASH_MACHINERY.search(where):
            start = i + 1
    picked = [
        f"{mod}{where}" if where.startswith("+") else where
        for mod, where in frames[start:]
        if not _CRASH_MACHINERY.search(mod) and where != "?"  # a bare address tells nothing apart
    ]
    return picked[:count]


# --- the signature -------------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    stage: str
    outcome: str
    message: str
    failing_pass: str | None = None
    frames: list[str] = field(default_factory=list)
    detail: str = ""  # the first `error:` line beside an assertion: a readable title
    # More of this run's stack than `frames` keeps (never stored): the evidence a candidate shows.
    stack: tuple[str, ...] = field(default=(), compare=False, repr=False)
    # A resource limit's kind and this run's figures: evidence, not identity (the figures change with the config).
    resource: ResourceLimit | None = field(default=None, compare=False)

    @property
    def bare(self) -> bool:
        """A crash with no message: what it is rests on the stage, the signal and the pass it dies in."""
        return not self.message and self.outcome in _CRASHES

    @property
    def id(self) -> str:
        """Short stable id of the default match: stage, class and key message; for a bare crash, its signal
        and failing pass. Frames of a release build vary from run to run (or vanish), so they are evidence, not
        identity; only a bare crash with no known pass falls back on them."""
        if self.bare and self.failing_pass:
            return digest(f"{self.stage}|{self.outcome}|{self.detail}|pass:{self.failing_pass}")
        basis = self.message if self.message else "|".join(self.frames)
        return digest(f"{self.stage}|{self.outcome}|{basis}")

    @property
    def rests_on(self) -> list[str]:
        """What the id is made of, in words (check prints it)."""
        if self.message:
            return ["stage", "outcome", "message"]
        if self.bare and self.failing_pass:
            return ["stage", "outcome", "signal", "failing pass"]
        return ["stage", "outcome", "frames"]

    @property
    def strict_id(self) -> str:
        return digest(f"{self.stage}|{self.outcome}|{self.message}|{'|'.join(self.frames)}")

    @property
    def headline(self) -> str:
        """The few words that name the bug for people (titles, file names)."""
        outcome = Outcome(self.outcome)
        if outcome is Outcome.ASSERTION:
            quoted = re.search(r'Assertion `.*?"(?P<q>[^"]+)"', self.message)
            if quoted:
                return quoted.group("q")
            expr = re.search(r"Assertion `(?P<e>.*)' failed", self.message)
            return self.detail or (f"assertion `{expr.group('e')}`" if expr else self.message)
        if outcome is Outcome.UNREACHABLE:
            return self.message
        if self.message:
            return self.message
        return self.detail or (f"at {self.frames[0]}" if self.frames else "no message")

    @property
    def title(self) -> str:
        spec = stages.find(self.stage)
        tool = spec.tool if spec else self.stage
        what = Outcome(self.outcome).label
        text = self.headline
        where = f" in {self.failing_pass}" if self.failing_pass else ""
        return f"{tool}: {what}{where}: {_shorten(text, 110)}"

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        if self.bare and self.stack:
            data["stack"] = list(self.stack)
        else:
            del data["stack"]  # evidence of a bare crash only: a message says enough
        del data["resource"]  # asdict's copy lacks the ratio
        if self.resource is not None:
            data["resource"] = self.resource.to_dict()
        data["id"] = self.id
        data["strict_id"] = self.strict_id
        data["title"] = self.title
        return data

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Signature:
        """A stored signature as this reducer makes it: a capacity diagnostic an older one filed as a
        diagnostic-error (`stale_id`) reads as the resource limit it is, so it matches today's runs."""
        outcome, message = str(data["outcome"]), str(data.get("message", ""))
        stored = data.get("resource")
        resource = ResourceLimit.from_dict(stored) if isinstance(stored, dict) else None
        if outcome == Outcome.DIAGNOSTIC.value and is_capacity(message):
            outcome, resource = Outcome.RESOURCE_LIMIT.value, resource or resource_limit(message)
        return cls(
            stage=str(data["stage"]),
            outcome=outcome,
            message=message,
            failing_pass=data.get("failing_pass") or None,  # type: ignore[arg-type]
            frames=list(data.get("frames") or []),  # type: ignore[arg-type]
            detail=str(data.get("detail", "")),
            stack=tuple(data.get("stack") or ()),  # type: ignore[arg-type]
            resource=resource,
        )


_CRASHES = frozenset({Outcome.SIGNAL.value, Outcome.SELF_CAUGHT_CRASH.value})


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def compute(stage: StageSpec, outcome: Outcome, run: RunResult, pass_name: str | None = None) -> Signature | None:
    """The signature of a failing run; None when the run did not fail."""
    if not outcome.is_failure:
        return None
    stderr = run.stderr
    raw = key_message(outcome, stderr, stage)
    message = normalize_message(raw)
    if outcome is Outcome.TIMEOUT:
        message = "timeout"
    detail = ""
    if outcome in (Outcome.ASSERTION, Outcome.SIGNAL, Outcome.SELF_CAUGHT_CRASH, Outcome.UNREACHABLE):
        first = first_error_line(stderr, stage)
        if first:
            detail = normalize_message(first[first.index("error: ") + 7 :] if "error: " in first else first)
    if outcome is Outcome.SIGNAL and run.signal is not None:
        message = message or ""
        signame = _signal_name(run.signal)
        message = f"{signame}: {message}" if message else ""
        detail = detail or signame
    # The key line's kind, with the figures of the last attempt that overflowed it (`resource_limit`).
    key = resource_limit(raw) if outcome is Outcome.RESOURCE_LIMIT else None
    return Signature(
        stage=stage.name,
        outcome=outcome.value,
        message=message,
        failing_pass=pass_name or failing_pass(stderr),
        frames=top_frames(stderr),
        detail=detail,
        stack=tuple(top_frames(stderr, EVIDENCE_FRAMES)),
        resource=resource_limit(stderr, key.kind) if key else None,
    )


def _signal_name(signum: int) -> str:
    import signal

    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


@dataclass(frozen=True)
class Expectation:
    """The one signature comparison: "this failure is that bug". An id alone matches the default id; a
    whole signature with `strict` also needs the same top frames."""

    id: str
    signature: Signature | None = None
    strict: bool = False

    @classmethod
    def of(cls, sig: Signature, strict: bool = False) -> Expectation:
        return cls(sig.id, sig, strict)

    def met_by(self, sig: Signature | None) -> bool:
        """Same bug: the same id; for a bare crash, the same stage, signal and failing pass. The expected
        frames (those common to every run that printed any) are evidence: a run whose stack shows none of them
        (`strict`: not all of them) is another crash; a run that printed no frames is judged without them."""
        if sig is None:
            return False
        expected = self.signature
        if expected is None:
            return sig.id == self.id
        if expected.bare:
            same = (sig.stage, sig.outcome, sig.detail) == (expected.stage, expected.outcome, expected.detail)
            if not sig.bare or not same:
                return False
            if expected.failing_pass and sig.failing_pass != expected.failing_pass:
                return False
            return stacks_agree(expected, sig, self.strict)
        if sig.id != self.id:
            return False
        return stacks_agree(expected, sig, strict=True) if self.strict else True

    def strictly(self, strict: bool) -> Expectation:
        return Expectation(self.id, self.signature, strict)
