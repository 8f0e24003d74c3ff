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
import tarfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from reducer.errors import InputError, NotInteresting, ReducerError
from reducer.failure.replay import Observation, Replay
from reducer.failure.signature import Expectation, Signature
from reducer.proc import atomic, outputs
from reducer.report.facts import ReportFacts
from reducer.report.issue import bundle_notes, needles, render_issue
from reducer.report.reproduce_script import reproduce_script
from reducer.repro.artifact import header_of, read_json, sidecar_path
from reducer.repro.suite import read_repro, render, strip_header
from reducer.repro.upstream import UpstreamTest, build_test
from reducer.safety.leaks import Leak
from reducer.safety.lit_safe import ir_body
from reducer.safety.redact import Redactor
from reducer.stage import binary_facts
from reducer.stage import table as stages
from reducer.stage.options import Options
from reducer.stage.run_env import DEFAULT_ENV, RunEnv
from reducer.stage.source import read_text
from reducer.stage.table import StageSpec
from reducer.stage.toolchain import locate, package_version, versions

# A function op of any dialect (`tt.func`, `func.func`) and its symbol.
_KERNEL = re.compile(r"\b\w+\.func\s+(?:(?:public|private|nested)\s+)?@([\w$.-]+)")
_GENERIC_KERNEL = re.compile(r'sym_name\s*=\s*"([\w$.-]+)"')


@dataclass(frozen=True)
class ReportResult:
    out_dir: Path
    issue: Path
    bundle: Path
    signature: Signature
    tracker: str
    tracker_url: str
    members: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        return (
            f"wrote {self.issue} and {self.bundle} ({self.signature.id}: {self.signature.title}); "
            f"file it at {self.tracker}: {self.tracker_url}"
        )


class PrivateDataLeft(ReducerError):
    """Redaction left something private in a file meant for upstream: nothing was written."""


# --- reading the inputs --------------------------------------------------------------------


@dataclass(frozen=True)
class _Input:
    ir: str
    stage: StageSpec
    expected: Expectation | None  # from a repro header: the report must show this bug
    releases: dict[str, str] | None = None  # a repro header's version matrix (`reducer matrix --record`)
    verdict: str = ""


def _read_input(path: Path, stage: StageSpec | None) -> _Input:
    text = read_text(path)
    repro = read_repro(path)
    if repro is not None:
        header = header_of(text) or {}
        releases = header.get("releases") if isinstance(header.get("releases"), dict) else None
        return _Input(repro.ir, repro.stage, Expectation.of(repro.signature), releases, str(header.get("verdict", "")))
    ir = strip_header(text)
    stage = stage or stages.infer(ir)
    if stage is None:
        choices = " or ".join(f"--stage {s.name}" for s in stages.all_stages())
        raise InputError(f"{path}: cannot tell which stage this IR feeds", f"pass {choices}")
    return _Input(ir, stage, None)


def find_sidecar(repro_path: Path) -> dict | None:
    """The `<reduced>.mlir.json` that `reducer reduce` writes next to its output, when present."""
    return read_json(sidecar_path(repro_path))


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
    stage: StageSpec, ir: str, options: Options, expected: Expectation | None, attempts: int, timeout: float,
    env: RunEnv = DEFAULT_ENV,
) -> Observation:
    replay = Replay(stage, options, timeout, env)
    obs = replay.observe(ir, find_pass=True)
    for _ in range(attempts - 1):
        if expected is None or expected.met_by(obs.signature):
            break
        obs = replay.observe(ir, find_pass=True)
    return obs


# --- gathering ----------------------------------------------------------------------------


def _environment(stage: StageSpec, options: Options) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The form's environment: the failing tool (what makes its stripped frames usable upstream), the wheels,
    the host. The other stages' tools are in the bundle's signature.json, not in the issue."""
    installed = versions()
    tool = locate(stage)
    tag = binary_facts.wheel_tag(stage.wheel)
    rows = [
        ("Ascend hardware", f"none: an {platform.machine()} host with no NPU, no CANN and no torch_npu (the failing "
                            "step is the host compiler binary)"),
        (stage.wheel, installed.get(stage.wheel, "not installed") + (f" (wheel {tag})" if tag else "")),
        *[(wheel, version) for wheel, version in installed.items() if wheel != stage.wheel],
        (stage.tool, f"{tool.version}" + (f", {tool.build}" if tool.build else "")),
        (f"{stage.tool} sha256", binary_facts.sha256(tool.path)),
        (f"{stage.tool} GNU build-id", binary_facts.gnu_build_id(tool.path) or "none (no build-id note)"),
    ]
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
        ("NPU options", options.describe()),
        ("Reported with", f"reducer {package_version('reducer')}"),
    ]
    return installed, rows


def _gather(
    repro_path: Path,
    *,
    original: Path | None,
    sidecar: dict | None,
    options: Options,
    stage: StageSpec | None,
    redactor: Redactor,
    attempts: int,
    timeout: float,
    env: RunEnv = DEFAULT_ENV,
) -> tuple[ReportFacts, str]:
    given = _read_input(repro_path, stage)
    stage = given.stage
    ir = ir_body(redactor.text(given.ir))
    obs = _observe(stage, stage.prepare(ir), options, given.expected, attempts, timeout, env)
    if obs.signature is None:
        raise NotInteresting(
            f"{repro_path}: does not fail here ({obs.outcome.label}); nothing to report",
            "check the target and options, or run `reducer check` on it",
        )
    if given.expected is not None and not given.expected.met_by(obs.signature):
        raise NotInteresting(
            f"{repro_path}: now shows {obs.signature.id} ({obs.signature.title}), not its header's {given.expected.id}",
            "the bug may be fixed or the options differ: `reducer recheck`, or pass --target/--option",
        )
    if ir != given.ir and given.expected is None:
        # Redaction touched the IR (locations, comments): it must still be the same bug.
        raw = _observe(stage, stage.prepare(given.ir), options, None, 1, timeout, env)
        if not Expectation.of(obs.signature).met_by(raw.signature):
            raise NotInteresting(
                f"{repro_path}: the redacted IR no longer shows the failure of the original",
                "remove the private strings from the IR by hand and retry",
            )
    # The original is attached only when the user names it: a sidecar is never a source of file paths.
    original_path = original
    original_text = ir_body(redactor.text(read_text(original_path))) if original_path is not None else None
    original_name = None
    if original_path is not None:
        suffix = "".join(original_path.suffixes[-2:]) if original_path.suffix == ".mlir" else original_path.suffix
        original_name = "original" + (suffix or ".mlir")
    installed, environment = _environment(stage, options)
    environment = [(k, redactor.text(v)) for k, v in environment]
    stderr = redactor.text(obs.run.stderr)
    sig = obs.signature
    ir = stage.prepare(ir)
    facts = ReportFacts(
        stage=stage,
        options=options,
        sig=sig,
        obs=obs,
        ir=ir,
        kernel=kernel_name(ir) or (kernel_name(original_text) if original_text else None),
        original_name=original_name,
        original_text=original_text,
        sidecar=sidecar,
        versions=installed,
        environment=environment,
        needles=[n for n in needles(sig, obs.run.stderr) if redactor.text(n) == n],
        test=_upstream_test(stage, ir, options, sig, timeout, env),
        env=env,
        rates=_rates(stage, ir, options, sig, timeout, env),
        releases=given.releases,
        verdict=given.verdict,
    )
    return facts, stderr


# Runs that measure how often a bug found under a knob shows with it and without it.
RATE_RUNS = 10


def _rates(
    stage: StageSpec, ir: str, options: Options, sig: Signature, timeout: float, env: RunEnv
) -> list[tuple[RunEnv, int, int]]:
    """(env, runs showing the bug, runs) under the knob and without it; empty when there is no knob."""
    if env == DEFAULT_ENV:
        return []
    wanted = Expectation.of(sig)
    found = []
    for knob in (env, DEFAULT_ENV):
        replay = Replay(stage, options, timeout, knob)
        found.append((knob, sum(wanted.met_by(replay.observe(ir).signature) for _ in range(RATE_RUNS)), RATE_RUNS))
    return found


def _upstream_test(
    stage: StageSpec, ir: str, options: Options, sig: Signature, timeout: float, env: RunEnv
) -> UpstreamTest | None:
    """The test ready for the upstream suite, when a single pass shows the bug (else the issue says so)."""
    try:
        return build_test(stage, ir, options, sig, timeout, env)
    except NotInteresting:
        return None


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


def write_report(
    repro_path: Path,
    out_dir: Path | None,
    *,
    original: Path | None,
    sidecar: dict | None,
    options: Options,
    stage: StageSpec | None = None,
    secrets: tuple[str, ...] = (),
    attempts: int = 3,
    timeout: float = 120.0,
    env: RunEnv = DEFAULT_ENV,
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
        stage=stage,
        redactor=redactor,
        attempts=attempts,
        timeout=timeout,
        env=env,
    )
    sig = facts.sig
    out_dir = out_dir if out_dir is not None else Path.cwd() / f"report-{sig.id}"
    sig_doc = {
        "signature": sig.to_dict(),
        "stage": facts.stage.name,
        "tool": {"name": facts.stage.tool, "version": locate(facts.stage).version},
        "versions": facts.versions,
        "target": facts.options.target,
        "options": facts.options.as_dict(),
        "tracker": facts.stage.tracker,
        "tracker_url": facts.stage.tracker_url,
    }
    files = {
        "repro.mlir": render(sig, facts.ir, facts.obs.run.stderr, facts.options, env=env),
        "stderr.txt": stderr,
        "reproduce.sh": reproduce_script(facts),
        "signature.json": json.dumps(sig_doc, indent=2, sort_keys=True) + "\n",
    }
    if facts.original_name and facts.original_text is not None:
        files[facts.original_name] = facts.original_text
    if facts.test is not None:
        # At the path it belongs to upstream, so the bundle can be unpacked over a checkout.
        files[f"upstream/{facts.test.relative}"] = facts.test.text
        files[f"upstream/{facts.test.relative}.json"] = facts.test.about
        if facts.test.single.ir != facts.ir:
            files["pass-level.mlir"] = facts.test.single.ir
    files["NOTES.md"] = bundle_notes(facts)
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
    issue_path = out_dir / "issue.md"
    outputs.guard([repro_path, sidecar_path(repro_path), original], [bundle, issue_path], "report")
    # Both or neither: a full disk must not leave a bundle without its issue.
    atomic.write_many({bundle: _tarball(f"repro-{sig.id}", files), issue_path: issue.encode()})
    return ReportResult(out_dir, issue_path, bundle, sig, facts.stage.tracker, facts.stage.tracker_url, sorted(files))
