"""`repros/` as a lit suite: one file per bug, Swift-crasher style, with a signature header.

    // REDUCER-SIGNATURE: {"id": ..., "stage": ..., ...}
    // REQUIRES: triton-adapter-opt
    // RUN: not --crash triton-adapter-opt %s <stage args> 2>&1 | FileCheck %s
    // CHECK: <the key message, with what varies replaced by {{.*}}>
    <IR>

When a repro stops failing, `recheck` moves it to repros/fixed/<stage>/ with a RUN line that expects
success, so the suite then guards the fix.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from reducer import atomic
from reducer.errors import InputError, NotInteresting
from reducer.outcome import Outcome, first_error_line
from reducer.printing import reprint, tool_ops, unwrap_module
from reducer.redact import Redactor
from reducer.replay import Observation, Replay
from reducer.signature import Signature, normalize_message
from reducer.source import load
from reducer.toolchain import Stage, StageOptions, locate, package_version, prepare_input, stage_args

HEADER = "// REDUCER-SIGNATURE: "
_HEADER_LINE = re.compile(r"^// (?:REDUCER-SIGNATURE|RUN|REQUIRES|CHECK[\w-]*|FIXED[\w-]*|NOTE):.*\n?", re.M)
_MASK = re.compile(r"<N>|%<v>|@<sym>|<sym>|<addr>|<tmp>")


@dataclass(frozen=True)
class Repro:
    path: Path
    signature: Signature
    ir: str

    @property
    def stage(self) -> Stage:
        return Stage(self.signature.stage)

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


# --- reading -------------------------------------------------------------------------------


def strip_header(text: str) -> str:
    return _HEADER_LINE.sub("", text).lstrip("\n")


def read_repro(path: Path) -> Repro | None:
    text = path.read_text(errors="replace")
    first = text.splitlines()[0] if text else ""
    if not first.startswith(HEADER):
        return None
    data = json.loads(first[len(HEADER) :])
    return Repro(path, Signature.from_dict(data), strip_header(text))


def all_repros(root: Path, include_fixed: bool = False) -> list[Repro]:
    found = []
    for path in sorted(root.rglob("*.mlir")):
        if "Output" in path.parts or (not include_fixed and "fixed" in path.relative_to(root).parts):
            continue
        repro = read_repro(path)
        if repro is not None:
            found.append(repro)
    return found


# --- writing -------------------------------------------------------------------------------


def _filecheck_literal(text: str) -> str:
    """A FileCheck pattern for a normalized message: masks become {{.*}}, the rest is literal."""
    parts = _MASK.split(text)
    escaped = [p.replace("{{", "{{[{][{]}}").replace("[[", "{{[[][[]}}") for p in parts]
    return "{{.*}}".join(escaped).strip()


def check_lines(sig: Signature, stderr: str) -> list[str]:
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
    elif outcome in (Outcome.DIAGNOSTIC, Outcome.SELF_CAUGHT_CRASH) and sig.message:
        lines.append("error: " + _filecheck_literal(sig.message))
    elif outcome is Outcome.SIGNAL:
        first = first_error_line(stderr)
        if first:
            lines.append("error: " + _filecheck_literal(sig.message.split(": ", 1)[-1]))
    if outcome in (Outcome.SELF_CAUGHT_CRASH, Outcome.SIGNAL) or not lines:
        lines.append("Stack dump:")
    return lines


def run_line(sig: Signature, options: StageOptions, fixed: bool = False) -> str:
    stage = Stage(sig.stage)
    args = stage_args(stage, options)[:-2]  # drop "-o <name>": lit gives a temp path
    quoted = " ".join(shlex.quote(a) if " " in a else a for a in args).replace("'", '"')
    cmd = f"{stage.tool_name} %s {quoted} -o %t"
    outcome = Outcome(sig.outcome)
    if fixed:
        if stage is Stage.BISHENGIR:
            # Without CANN a healthy run still exits 1 after "External hivmc run fails".
            return f"not {cmd} 2>&1 | FileCheck %s --check-prefix=FIXED"
        return f"{cmd}"
    prefix = "not --crash" if outcome in (Outcome.ASSERTION, Outcome.UNREACHABLE, Outcome.SIGNAL) else "not"
    return f"{prefix} {cmd} 2>&1 | FileCheck %s"


def render(sig: Signature, ir: str, stderr: str, options: StageOptions, fixed_note: str = "") -> str:
    stage = Stage(sig.stage)
    tool = locate(stage)
    header = sig.to_dict()
    header["tool_version"] = tool.version
    header["versions"] = {
        "triton-ascend": package_version("triton-ascend"),
        "ascendnpu-ir": package_version("ascendnpu-ir"),
    }
    header["target"] = options.target
    out = [HEADER + json.dumps(header, sort_keys=True), f"// REQUIRES: {stage.tool_name}"]
    if fixed_note:
        out.append(f"// NOTE: {fixed_note}")
        out.append(f"// RUN: {run_line(sig, options, fixed=True)}")
        if stage is Stage.BISHENGIR:
            out.append("// FIXED: External hivmc run fails")
    else:
        out.append(f"// RUN: {run_line(sig, options)}")
        out += [f"// CHECK: {line}" for line in check_lines(sig, stderr)]
    body = ir if ir.endswith("\n") else ir + "\n"
    return "\n".join(out) + "\n\n" + body


def slug(sig: Signature) -> str:
    no_message = sig.outcome == Outcome.SIGNAL.value and not sig.message
    text = f"{sig.detail} in {sig.failing_pass or 'unknown pass'}" if no_message else sig.headline
    text = re.sub(r"Assertion `|' failed\.|<N>|%<v>|@<sym>|<addr>", " ", text)
    words = re.findall(r"[a-zA-Z]+", text.lower())[:6]
    return "-".join(words) or sig.outcome


def _next_number(root: Path) -> int:
    numbers = [int(m.group(1)) for p in root.rglob("*.mlir") if (m := re.match(r"(\d{4})-", p.name))]
    return max(numbers, default=0) + 1


def _observe(path: Path, options: StageOptions) -> tuple[str, Stage, Observation]:
    source = load(path)
    text = strip_header(source.text)
    obs = Replay(source.stage, options).observe(text, find_pass=True)
    return text, source.stage, obs


def save_repro(path: Path, root: Path, options: StageOptions | None = None) -> SaveResult:
    """Save the IR in `path` as a repro under `root`, keeping one file (the smaller) per signature."""
    options = options or StageOptions()
    text, stage, obs = _observe(path, options)
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
    ir = prepare_input(stage, unwrap_module(reprint(stage, text, generic=False) or text))
    redactor = Redactor.for_this_machine()
    ir = redactor.text(ir)
    # Printing and redaction must not change the bug: re-check what will be written.
    again = Replay(stage, options).observe(ir)
    if again.signature is None or again.signature.id != sig.id:
        ir = prepare_input(stage, redactor.text(text))
        again = Replay(stage, options).observe(ir)
        if again.signature is None or again.signature.id != sig.id:
            raise NotInteresting(
                f"{path}: the cleaned IR no longer shows signature {sig.id}; not saved",
                "save the unprinted file with `reducer reduce --save`",
            )
    content = redactor.text(render(sig, ir, again.run.stderr, options))
    folder = root / stage.value
    new = Repro(folder / "new.mlir", sig, ir)
    for old in all_repros(root):
        if old.signature.id != sig.id:
            continue
        if new.size < old.size:
            atomic.write_text(old.path, content)
            return SaveResult(
                old.path,
                "replaced",
                f"replaced {old.path} (signature {sig.id}): the new repro is smaller "
                f"({new.size[0]} ops, {new.size[1]} bytes vs {old.size[0]} ops, {old.size[1]} bytes)",
            )
        return SaveResult(
            old.path,
            "kept-existing",
            f"signature {sig.id} is already in {old.path} ({old.size[0]} ops <= {new.size[0]}): kept it",
        )
    dest = folder / f"{_next_number(root):04d}-{slug(sig)}.mlir"
    atomic.write_text(dest, content)
    return SaveResult(dest, "new", f"saved {dest} ({sig.id}: {sig.title})")


@dataclass(frozen=True)
class RecheckEntry:
    repro: Repro
    reproduces: bool
    outcome: str
    moved_to: Path | None


def recheck(root: Path, options: StageOptions | None = None, move: bool = True) -> list[RecheckEntry]:
    """Replay every repro; move those that no longer fail to repros/fixed/<stage>/."""
    options = options or StageOptions()
    entries = []
    for repro in all_repros(root):
        obs = Replay(repro.stage, options).observe(repro.ir)
        same = obs.signature is not None and obs.signature.id == repro.signature.id
        moved = None
        if not same and move and not obs.outcome.is_failure:
            versions = (
                f"triton-ascend {package_version('triton-ascend')}, ascendnpu-ir {package_version('ascendnpu-ir')}"
            )
            note = f"fixed: no longer fails with {versions} ({obs.outcome.value})"
            moved = root / "fixed" / repro.stage.value / repro.path.name
            atomic.write_text(moved, render(repro.signature, repro.ir, "", options, fixed_note=note))
            repro.path.unlink()
        entries.append(RecheckEntry(repro, same, obs.outcome.value, moved))
    return entries
