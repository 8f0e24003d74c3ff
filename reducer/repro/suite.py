"""`repros/` as a lit suite: one file per bug, Swift-crasher style, with a signature header.

    // REDUCER-SIGNATURE: {"id": ..., "stage": ..., ...}
    // REQUIRES: triton-adapter-opt
    // RUN: not --crash triton-adapter-opt %s <stage args> 2>&1 | FileCheck %s
    // CHECK: <the key message, with what varies replaced by {{.*}}>
    <IR>

A resource limit (`ub overflow`: the kernel's config does not fit the target) is no compiler bug: it is kept
apart, in repros/resource/ (flat, numbered with the rest), its header saying the kind and the figures. One the
fit search found anomalous (`anomaly`: even the smallest config overflows, or an equivalent form fits) is a
compiler-bug candidate and goes to its stage's folder, its header saying why.

When a repro stops failing, `recheck` (`reducer.repro.recheck`) moves it to repros/fixed/<stage>/ with a RUN line
that expects success, so the suite then guards the fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from reducer.errors import InputError, NotACompilerBug, NotInteresting
from reducer.failure.cause import skeleton
from reducer.failure.classify import first_error_line
from reducer.failure.masks import MASKED, normalize_message
from reducer.failure.outcome import Outcome
from reducer.failure.replay import Replay
from reducer.failure.signature import Expectation, Signature
from reducer.proc import atomic, locks, outputs
from reducer.repro.artifact import HEADER, Artifact, FoundWith, rewrite_header, sidecar_path, strip_header
from reducer.repro.lit_setup import ensure_config, lit_unsafe
from reducer.safety.artifacts import HEADER_KIND, Broken, BrokenArtifact, is_utf8, shown
from reducer.safety.lit_safe import PINNED_FROM_REPRODUCER, check_pattern, ir_body, json_line
from reducer.safety.redact import Redactor
from reducer.safety.shell import shell_line
from reducer.stage import reproducer
from reducer.stage import table as stages
from reducer.stage.options import Options
from reducer.stage.run_env import DEFAULT_ENV, RunEnv
from reducer.stage.source import load, read_regular
from reducer.stage.table import StageSpec
from reducer.stage.tool_print import reprint, tool_ops, unwrap_module

# The "found with" fields a repro header carries, beside the signature's own.
HEADER_FIELDS = ("tool_version", "versions", "target", "options")
# The folder of resource limits with no anomaly, beside the stages' folders.
RESOURCE_DIR = "resource"
OUTCOMES = frozenset(o.value for o in Outcome)


@dataclass(frozen=True)
class Repro:
    path: Path
    signature: Signature
    ir: str
    options: Options  # what the bug was found with: every replay of this repro uses them
    env: RunEnv = DEFAULT_ENV  # the knobs it needs to show (MALLOC_PERTURB_...), likewise
    anomaly: str | None = None  # why a resource limit is a compiler-bug candidate after all (the fit search's)

    @property
    def resource_only(self) -> bool:
        """A resource limit and nothing more: the user's config, no compiler bug to report."""
        return is_resource_only(self.signature, self.anomaly)

    @property
    def stage(self) -> StageSpec:
        return stages.get(self.signature.stage)

    @property
    def size(self) -> tuple[int, int]:
        ops = tool_ops(self.stage, self.ir)
        # Unparsable IR still has a size for comparing: its line count.
        return (ops if ops is not None else len(self.ir.splitlines())), len(self.ir)


@dataclass(frozen=True)
class SaveResult:
    path: Path
    status: str  # "new", "replaced", "kept-existing"
    message: str
    broken: tuple[Broken, ...] = ()  # repros of the suite whose header could not be read: left out of the dedupe
    warning: str = ""  # the suite's path breaks lit's RUN lines (`lit_unsafe`)


# --- reading -------------------------------------------------------------------------------


def repro_of(artifact: Artifact) -> Repro | None:
    """The repro an artifact is, None when it has no signature header; InputError when the header is bad."""
    if artifact.header is None:
        return None
    found, expected = artifact.found, artifact.expected
    assert expected is not None
    unknown = "stage" if found.stage is None else "outcome" if expected.outcome not in OUTCOMES else None
    if unknown is not None:
        what = artifact.header.get(unknown)
        raise InputError(f"{artifact.path}: unknown {unknown} {what!r} in the header", "fix or delete the file")
    anomaly = artifact.header.get("anomaly")
    return Repro(artifact.path, expected, artifact.ir, found.options or Options(), found.env or DEFAULT_ENV,
                 str(anomaly) if anomaly else None)


def is_resource_only(sig: Signature, anomaly: str | None = None) -> bool:
    """A resource limit with no anomaly: the kernel's config does not fit, the compiler did its job."""
    return Outcome(sig.outcome) is Outcome.RESOURCE_LIMIT and not anomaly


def refuse_resource_limit(where: Path, sig: Signature, anomaly: str | None, what: str) -> None:
    """NotACompilerBug when `sig` is a resource limit with no anomaly: `what` (an issue, a test) is for bugs."""
    if not is_resource_only(sig, anomaly):
        return
    figures = f" ({sig.resource.describe()})" if sig.resource else ""
    raise NotACompilerBug(
        f"{where}: a resource limit{figures}, not a compiler bug: the kernel's config does not fit the target; "
        f"no {what} written",
        "reduce the kernel's block sizes until it fits; `reducer fit UNIT_FOLDER` on its capture unit finds the "
        "configs that fit",
    )


def read_repro(path: Path) -> Repro | None:
    """The repro in `path`, None when it has no signature header; InputError when the header is bad."""
    return repro_of(Artifact(path, read_regular(path).decode("utf-8", "replace"), neighbours=False))


def scan_repros(root: Path, include_fixed: bool = False) -> tuple[list[Repro], list[tuple[Path, str]]]:
    """Every repro under `root`, and the files whose header cannot be read (with why, without the path): one bad
    file must not stop a recheck, a save or a sweep of the others."""
    found: list[Repro] = []
    broken: list[tuple[Path, str]] = []
    for path in sorted(root.rglob("*.mlir")):
        if "Output" in path.parts or (not include_fixed and "fixed" in path.relative_to(root).parts):
            continue
        if not is_utf8(path):
            broken.append((path, "its path is not UTF-8: not read (rename it)"))
            continue
        try:
            repro = read_repro(path)
        except BrokenArtifact as err:
            broken.append((path, err.broken.why))
            continue
        except (InputError, OSError) as err:  # named once, in the report: the message without its `path: `
            why = str(err) if isinstance(err, InputError) else f"cannot be read ({err.strerror or err})"
            broken.append((path, why.removeprefix(str(path)).lstrip(" :")))
            continue
        if repro is not None:
            found.append(repro)
    return found, broken


def all_repros(root: Path, include_fixed: bool = False) -> list[Repro]:
    return scan_repros(root, include_fixed)[0]


# --- writing -------------------------------------------------------------------------------


def _filecheck_literal(text: str) -> str:
    """A FileCheck pattern for a normalized message: masks become {{.*}}, the rest is literal."""
    parts = MASKED.split(text)
    escaped = [p.replace("{{", "{{[{][{]}}").replace("[[", "{{[[][[]}}") for p in parts]
    return "{{.*}}".join(escaped).strip()


def check_lines(sig: Signature, stderr: str, spec: StageSpec) -> list[str]:
    """What FileCheck pins: the key message and nothing that varies between runs or machines."""
    lines: list[str] = []
    outcome = Outcome(sig.outcome)
    if sig.detail and sig.headline == sig.detail and outcome is not Outcome.SIGNAL:
        lines.append(_filecheck_literal(sig.detail))
    if outcome is Outcome.ASSERTION:
        m = re.search(r"Assertion `.*' failed\.", stderr)
        if m:
            lines.append(_filecheck_literal(normalize_message(m.group(0))))
    elif outcome is Outcome.UNREACHABLE:
        m = re.search(r"UNREACHABLE executed at \S*?([\w.+-]+:\d+)", stderr)
        if m:
            lines.append("UNREACHABLE executed at {{.*}}" + m.group(1))
    elif outcome is Outcome.LLVM_ERROR:
        lines.append(_filecheck_literal(sig.message))
    elif outcome is Outcome.RESOURCE_LIMIT and sig.message.startswith("LLVM ERROR:"):
        lines.append(_filecheck_literal(sig.message))
    elif outcome in (Outcome.DIAGNOSTIC, Outcome.RESOURCE_LIMIT, Outcome.SELF_CAUGHT_CRASH) and sig.message:
        lines.append("error: " + _filecheck_literal(sig.message))
    elif outcome is Outcome.SIGNAL:
        first = first_error_line(stderr, spec)
        if first:
            lines.append("error: " + _filecheck_literal(sig.message.split(": ", 1)[-1]))
    if outcome in (Outcome.SELF_CAUGHT_CRASH, Outcome.SIGNAL) or not lines:
        lines.append("Stack dump:")
    return lines


def _tool_command(spec: StageSpec, options: Options, env: RunEnv, *extra: str, recorded: bool = False) -> str:
    """The stage tool on the test file, as lit runs it (the knobs that are variables before it: ASLR cannot be
    set there); lit gives the output a temp path. A crash reproducer runs its own pipeline, on the tool that
    registers its passes (the parser of a tool whose pipeline is internal)."""
    tool, flags = ((spec.parser or spec.tool), ["--run-reproducer"]) if recorded else (spec.tool, spec.flags(options))
    return shell_line([tool, "%s", *flags, *extra, "-o", "%t"], env.variables(), lit=True)


def dies_of_signal(sig: Signature, stderr: str) -> bool:
    """Whether the failing run dies of a signal (`not --crash`) rather than exiting non-zero (`not`). An LLVM
    ERROR usually aborts (its stack dump says so); only its exit-1 form does not."""
    outcome = Outcome(sig.outcome)
    if outcome is not Outcome.SIGNAL and stages.get(sig.stage).catches_crashes:
        return False  # an assertion in a tool that catches crashes (bishengir's A5 child) still exits 1
    fatal = outcome is Outcome.LLVM_ERROR or (outcome is Outcome.RESOURCE_LIMIT and "LLVM ERROR:" in sig.message)
    return outcome.is_crash or (fatal and "Stack dump:" in stderr)


def run_line(
    sig: Signature, options: Options, fixed: bool = False, env: RunEnv = DEFAULT_ENV, crashed: bool | None = None,
    recorded: bool = False,
) -> str:
    spec = stages.get(sig.stage)
    cmd = _tool_command(spec, options, env, recorded=recorded)
    outcome = Outcome(sig.outcome)
    if fixed:
        if spec.healthy_end is not None:
            # A healthy run still exits 1 where the external step is absent (bishengir without CANN).
            return f"not {cmd} 2>&1 | FileCheck %s --check-prefix=FIXED"
        return f"{cmd}"
    crashed = outcome.is_crash if crashed is None else crashed
    prefix = "not --crash" if crashed else "not"
    return f"{prefix} {cmd} 2>&1 | FileCheck %s"


def _pinned_pass(sig: Signature, options: Options, spec: StageSpec, env: RunEnv) -> list[str]:
    """A crash with no message matches any crash: pin the pass it dies in (MLIR's crash reproducer names it).

    A tool that notes the failing pass on stderr is checked there; one that does not (bishengir-compile) writes
    a local reproducer whose recorded pipeline ends in that pass.
    """
    if not sig.bare or not sig.failing_pass:
        return []
    flag = "--mlir-pass-pipeline-crash-reproducer=%t.reproducer"
    if spec.pass_from_local_reproducer:
        local = _tool_command(spec, options, env, flag, "--mlir-pass-pipeline-local-reproducer",
                              "--mlir-disable-threading")
        # The pass is the pipeline's last name: followed by its options or the pipeline's closing parens.
        pinned = check_pattern('pipeline: "') + "{{.*}}" + check_pattern(sig.failing_pass) + "{{[{)]}}"
        return [f"// RUN: not {local}", f"// RUN: {PINNED_FROM_REPRODUCER}", f"// PINNED: {pinned}"]
    return [
        f"// RUN: not {_tool_command(spec, options, env, flag)} 2>&1 | FileCheck %s --check-prefix=PINNED",
        f"// PINNED: {check_pattern(f'Pipeline failed while executing [`{sig.failing_pass}`')}",
    ]


def render(
    sig: Signature, ir: str, stderr: str, options: Options, fixed_note: str = "", env: RunEnv = DEFAULT_ENV,
    anomaly: str | None = None,
) -> str:
    spec = stages.get(sig.stage)
    recorded = reproducer.of(ir) is not None
    # The knobs only when there are any: a header without them reads as the default run.
    keys = HEADER_FIELDS + (("env",) if env != DEFAULT_ENV else ())
    header = {**sig.to_dict(), **FoundWith.here(spec, options, env).fields(*keys), **_class_fields(sig, anomaly)}
    out = [HEADER + json_line(header), f"// REQUIRES: {spec.tool}"]
    out += [f"// NOTE: {check_pattern(note)}" for note in _class_notes(sig, anomaly)]
    if fixed_note:
        out.append(f"// NOTE: {check_pattern(fixed_note)}")
        out.append(f"// RUN: {run_line(sig, options, fixed=True, env=env, recorded=recorded)}")
        if spec.healthy_end is not None:
            out.append(f"// FIXED: {spec.healthy_ending(options)}")
    else:
        crashed = dies_of_signal(sig, stderr)
        out.append(f"// RUN: {run_line(sig, options, env=env, crashed=crashed, recorded=recorded)}")
        out += [f"// CHECK: {check_pattern(line)}" for line in check_lines(sig, stderr, spec)]
        out += [] if recorded else _pinned_pass(sig, options, spec, env)
    body = ir_body(ir)  # idempotent: whoever calls, no input text reaches a position lit or FileCheck reads
    body = body if body.endswith("\n") else body + "\n"
    return "\n".join(out) + "\n\n" + body


def _class_fields(sig: Signature, anomaly: str | None) -> dict[str, str]:
    """The header's class: a resource limit is the user's config unless the fit search found an anomaly."""
    fields = {"class": "resource-limit" if is_resource_only(sig, anomaly) else "compiler-bug"}
    return {**fields, "anomaly": anomaly} if anomaly else fields


def _class_notes(sig: Signature, anomaly: str | None) -> list[str]:
    """What a resource limit's header says for people: no bug (and the figures), or the anomaly that makes it one."""
    if Outcome(sig.outcome) is not Outcome.RESOURCE_LIMIT:
        return []
    figures = f" ({sig.resource.describe()})" if sig.resource else ""
    if anomaly:
        return [f"resource limit{figures}, a compiler-bug candidate: {anomaly}"]
    return [f"resource limit{figures}: the kernel's config does not fit the target; not a compiler bug"]


def record_releases(repro: Artifact, releases: dict[str, str], verdict: str) -> None:
    """Write the releases tried (`reducer matrix --record`) into a repro's header; the rest stays as it is."""
    assert repro.header is not None
    found = FoundWith(releases=releases, verdict=verdict)
    rewrite_header(repro, found.fields("releases", "verdict"))


def slug(sig: Signature) -> str:
    no_message = sig.outcome == Outcome.SIGNAL.value and not sig.message
    text = f"{sig.detail} in {sig.failing_pass or 'unknown pass'}" if no_message else sig.headline
    text = re.sub(r"Assertion `|' failed\.|<N>|%<v>|@<sym>|<addr>", " ", text)
    words = re.findall(r"[a-zA-Z]+", text.lower())[:6]
    return "-".join(words) or sig.outcome


def _next_number(root: Path) -> int:
    numbers = [int(m.group(1)) for p in root.rglob("*.mlir") if (m := re.match(r"(\d{4})-", p.name))]
    return max(numbers, default=0) + 1


def save_repro(
    path: Path,
    root: Path,
    options: Options,
    stage: StageSpec | None = None,
    env: RunEnv = DEFAULT_ENV,
    by_cause: bool = False,
    anomaly: str | None = None,
) -> SaveResult:
    """Save the IR in `path` (failing `stage` with `options`) as a repro under `root`, keeping one file (the
    smaller) per signature, or with `by_cause` per signature and op skeleton (`reducer.cause`).

    A resource limit goes to `root/resource/`; with `anomaly` (why the fit search found it a compiler-bug
    candidate) it goes to its stage's folder like any bug, the anomaly in its header."""
    source = load(path, stage)
    stage = source.stage
    text = strip_header(source.text)
    obs = Replay(stage, options, env=env).observe(text, find_pass=True)
    sig = obs.signature
    if sig is None:
        raise NotInteresting(
            f"{path}: does not fail ({obs.outcome.label}); not saved",
            "save the IR of a failing kernel (`reducer check` tells)",
        )
    if sig.outcome == Outcome.TIMEOUT.value:
        raise InputError(
            f"{path}: a hang cannot be pinned by a lit RUN line; not saved", "report it with `reducer report` instead"
        )
    ir = stage.prepare(unwrap_module(reprint(stage, text, generic=False) or text))
    redactor = Redactor.for_this_machine()
    ir = ir_body(redactor.text(ir))
    # Printing and redaction must not change the bug: re-check what will be written.
    same = Expectation.of(sig)
    again = Replay(stage, options, env=env).observe(ir)
    if not same.met_by(again.signature):
        ir = ir_body(stage.prepare(redactor.text(text)))
        again = Replay(stage, options, env=env).observe(ir)
        if not same.met_by(again.signature):
            raise NotInteresting(
                f"{path}: the cleaned IR no longer shows signature {sig.id}; not saved",
                "save the unprinted file with `reducer reduce --save`",
            )
    anomaly = anomaly if Outcome(sig.outcome) is Outcome.RESOURCE_LIMIT else None  # other bugs need none
    content = redactor.text(render(sig, ir, again.run.stderr, options, env=env, anomaly=anomaly))
    folder = root / (RESOURCE_DIR if is_resource_only(sig, anomaly) else stage.name)
    new = Repro(folder / "new.mlir", sig, ir, options, env, anomaly)
    # Numbering and dedupe read the folder, then write: one save at a time per folder; no write through a link.
    with locks.exclusive(root, wait=True, what="save"), atomic.owned(root):
        result = _store(root, path, new, content, by_cause)
    return replace(result, warning=lit_unsafe(root) or "")


def _store(root: Path, path: Path, new: Repro, content: str, by_cause: bool = False) -> SaveResult:
    """Write `content` as the repro `new` (its path names the folder) under `root`, unless a smaller one of the
    same bug and class is there (the lock is held)."""
    sig, ir, folder = new.signature, new.ir, new.path.parent
    same = Expectation.of(sig)
    suite, unreadable = scan_repros(root)
    broken = tuple(Broken(shown(p), HEADER_KIND, why) for p, why in unreadable)
    for old in suite:
        if not same.met_by(old.signature) or old.resource_only != new.resource_only:
            continue  # another bug, or the same limit once as the user's config and once as an anomaly
        if by_cause and skeleton(old.ir) != skeleton(ir):
            continue  # the same signature, another cause: a repro of its own
        if new.size < old.size:
            outputs.guard([path, sidecar_path(path)], [old.path], "save")
            atomic.write_text(old.path, content)
            return SaveResult(
                old.path,
                "replaced",
                f"replaced {old.path} (signature {sig.id}): the new repro is smaller "
                f"({new.size[0]} ops, {new.size[1]} bytes vs {old.size[0]} ops, {old.size[1]} bytes)",
                broken,
            )
        return SaveResult(
            old.path,
            "kept-existing",
            f"signature {sig.id} is already in {old.path} ({old.size[0]} ops <= {new.size[0]}): kept it",
            broken,
        )
    dest = folder / f"{_next_number(root):04d}-{slug(sig)}.mlir"
    outputs.guard([path, sidecar_path(path)], [dest], "save")
    atomic.write_text(dest, content)
    ensure_config(root)
    kept_apart = "; a resource limit, not a compiler bug: kept apart from the bugs" if new.resource_only else ""
    return SaveResult(dest, "new", f"saved {dest} ({sig.id}: {sig.title}){kept_apart}", broken)
