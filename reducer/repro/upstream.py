"""`reducer export-test`: a repro as a test in the upstream project's own suite, ready to land.

Upstream tests run one pass (`triton-adapter-opt --triton-to-linalg %s | FileCheck %s`, `bishengir-opt -<pass>`),
name bare tools, need no custom lit feature, and test the correct behaviour:

- a diagnostic the pass means to give (every message at a known location) becomes a negative test,
  `-split-input-file -verify-diagnostics` with `// expected-error@+N {{...}}` lines: it PASSes as long as the
  compiler says so;
- anything else (a crash, a diagnostic at an unknown location, or a lowering known to be broken: the verifier
  rejecting what the pass produced, `broken_lowering`) becomes a test of the output marked `XFAIL: *`: it
  fails today, and the fix turns it XPASS, telling the maintainer to add real CHECKs.

The single pass is found by replaying: the failing pass alone on the repro's IR, or, when that does not show
the same bug, the IR just before the pass (pass-level isolation). Only the test is written into the upstream
tree (upstream test folders hold nothing else), named in its neighbours' style (`test_names`); what we know
about it (signature, options, versions) is printed with `--json` and kept in a report's bundle.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from reducer.errors import NotInteresting
from reducer.failure.classify import error_messages
from reducer.failure.isolate import isolate
from reducer.failure.masks import normalize_message
from reducer.failure.outcome import Outcome
from reducer.failure.replay import Observation, Replay
from reducer.failure.signature import Expectation, Signature, innermost_pass
from reducer.mlir.symbols import kernel_name
from reducer.proc import atomic, outputs
from reducer.repro.artifact import FoundWith
from reducer.repro.broken_lowering import broken_lowering
from reducer.repro.test_names import test_file_name
from reducer.safety import lit_safe
from reducer.safety.shell import shell_line
from reducer.stage.options import Options
from reducer.stage.run_env import DEFAULT_ENV, RunEnv
from reducer.stage.runner import execute
from reducer.stage.table import StageSpec
from reducer.stage.toolchain import Invocation, locate, locate_parser, versions

# An MLIR diagnostic as -verify-diagnostics reports what it did not expect.
_UNEXPECTED = re.compile(
    r"^within split at \S+ offset :(?P<line>\d+):(?P<col>\d+): error: unexpected (?P<kind>error|note|warning|remark):"
    r" (?P<msg>.*)$",
    re.M,
)
_VERIFY_ROUNDS = 6
_MSG_CHARS = 160


@dataclass(frozen=True)
class SinglePass:
    """The smallest upstream-style experiment: `tool flags %s` on `ir` shows the bug."""

    tool: str  # bare name: the stage tool, or its parser for a tool with an internal pipeline
    flags: tuple[str, ...]
    ir: str
    name: str  # the pass, kebab case: names the test's folder
    how: str  # "the failing pass alone", "the IR before the failing pass"


@dataclass(frozen=True)
class UpstreamTest:
    relative: Path  # where it belongs, from the upstream repository's root
    text: str
    about: str  # the sidecar: signature, options, versions, how the single pass was found
    style: str  # "verify-diagnostics" or "xfail"
    single: SinglePass

    @property
    def command(self) -> str:
        return shell_line([self.single.tool, *self.single.flags])


@dataclass(frozen=True)
class ExportedTest:
    path: Path  # the test, under DIR at the path it belongs to in the upstream repository
    test: UpstreamTest

    @property
    def relative(self) -> Path:
        return self.test.relative

    @property
    def message(self) -> str:
        style = "a negative test (-verify-diagnostics)" if self.test.style == "verify-diagnostics" else "XFAIL"
        return f"wrote {self.path} ({style}; {self.test.command})"


# --- the single pass -----------------------------------------------------------------------------


def _kebab(flag: str) -> str:
    return flag.lstrip("-").split("=", 1)[0]


def _candidates(spec: StageSpec, sig: Signature, options: Options) -> list[tuple[str, ...]]:
    """Single-pass flag sets to try, the failing pass first; each bare (the pass's own defaults), then as the
    backend spells it."""
    if spec.pass_flags is not None:
        flags = spec.pass_flags(options)
    else:
        flags = [f"--{sig.failing_pass}"] if sig.failing_pass else []
    named = (sig.failing_pass or "").replace("-", "").lower()
    flags.sort(key=lambda f: _kebab(f).replace("-", "") != named)  # stable: the named pass first
    found: list[tuple[str, ...]] = []
    for flag in flags:
        for variant in (f"--{_kebab(flag)}", flag):
            if (variant,) not in found:
                found.append((variant,))
    return found


def _shows(spec: StageSpec, sig: Signature, obs: Observation) -> bool:
    """The run shows `sig`: the same bug, or, for a diagnostic, the same diagnostic among those printed (the
    stage's tool and its parser may print one location's diagnostics in another order)."""
    if Expectation.of(sig).met_by(obs.signature):
        return True
    if obs.signature is None or sig.outcome != Outcome.DIAGNOSTIC.value or obs.signature.outcome != sig.outcome:
        return False
    return sig.message in {normalize_message(m) for m in error_messages(obs.run.stderr, spec)}


def single_pass(
    spec: StageSpec, ir: str, options: Options, sig: Signature, timeout: float, env: RunEnv = DEFAULT_ENV
) -> SinglePass:
    expected = Expectation.of(sig)
    replay = Replay(spec, options, timeout, env)
    tool = spec.parser or spec.tool
    for flags in _candidates(spec, sig, options):
        if _shows(spec, sig, replace(replay, pipeline=flags).observe(ir)):
            return SinglePass(tool, flags, ir, _kebab(flags[0]), "the failing pass alone")
    level = isolate(replay, ir, expected)
    if level is not None:
        pipeline = level.pipeline[0].split("=", 1)[1] if level.pipeline[0].startswith("--pass-pipeline=") else ""
        name = innermost_pass(pipeline) if pipeline else _kebab(level.pipeline[-1])
        text = lit_safe.ir_body(level.text)
        if name and _shows(spec, sig, replace(replay, pipeline=(f"--{name}",)).observe(text)):
            return SinglePass(tool, (f"--{name}",), text, name, "the IR before the failing pass")
        return SinglePass(tool, level.pipeline, text, name or "pipeline", "the IR before the failing pass")
    raise NotInteresting(
        f"no single pass of {spec.tool} shows signature {sig.id}",
        "file the full-pipeline repro (`reducer report`) instead",
    )


# --- the test ------------------------------------------------------------------------------------


def _run_line(single: SinglePass, tail: str, env: RunEnv) -> str:
    return f"// RUN: {shell_line([single.tool, *single.flags, '%s'], env.variables(), lit=True)}{tail}"


def _expectation_text(msg: str) -> str:
    """What an `expected-*` line can quote: a prefix of the message (matching is by substring), cut before
    anything that would end the `{{...}}` or read as a lit directive."""
    msg = msg.split("{{")[0].split("}}")[0]
    found = lit_safe.DIRECTIVE.search(msg)
    if found:
        msg = msg[: found.start()]
    return msg[:_MSG_CHARS].rstrip()


def _verify(spec: StageSpec, single: SinglePass, timeout: float, env: RunEnv) -> str | None:
    """The IR with `expected-*` lines for every diagnostic, or None when some diagnostic cannot be expected
    (an unknown location) or the expectations do not settle."""
    parser = locate_parser(spec) if spec.parser else locate(spec).path
    lines = single.ir.rstrip("\n").split("\n")
    expected: dict[int, list[str]] = {}  # 1-based line of the IR -> expectation lines for it

    def render() -> list[str]:
        out: list[str] = []
        for number, line in enumerate(lines, 1):
            wanted = expected.get(number, [])
            indent = line[: len(line) - len(line.lstrip())]
            out += [indent + w.replace("@+?", f"@+{len(wanted) - i}") for i, w in enumerate(wanted)]
            out.append(line)
        return out

    for _ in range(_VERIFY_ROUNDS):
        text = "\n".join(render()) + "\n"
        argv = [str(parser), "input.mlir", *single.flags, "-split-input-file", "-verify-diagnostics", "-o", "out.mlir"]
        run = execute(Invocation(argv, "input.mlir", text), timeout=timeout, env=env)
        if run.returncode == 0:
            return text
        found = list(_UNEXPECTED.finditer(run.stderr))
        if not found or run.signal is not None or run.timed_out:
            return None
        progress = False
        rendered = render()
        for m in found:
            at = int(m.group("line"))
            if at == 0 or at > len(rendered):
                return None  # `loc(unknown)`: no line to put an expectation on
            target = _ir_line(rendered, at)
            msg = _expectation_text(m.group("msg"))
            if target is None or not msg:
                return None
            entry = f"// expected-{m.group('kind')}@+? {{{{{msg}}}}}"
            if entry not in expected.setdefault(target, []):
                expected[target].append(entry)
                progress = True
        if not progress:
            return None
    return None


def _ir_line(rendered: list[str], at: int) -> int | None:
    """The IR line (1-based, without expectation lines) that line `at` of the rendered text is."""
    if rendered[at - 1].lstrip().startswith("// expected-"):
        return None
    return at - sum(1 for line in rendered[: at - 1] if line.lstrip().startswith("// expected-"))


def render_test(
    spec: StageSpec, sig: Signature, single: SinglePass, timeout: float, env: RunEnv = DEFAULT_ENV,
    anomaly: str | None = None,
) -> tuple[str, str, str | None]:
    """(the test's text, its style, why it is XFAIL when it is). A resource limit reaches here only as an
    anomaly: an XFAIL test of the compile that should fit, saying why it should."""
    broken = None
    if Outcome(sig.outcome) is Outcome.DIAGNOSTIC:
        tool = str(locate_parser(spec) if spec.parser else locate(spec).path)
        broken = broken_lowering(tool, single.flags, single.ir, sig, timeout, env)
        verified = None if broken else _verify(spec, single, timeout, env)
        if verified is not None:
            head = [_run_line(single, " -split-input-file -verify-diagnostics", env)]
            return "\n".join(head) + "\n\n" + verified, "verify-diagnostics", None
    name = kernel_name(single.ir, custom_form_only=True)
    kernel = f"@{name}" if name else None
    if broken:
        flag = single.flags[0].split("=", 1)[0] if single.flags else "the pipeline"
        what = [f"// Known broken: {flag} {broken}:", f"//   {(sig.headline.splitlines() or [''])[0][:_MSG_CHARS]}",
                "// When it is fixed this test XPASSes: remove the XFAIL line and check the output."]
    else:
        what = [f"// {spec.parser or spec.tool} fails on this input today; when it is fixed this test XPASSes: "
                "remove the", "// XFAIL line and check the output."]
    head = [
        _run_line(single, " | FileCheck %s", env),
        "// XFAIL: *",
        f"// CHECK-LABEL: {lit_safe.check_pattern(kernel)}(" if kernel else "// CHECK: {{.}}",
        *(lit_safe.check_pattern(line) for line in what),
    ]
    reason = broken or ("a capacity diagnostic the fit search found anomalous" if anomaly else sig.outcome)
    if anomaly:
        space = sig.resource.space if sig.resource else "on-chip memory"
        note = f"// A capacity diagnostic ({space} overflow), a bug for this reason: {anomaly}"
        head.append(lit_safe.check_pattern(note))
    return "\n".join(head) + "\n\n" + single.ir.rstrip("\n") + "\n", "xfail", reason


def build_test(
    spec: StageSpec, ir: str, options: Options, sig: Signature, timeout: float = 120.0, env: RunEnv = DEFAULT_ENV,
    anomaly: str | None = None, taken: Callable[[Path, str], bool] = lambda path, text: False,
) -> UpstreamTest:
    """The upstream-format test of `sig` on `ir`, found by replaying (nothing is written). `taken(path, text)`
    says a name is used by another test; the first free one in the neighbours' style is given."""
    single = single_pass(spec, lit_safe.ir_body(ir), options, sig, timeout, env)
    text, style, reason = render_test(spec, sig, single, timeout, env, anomaly)
    folder = Path(spec.test_dir(single.name))
    name = test_file_name(spec.test_name_style, sig, single.ir, lambda n: taken(folder / n, text))
    about = {
        **({"anomaly": anomaly} if anomaly else {}),
        "signature": sig.to_dict(),
        **FoundWith(spec, options, env, versions()).fields("stage", "options", "env", "versions"),
        "single_pass": {"tool": single.tool, "flags": list(single.flags), "how": single.how},
        "style": style,
        "test": str(folder / name),
        **({"xfail_because": reason} if reason else {}),
    }
    return UpstreamTest(folder / name, text, json.dumps(about, indent=2, sort_keys=True) + "\n", style, single)


def _taken(out_dir: Path) -> Callable[[Path, str], bool]:
    """A name is taken by anything at that path but this very test (exporting twice rewrites nothing)."""

    def taken(relative: Path, text: str) -> bool:
        path = out_dir / relative
        if not os.path.lexists(path):
            return False
        try:
            return not path.is_file() or path.is_symlink() or path.read_text() != text
        except (OSError, UnicodeDecodeError):
            return True

    return taken


def export_test(
    spec: StageSpec, ir: str, options: Options, sig: Signature, out_dir: Path, *, inputs: tuple[Path, ...] = (),
    timeout: float = 120.0, env: RunEnv = DEFAULT_ENV, anomaly: str | None = None,
) -> ExportedTest:
    """Write the upstream-format test of `sig` under `out_dir`, at the path it belongs to in the upstream suite;
    nothing else is written there, and no file already there is replaced."""
    test = build_test(spec, ir, options, sig, timeout, env, anomaly, taken=_taken(out_dir))
    path = out_dir / test.relative
    outputs.guard(inputs, [path], "export-test")
    atomic.write_many({path: test.text.encode()})
    return ExportedTest(path, test)
