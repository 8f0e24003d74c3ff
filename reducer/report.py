"""`reducer report`: an upstream issue (`issue.md`) and an attachment bundle, with nothing private in them.

Maintainers of triton-ascend and AscendNPU-IR ask for the same four things: a minimal complete input, the
exact command, the full error and the versions. Everything here is re-observed on this machine (the
report never trusts a stale header), redacted piece by piece, then checked once more as a whole: a report
that still holds private data is refused rather than written.
"""

from __future__ import annotations

import io
import json
import platform
import re
import shlex
import signal
import tarfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from reducer import atomic
from reducer.errors import InputError, NotInteresting, ReducerError
from reducer.outcome import HIVMC_MISSING, Outcome, first_error_line
from reducer.redact import Redactor
from reducer.replay import Observation, Replay
from reducer.repros import HEADER, read_repro, render, run_line, strip_header
from reducer.signature import Signature
from reducer.source import infer_stage, read_text
from reducer.toolchain import DEFAULT_TARGET, Stage, StageOptions, locate, package_version, prepare_input, stage_args

# GitHub refuses issue bodies over 65,536 characters; the full log always stays in the bundle.
ISSUE_LIMIT = 60_000
# An IR longer than this is folded away in issue.md (it was probably not reduced).
FOLD_IR_LINES = 200
ERROR_HEAD_LINES = 12

TRACKERS = {
    Stage.ADAPTER: "triton-ascend",
    Stage.BISHENGIR: "AscendNPU-IR",
}
_WHEELS = {Stage.ADAPTER: "triton-ascend", Stage.BISHENGIR: "ascendnpu-ir"}
# Where each wheel keeps its binary, relative to the package folder found by `importlib.util.find_spec`.
_WHEEL_LAYOUT = {
    Stage.ADAPTER: ("triton", "backends/ascend/triton-adapter-opt", "TRITON_ADAPTER_OPT"),
    Stage.BISHENGIR: ("ascendnpuir", "bin/bishengir-compile", "BISHENGIR_COMPILE"),
}
# The stage output Triton dumps and lets TRITON_KERNEL_OVERRIDE replace: it is the failing stage's input.
_OVERRIDE_EXT = {Stage.ADAPTER: "ttir", Stage.BISHENGIR: "ttadapter"}
_MASKS = re.compile(r"<N>|%<v>|@<sym>|<addr>|<tmp>")
_KERNEL = re.compile(r"\b(?:tt\.func|func\.func)\s+(?:(?:public|private|nested)\s+)?@([\w$.-]+)")
_GENERIC_KERNEL = re.compile(r'sym_name\s*=\s*"([\w$.-]+)"')


@dataclass(frozen=True)
class ReportResult:
    out_dir: Path
    issue: Path
    bundle: Path
    signature: Signature
    tracker: str
    members: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        return (
            f"wrote {self.issue} and {self.bundle} ({self.signature.id}: {self.signature.title}); "
            f"file it at {self.tracker}"
        )


@dataclass(frozen=True)
class Leak:
    where: str
    text: str


class PrivateDataLeft(ReducerError):
    """Redaction left something private in a file meant for upstream: nothing was written."""


# --- reading the inputs --------------------------------------------------------------------


@dataclass(frozen=True)
class _Input:
    ir: str
    stage: Stage
    expected: Signature | None  # from a repro header: the report must show this bug
    target: str | None


def _read_input(path: Path) -> _Input:
    text = read_text(path)
    try:
        repro = read_repro(path)
    except (ValueError, KeyError) as err:
        raise InputError(
            f"{path}: unreadable REDUCER-SIGNATURE header ({err})", "fix or delete the first line"
        ) from None
    if repro is not None:
        header = json.loads(text.splitlines()[0][len(HEADER) :])
        return _Input(repro.ir, repro.stage, repro.signature, header.get("target"))
    ir = strip_header(text)
    stage = infer_stage(ir)
    if stage is None:
        raise InputError(
            f"{path}: cannot tell which stage this IR feeds (no tt.func, no func.func)", "pass a TTIR or linalg file"
        )
    return _Input(ir, stage, None, None)


def find_sidecar(repro_path: Path) -> dict | None:
    """The `<reduced>.mlir.json` that `reducer reduce` writes next to its output, when present."""
    path = repro_path.with_name(repro_path.name + ".json")
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text())
    except ValueError:
        raise InputError(f"{path}: not valid JSON", "delete it or rerun `reducer reduce`") from None
    return data if isinstance(data, dict) else None


def default_options(repro_path: Path, sidecar: dict | None) -> StageOptions:
    """The options the bug was found with: the sidecar's, else the repro header's target, else defaults."""
    if sidecar and isinstance(sidecar.get("options"), dict):
        opts = dict(sidecar["options"])
        known = set(StageOptions.__dataclass_fields__) - {"extra"}
        fields = {k: v for k, v in opts.items() if k in known}
        extra = {k: str(v) for k, v in opts.items() if k not in known}
        return StageOptions(**fields, extra=extra)
    if repro_path.is_file():
        target = _read_input(repro_path).target
        if target:
            return StageOptions(target=target)
    return StageOptions(target=DEFAULT_TARGET)


def kernel_name(ir: str) -> str | None:
    """The kernel's symbol: the first tt.func (TTIR) or the entry func.func (linalg)."""
    names = _KERNEL.findall(ir) or _GENERIC_KERNEL.findall(ir)
    if not names:
        return None
    for line in ir.splitlines():
        m = _KERNEL.search(line)
        if m and "entry" in line:
            return m.group(1)
    return names[0]


# --- observing -----------------------------------------------------------------------------


def _observe(
    stage: Stage, ir: str, options: StageOptions, expected: Signature | None, attempts: int, timeout: float
) -> Observation:
    replay = Replay(stage, options, timeout)
    obs = replay.observe(ir, find_pass=True)
    for _ in range(attempts - 1):
        if expected is None or (obs.signature is not None and obs.signature.id == expected.id):
            break
        obs = replay.observe(ir, find_pass=True)
    return obs


def _status(obs: Observation) -> str:
    run = obs.run
    if run.timed_out:
        return "timed out"
    if run.signal is not None:
        try:
            return f"killed by {signal.Signals(run.signal).name}"
        except ValueError:
            return f"killed by signal {run.signal}"
    return f"exit code {run.returncode}"


# --- pieces of the issue -------------------------------------------------------------------


def md_escape(text: str) -> str:
    """Text safe outside code: C++ names hold `*`, `_`, `<...>` and backticks that markdown would eat."""
    return re.sub(r"([\\`*_\[\]<>|#~])", r"\\\1", text)


def fence(body: str, lang: str = "") -> str:
    """A fenced block that a backtick run inside `body` cannot close early."""
    longest = max((len(m) for m in re.findall(r"`+", body)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{lang}\n{body.rstrip(chr(10))}\n{ticks}"


def details(summary: str, body: str) -> str:
    # The blank lines let GitHub render the markdown inside the HTML block.
    return f"<details>\n<summary>{summary}</summary>\n\n{body}\n\n</details>"


def command_line(stage: Stage, options: StageOptions, input_name: str = "repro.mlir") -> str:
    """The exact command with a bare tool name, one flag per line."""
    args = [shlex.quote(a) for a in stage_args(stage, options)]
    out = args[-2:]
    lines = [f"{stage.tool_name} {input_name}"] + args[:-2] + [" ".join(out)]
    return " \\\n  ".join(lines)


def error_head(stderr: str) -> str:
    """The first lines that say what went wrong, plus the pass stack; no frames (the signature has them)."""
    head: list[str] = []
    for line in stderr.splitlines():
        if line.startswith("Stack dump:"):
            break
        if not line.strip() or line.startswith("PLEASE submit a bug report") or HIVMC_MISSING.search(line):
            continue  # noise every run prints (no CANN here, LLVM's bug-report banner)
        head.append(line)
    head = head[:ERROR_HEAD_LINES]
    passes = [
        line.strip()
        for line in stderr.splitlines()
        if re.match(r"^\s*\d+\.\s", line) and "Program arguments" not in line
    ]
    return "\n".join(head + passes[:6])


def needles(sig: Signature, stderr: str) -> list[str]:
    """Literal pieces of the key message that must appear in a run's stderr for it to show the bug.

    The signature is normalized (numbers, SSA names, paths masked); only the unmasked pieces that occur
    verbatim in the whitespace-squeezed stderr are usable by `grep -F`.
    """
    flat = " ".join(stderr.split())
    found: list[str] = []
    for text in (sig.detail, sig.message):
        for piece in _MASKS.split(text or ""):
            piece = piece.strip()
            if len(piece) >= 4 and piece in flat and piece not in found:
                found.append(piece)
    return found


def _actual_lines(stderr: str) -> str:
    """The raw (unmasked) diagnostic and the crash line: what a maintainer greps their sources for."""
    picked = [first_error_line(stderr) or ""]
    crash = re.search(r"^.*(?:Assertion `.*' failed\.|UNREACHABLE executed.*|LLVM ERROR: .*)$", stderr, re.M)
    if crash:
        picked.append(crash.group(0).strip())
    return "\n".join(line for line in picked if line)


def _expected(stage: Stage, outcome: Outcome) -> str:
    if stage is Stage.ADAPTER:
        want = (
            "`triton-adapter-opt` lowers the TTIR to linalg and exits 0, or rejects an unsupported construct "
            "with a diagnostic that names it."
        )
    else:
        want = (
            "`bishengir-compile` runs its whole MLIR pipeline. (Without CANN it then stops with "
            "`External hivmc run fails`: that is expected on a machine without `hivmc`.)"
        )
    if outcome is Outcome.DIAGNOSTIC:
        want += f" The input parses and verifies: `{stage.tool_name} repro.mlir` with no passes exits 0."
    return want


# --- the report ----------------------------------------------------------------------------


@dataclass
class _Facts:
    stage: Stage
    options: StageOptions
    sig: Signature
    obs: Observation
    ir: str  # redacted, as replayed
    kernel: str | None
    original_name: str | None
    original_text: str | None
    sidecar: dict | None
    versions: dict[str, str]
    environment: list[tuple[str, str]]
    needles: list[str]


def _environment(stage: Stage, options: StageOptions) -> tuple[dict[str, str], list[tuple[str, str]]]:
    versions = {"triton-ascend": package_version("triton-ascend"), "ascendnpu-ir": package_version("ascendnpu-ir")}
    rows = list(versions.items())
    for other in Stage:
        try:
            rows.append((other.tool_name, locate(other).version))
        except ReducerError:
            if other is stage:
                raise
            rows.append((other.tool_name, "not found"))
    try:
        os_name = platform.freedesktop_os_release().get("PRETTY_NAME", "")
    except OSError:
        os_name = ""
    os_text = f"{os_name}, " if os_name else ""
    rows += [
        ("Python", platform.python_version()),
        ("OS", f"{os_text}{platform.system()} {platform.release()}"),
        ("CPU arch", platform.machine()),
        ("Target", options.target),
        ("NPU options", _non_default(options)),
        ("Reported with", f"reducer {package_version('reducer')}"),
    ]
    return versions, rows


def _non_default(options: StageOptions) -> str:
    base = StageOptions(target=options.target).as_dict()
    changed = {k: v for k, v in options.as_dict().items() if k != "target" and base.get(k, object()) != v}
    return ", ".join(f"{k}={v}" for k, v in sorted(changed.items())) or "defaults"


def _origin(facts: _Facts) -> list[str]:
    rows: list[str] = []
    if facts.kernel:
        rows.append(f"- Kernel: `{facts.kernel}`")
    car = facts.sidecar or {}
    before, after = car.get("input") or {}, car.get("output") or {}
    if before and after:
        rows.append(
            f"- Size: {before.get('ops', '?')} ops / {before.get('lines', '?')} lines / "
            f"{before.get('bytes', '?')} bytes -> {after.get('ops', '?')} ops / {after.get('lines', '?')} "
            f"lines / {after.get('bytes', '?')} bytes (reduced with `reducer reduce`)"
        )
    elif facts.original_text is not None:
        rows.append(
            f"- Size: {len(facts.original_text.splitlines())} lines / {len(facts.original_text)} bytes -> "
            f"{len(facts.ir.splitlines())} lines / {len(facts.ir)} bytes"
        )
    else:
        rows.append(f"- Size: {len(facts.ir.splitlines())} lines / {len(facts.ir)} bytes (original size not known)")
    if "tests" in car:
        hits = f" (+{car['cache_hits']} cache hits)" if car.get("cache_hits") else ""
        secs = f" in {car['seconds']} s" if car.get("seconds") is not None else ""
        rows.append(f"- Tests run while reducing: {car['tests']}{hits}{secs}")
    if car.get("final_check"):
        rows.append(f"- Final check of the reduced IR: {car['final_check']} runs showed the signature")
    level = car.get("pass_level")
    if isinstance(level, dict) and level.get("pipeline"):
        rows.append("- Pass-level repro (the failing pass alone): " + " ".join(f"`{p}`" for p in level["pipeline"]))
    if facts.original_name:
        rows.append(f"- Original input: attached as `{facts.original_name}`")
    return rows


def render_issue(facts: _Facts, stderr: str) -> str:
    stage, sig, opts = facts.stage, facts.sig, facts.options
    tracker = TRACKERS[stage]
    outcome = Outcome(sig.outcome)
    ext = _OVERRIDE_EXT[stage]
    kernel = facts.kernel or "<kernel>"
    out: list[str] = [f"# {md_escape(sig.title)}", ""]
    out.append(f"**Tracker:** {tracker} (stage `{stage.value}`: `{stage.tool_name}`). **Signature:** `{sig.id}`.")
    out.append("")
    size = f"{len(facts.ir.splitlines())}-line"
    out.append(
        f"`{stage.tool_name}` ({_WHEELS[stage]} {facts.versions[_WHEELS[stage]]}) fails with "
        f"*{md_escape(outcome.label)}* on a {size} {'TTIR' if stage is Stage.ADAPTER else 'linalg'} input"
        + (f" (kernel `{facts.kernel}`)." if facts.kernel else ".")
    )
    out += ["", "## Environment", "", "| Component | Version |", "|---|---|"]
    out += [f"| {md_escape(k)} | {md_escape(v)} |" for k, v in facts.environment]

    out += [
        "",
        "## How to reproduce",
        "",
        "Save the IR below as `repro.mlir` (it is also `repro.mlir` in the attached bundle) and run:",
        "",
        fence(command_line(stage, opts), "sh"),
        "",
        f"`{stage.tool_name}` ships in the `{_WHEELS[stage]}` wheel as "
        f"`{_WHEEL_LAYOUT[stage][0]}/{_WHEEL_LAYOUT[stage][1]}`. "
        "The bundle's `reproduce.sh` finds it in the installed wheel (or on `PATH`), runs this command and "
        "exits 0 when the failure reproduces.",
        "",
        "As a lit test (these lines head `repro.mlir` in the bundle):",
        "",
        fence(f"// RUN: {run_line(sig, opts)}"),
        "",
        "### Inside a real Triton run",
        "",
        f"Triton can swap in this IR for the `{ext}` stage output of the user's own kernel:",
        "",
        f"1. Run the script once with `TRITON_KERNEL_DUMP=1 TRITON_DUMP_DIR=dump TRITON_ALWAYS_COMPILE=1`; "
        f"the kernel's `{ext}` lands in `dump/<hash>/{kernel}.{ext}`"
        + (" (a failing stage writes nothing, earlier stages are there)." if stage is Stage.BISHENGIR else "."),
        f"2. Copy the reduced IR over the dumped one, keeping the hash folder: "
        f"`mkdir -p override/<hash> && cp repro.mlir override/<hash>/{kernel}.{ext}`.",
        "3. Run the script again with `TRITON_KERNEL_OVERRIDE=1 TRITON_OVERRIDE_DIR=override "
        f"TRITON_ALWAYS_COMPILE=1`: the compile fails with the same error, tagged "
        f"`{'[ConvertTritonIRToLinalgIR]' if stage is Stage.ADAPTER else '[ConvertLinalgRToBinary]'}`.",
        "",
    ]

    ir_block = fence(facts.ir, "mlir")
    out += ["## Minimal IR", ""]
    lines = len(facts.ir.splitlines())
    if len(facts.ir) > ISSUE_LIMIT // 2:
        out.append(
            f"{lines} lines, {len(facts.ir)} bytes: too large for an issue body, see `repro.mlir` in the bundle."
        )
    elif lines > FOLD_IR_LINES:
        out.append(details(f"{lines} lines (also attached as repro.mlir)", ir_block))
    else:
        out.append(ir_block)

    out += [
        "",
        "## Expected vs actual",
        "",
        f"- **Expected:** {_expected(stage, outcome)}",
        f"- **Actual:** {md_escape(outcome.label)} ({_status(facts.obs)})"
        + (f" in pass `{sig.failing_pass}`" if sig.failing_pass else "")
        + ":",
        "",
        fence(_actual_lines(stderr) or sig.detail or sig.message or "(no message)", "text"),
        "",
    ]

    out += [
        "## Signature",
        "",
        f"- Id: `{sig.id}` (strict, with frames: `{sig.strict_id}`)",
        f"- Class: `{sig.outcome}` ({md_escape(outcome.label)})",
        f"- Failing pass: {('`' + sig.failing_pass + '`') if sig.failing_pass else 'unknown'}",
        "- Key message (numbers, SSA names and paths masked):",
        "",
        fence(sig.message or "(none: the frames identify this crash)", "text"),
        "",
        "- Top frames (after the signal handler and the abort path; offsets into the stripped binary):",
        "",
        fence("\n".join(sig.frames) or "(no stack dump)", "text"),
        "",
    ]

    head = error_head(stderr)
    out += ["## Error", "", fence(head or "(empty stderr)", "text"), "", "{FULL_LOG}", ""]
    out += ["## Origin", ""] + _origin(facts) + [""]
    out += [
        "## Attachments",
        "",
        "`bundle.tar.gz`: `repro.mlir` (lit test), `stderr.txt` (full log), `reproduce.sh`, `signature.json`"
        + (f", `{facts.original_name}` (the original input)" if facts.original_name else "")
        + ".",
        "Paths, user and host names were redacted by `reducer report`.",
        "",
    ]
    text = "\n".join(out)
    room = ISSUE_LIMIT - len(text)
    log = stderr
    if len(log) > room - 200:
        cut = max(0, room - 400)
        log = log[:cut] + f"\n... ({len(stderr) - cut} more characters in stderr.txt)"
    return text.replace("{FULL_LOG}", details("Full stderr", fence(log, "text")))


def reproduce_script(facts: _Facts) -> str:
    """A bash script that needs only the wheel (no reducer): exit 0 when the failure reproduces."""
    stage, sig = facts.stage, facts.sig
    package, rel, override = _WHEEL_LAYOUT[stage]
    wheel = _WHEELS[stage]
    tool_name = stage.tool_name
    args = " ".join(shlex.quote(a) for a in stage_args(stage, facts.options))
    outcome = Outcome(sig.outcome)
    must_crash = "1" if outcome.is_crash else "0"
    checks = "\n".join(f"  {shlex.quote(n)}" for n in facts.needles)
    title = shlex.quote(f"{sig.id}: {sig.title}")
    timeout_cmd = ""
    if outcome is Outcome.TIMEOUT:
        timeout_cmd = f"timeout {max(10, int(facts.obs.run.seconds) + 1)} "
    return f"""#!/usr/bin/env bash
# Reproduces {sig.id}: {sig.title}
# Needs the {wheel} wheel ({facts.versions[wheel]} was used), or {override}=<binary>.
# Exit 0: reproduced; 1: did not; 2: {tool_name} not found.
set -u
here=$(cd "$(dirname "${{BASH_SOURCE[0]}}")" && pwd)
python=${{PYTHON:-$(command -v python3 || command -v python || true)}}

tool=${{{override}:-}}
if [ -z "$tool" ] && [ -n "$python" ]; then
  # find_spec locates the package without importing it (importing triton is slow and needs pybind11).
  tool=$("$python" -c '
import importlib.util, os, sys
spec = importlib.util.find_spec(sys.argv[1])
if spec and spec.submodule_search_locations:
    print(os.path.join(list(spec.submodule_search_locations)[0], sys.argv[2]))
' {package} {rel} 2>/dev/null || true)
fi
if [ -z "$tool" ] || [ ! -x "$tool" ]; then
  tool=$(command -v {tool_name} || true)
fi
if [ -z "$tool" ]; then
  echo "reproduce.sh: {tool_name} not found (pip install {wheel}, or set {override})" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/repro.mlir" "$work/{stage.input_name}"
cd "$work"
# A clean environment, like the backend's subprocess; no in-process symbolization (crashes stay fast).
env -i PATH="$PATH" LANG=C LC_ALL=C LLVM_DISABLE_SYMBOLIZATION=1 \\
  {timeout_cmd}"$tool" {stage.input_name} {args} >stdout.txt 2>stderr.txt
status=$?
# The key message is whitespace-normalized: compare against a squeezed copy of stderr.
tr -s '[:space:]' ' ' <stderr.txt >flat.txt

must_crash={must_crash}
needles=(
{checks}
)
ok=1
if [ "$status" -eq 0 ]; then
  echo "{tool_name} exited 0: the failure did not happen"
  ok=0
elif [ "$must_crash" = 1 ] && [ "$status" -lt 128 ]; then
  echo "{tool_name} exited $status, but this bug is a crash (death by a signal)"
  ok=0
fi
for needle in ${{needles[@]+"${{needles[@]}}"}}; do
  if ! grep -qF -- "$needle" flat.txt; then
    echo "key message missing from stderr: $needle"
    ok=0
  fi
done

echo "--- first lines of stderr (status $status) ---"
head -n 8 stderr.txt
if [ "$ok" = 1 ]; then
  echo "REPRODUCED "{title}
  exit 0
fi
echo "NOT REPRODUCED "{title}
exit 1
"""


# --- writing -------------------------------------------------------------------------------


def _tarball(folder: str, files: dict[str, str]) -> bytes:
    """A .tar.gz with no owner names, uids or absolute paths in its headers."""
    buf = io.BytesIO()
    now = int(time.time())
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{folder}/{name}")
            info.size = len(data)
            info.mtime = now
            info.mode = 0o755 if name.endswith(".sh") else 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _gather(
    repro_path: Path,
    *,
    original: Path | None,
    sidecar: dict | None,
    options: StageOptions,
    redactor: Redactor,
    attempts: int,
    timeout: float,
) -> tuple[_Facts, str]:
    given = _read_input(repro_path)
    stage = given.stage
    ir = redactor.text(given.ir)
    obs = _observe(stage, prepare_input(stage, ir), options, given.expected, attempts, timeout)
    if obs.signature is None:
        raise NotInteresting(
            f"{repro_path}: does not fail here ({obs.outcome.label}); nothing to report",
            "check the target and options, or run `reducer check` on it",
        )
    if given.expected is not None and obs.signature.id != given.expected.id:
        raise NotInteresting(
            f"{repro_path}: now shows {obs.signature.id} ({obs.signature.title}), not its header's {given.expected.id}",
            "the bug may be fixed or the options differ: `reducer recheck`, or pass --target/--option",
        )
    if ir != given.ir and given.expected is None:
        # Redaction touched the IR (locations, comments): it must still be the same bug.
        raw = _observe(stage, prepare_input(stage, given.ir), options, None, 1, timeout)
        if raw.signature is None or raw.signature.id != obs.signature.id:
            raise NotInteresting(
                f"{repro_path}: the redacted IR no longer shows the failure of the original",
                "remove the private strings from the IR by hand and retry",
            )
    original_path = original
    if original_path is None and sidecar:
        named = (sidecar.get("input") or {}).get("path")
        if named and Path(named).is_file():
            original_path = Path(named)
    original_text = redactor.text(read_text(original_path)) if original_path is not None else None
    original_name = None
    if original_path is not None:
        suffix = "".join(original_path.suffixes[-2:]) if original_path.suffix == ".mlir" else original_path.suffix
        original_name = "original" + (suffix or ".mlir")
    versions, environment = _environment(stage, options)
    environment = [(k, redactor.text(v)) for k, v in environment]
    stderr = redactor.text(obs.run.stderr)
    sig = obs.signature
    ir = prepare_input(stage, ir)
    facts = _Facts(
        stage=stage,
        options=options,
        sig=sig,
        obs=obs,
        ir=ir,
        kernel=kernel_name(ir) or (kernel_name(original_text) if original_text else None),
        original_name=original_name,
        original_text=original_text,
        sidecar=sidecar,
        versions=versions,
        environment=environment,
        needles=[n for n in needles(sig, obs.run.stderr) if redactor.text(n) == n],
    )
    return facts, stderr


def write_report(
    repro_path: Path,
    out_dir: Path | None,
    *,
    original: Path | None,
    sidecar: dict | None,
    options: StageOptions,
    secrets: tuple[str, ...] = (),
    attempts: int = 3,
    timeout: float = 120.0,
) -> ReportResult:
    """Replay `repro_path`, then write `out_dir/issue.md` and `out_dir/bundle.tar.gz` (redacted).

    `out_dir` None means ./report-<signature id>. `attempts` bounds the replays of a repro whose header
    names a signature (flaky crashes). Raises PrivateDataLeft, writing nothing, if redaction falls short.
    """
    redactor = Redactor.for_this_machine(tuple(secrets))
    facts, stderr = _gather(
        repro_path,
        original=original,
        sidecar=sidecar,
        options=options,
        redactor=redactor,
        attempts=attempts,
        timeout=timeout,
    )
    sig = facts.sig
    out_dir = out_dir if out_dir is not None else Path.cwd() / f"report-{sig.id}"
    sig_doc = {
        "signature": sig.to_dict(),
        "stage": facts.stage.value,
        "tool": {"name": facts.stage.tool_name, "version": locate(facts.stage).version},
        "versions": facts.versions,
        "target": facts.options.target,
        "options": facts.options.as_dict(),
        "tracker": TRACKERS[facts.stage],
    }
    files = {
        "repro.mlir": render(sig, facts.ir, facts.obs.run.stderr, facts.options),
        "stderr.txt": stderr,
        "reproduce.sh": reproduce_script(facts),
        "signature.json": json.dumps(sig_doc, indent=2, sort_keys=True) + "\n",
    }
    if facts.original_name and facts.original_text is not None:
        files[facts.original_name] = facts.original_text
    files = {name: redactor.text(text) for name, text in files.items()}
    issue = redactor.text(render_issue(facts, stderr))
    leaks = [Leak(name, w) for name, text in [("issue.md", issue), *files.items()] for w in redactor.leaks(text)]
    if leaks:
        listed = ", ".join(f"{lk.where}: {lk.text}" for lk in leaks[:5])
        raise PrivateDataLeft(
            f"redaction left private data ({listed}); nothing written",
            "report this reducer bug; pass the word with --secret meanwhile",
        )
    bundle = out_dir / "bundle.tar.gz"
    atomic.write_bytes(bundle, _tarball(f"repro-{sig.id}", files))
    issue_path = out_dir / "issue.md"
    atomic.write_text(issue_path, issue)
    return ReportResult(out_dir, issue_path, bundle, sig, TRACKERS[facts.stage], sorted(files))


# --- checking ------------------------------------------------------------------------------


def _archive_texts(path: Path) -> list[tuple[str, str]] | None:
    """(member name, text) of a tar/zip archive; None when `path` is not one."""
    found: list[tuple[str, str]] = []
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                found.append((f"{path.name}:{info.filename}", info.filename))
                if not info.is_dir():
                    found.append((f"{path.name}:{info.filename}", zf.read(info).decode(errors="replace")))
        return found
    try:
        tar = tarfile.open(path)
    except (tarfile.TarError, OSError):
        return None
    with tar:
        for member in tar.getmembers():
            where = f"{path.name}:{member.name}"
            found.append((where, f"{member.name} {member.uname} {member.gname}"))
            fh = tar.extractfile(member) if member.isfile() else None
            if fh is not None:
                found.append((where, fh.read().decode(errors="replace")))
    return found


def find_leaks(target: Path, secrets: tuple[str, ...] = ()) -> list[Leak]:
    """Private data left in a report folder, a file, or the members of a tar/zip bundle."""
    if not target.exists():
        raise InputError(f"{target}: no such file or folder", "pass a report folder or a file from one")
    redactor = Redactor.for_this_machine(tuple(secrets))
    paths = sorted(p for p in target.rglob("*") if p.is_file()) if target.is_dir() else [target]
    leaks: list[Leak] = []
    for path in paths:
        where = str(path.relative_to(target)) if target.is_dir() else path.name
        texts = _archive_texts(path) if path.suffix in (".gz", ".tgz", ".tar", ".zip", ".xz", ".bz2") else None
        if texts is None:
            data = path.read_bytes()
            if b"\0" in data:
                continue  # some other binary: nothing a person would paste
            texts = [(where, data.decode(errors="replace"))]
        for name, text in texts:
            leaks += [Leak(name, w) for w in redactor.leaks(text)]
    return leaks
