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
import tarfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from reducer.errors import InputError, NotInteresting
from reducer.failure.replay import Observation, Replay
from reducer.failure.signature import Expectation, Signature
from reducer.mlir.symbols import kernel_name
from reducer.proc import atomic, outputs
from reducer.report import known_issues
from reducer.report.compiler_issue import bundle_notes, compiler_issue, needles
from reducer.report.facts import ReportFacts
from reducer.report.forms import Tracker, tracker_for
from reducer.report.issue import PrivateDataLeft, redacted, render_issue
from reducer.report.reproduce_script import reproduce_script
from reducer.report.user_script import script_text
from reducer.repro.artifact import Artifact, FoundWith, load, sidecar_path
from reducer.repro.suite import refuse_resource_limit, render, repro_of
from reducer.repro.upstream import UpstreamTest, build_test
from reducer.safety.lit_safe import ir_body
from reducer.safety.redact import Redactor
from reducer.stage import binary_facts
from reducer.stage import table as stages
from reducer.stage.options import Options
from reducer.stage.run_env import DEFAULT_ENV, RunEnv
from reducer.stage.source import read_text
from reducer.stage.table import StageSpec
from reducer.stage.toolchain import locate, package_version

__all__ = ["PrivateDataLeft", "ReportResult", "kernel_name", "write_report"]

# A function op of any dialect (`tt.func`, `func.func`) and its symbol.


@dataclass(frozen=True)
class ReportResult:
    out_dir: Path
    issue: Path
    bundle: Path
    signature: Signature
    tracker: str
    tracker_url: str
    members: list[str] = field(default_factory=list)
    triggered_by: list[str] = field(default_factory=list)  # the kernel's lines (local: not in the issue unless asked)

    @property
    def message(self) -> str:
        lines = [f"wrote {self.issue} and {self.bundle} ({self.signature.id}: {self.signature.title}); "
                 f"file it at {self.tracker}: {self.tracker_url}"]
        if self.triggered_by:
            from reducer.safety.names import terminal_line

            lines.append("triggered by " + terminal_line(self.triggered_by[0]))
            lines += ["             " + terminal_line(t) for t in self.triggered_by[1:]]
        return "\n".join(lines)


# --- reading the inputs --------------------------------------------------------------------


@dataclass(frozen=True)
class _Input:
    ir: str
    stage: StageSpec
    expected: Expectation | None  # from a repro header: the report must show this bug
    found: FoundWith = FoundWith()  # a repro header's: the releases `reducer matrix --record` tried
    anomaly: str | None = None  # a repro header's: why a resource limit is a compiler-bug candidate


def _read_input(given: Artifact, stage: StageSpec | None) -> _Input:
    repro = repro_of(given)
    if repro is not None:
        return _Input(repro.ir, repro.stage, Expectation.of(repro.signature), given.found, repro.anomaly)
    ir = given.ir
    stage = stage or stages.infer(ir)
    if stage is None:
        choices = " or ".join(f"--stage {s.name}" for s in stages.all_stages())
        raise InputError(f"{given.path}: cannot tell which stage this IR feeds", f"pass {choices}")
    return _Input(ir, stage, None)


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


def _environment(found: FoundWith) -> list[tuple[str, str]]:
    """The form's environment: the failing tool (what makes its stripped frames usable upstream), the wheels,
    the host. The other stages' tools are in the bundle's signature.json, not in the issue."""
    stage, options, installed = found.stage, found.options, found.versions or {}
    assert stage is not None and options is not None
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
    return rows + [
        ("Python", platform.python_version()),
        ("OS", f"{os_text}{platform.system()} {platform.release()}"),
        ("CPU arch", platform.machine()),
        ("Target", options.target),
        ("NPU options", options.describe()),
        ("Reported with", f"reducer {package_version('reducer')}"),
    ]


def _replay(
    where: Path, given: _Input, ir: str, options: Options, attempts: int, timeout: float, env: RunEnv
) -> Observation:
    """The failure on this machine: the header's bug when there is one, and still the bug once redacted."""
    stage = given.stage
    obs = _observe(stage, stage.prepare(ir), options, given.expected, attempts, timeout, env)
    if obs.signature is None:
        raise NotInteresting(
            f"{where}: does not fail here ({obs.outcome.label}); nothing to report",
            "check the target and options, or run `reducer check` on it",
        )
    if given.expected is not None and not given.expected.met_by(obs.signature):
        raise NotInteresting(
            f"{where}: now shows {obs.signature.id} ({obs.signature.title}), not its header's {given.expected.id}",
            "the bug may be fixed or the options differ: `reducer recheck`, or pass --target/--option",
        )
    if ir != given.ir and given.expected is None:
        # Redaction touched the IR (locations, comments): it must still be the same bug.
        raw = _observe(stage, stage.prepare(given.ir), options, None, 1, timeout, env)
        if not Expectation.of(obs.signature).met_by(raw.signature):
            raise NotInteresting(
                f"{where}: the redacted IR no longer shows the failure of the original",
                "remove the private strings from the IR by hand and retry",
            )
    return obs


def _original(original: Path | None, redactor: Redactor) -> tuple[str | None, str | None]:
    """(name in the bundle, redacted text) of the original input; attached only when the user names it: a
    sidecar is never a source of file paths."""
    if original is None:
        return None, None
    suffix = "".join(original.suffixes[-2:]) if original.suffix == ".mlir" else original.suffix
    return "original" + (suffix or ".mlir"), ir_body(redactor.text(read_text(original)))


def _gather(
    given: Artifact, *, original: Path | None, sidecar: dict | None, options: Options, stage: StageSpec | None,
    redactor: Redactor, attempts: int, timeout: float, env: RunEnv = DEFAULT_ENV,
) -> tuple[ReportFacts, str]:
    read = _read_input(given, stage)
    stage = read.stage
    ir = ir_body(redactor.text(read.ir))
    obs = _replay(given.path, read, ir, options, attempts, timeout, env)
    assert obs.signature is not None
    refuse_resource_limit(given.path, obs.signature, read.anomaly, "issue")
    original_name, original_text = _original(original, redactor)
    here = replace(FoundWith.here(stage, options, env), releases=read.found.releases, verdict=read.found.verdict)
    sig = obs.signature
    assert sig is not None
    ir = stage.prepare(ir)
    facts = ReportFacts(
        found=here,
        sig=sig,
        obs=obs,
        ir=ir,
        kernel=kernel_name(ir) or (kernel_name(original_text) if original_text else None),
        original_name=original_name,
        original_text=original_text,
        sidecar=sidecar,
        environment=[(k, redactor.text(v)) for k, v in _environment(here)],
        needles=[n for n in needles(sig, obs.run.stderr) if redactor.text(n) == n],
        test=_upstream_test(stage, ir, options, sig, timeout, env, read.anomaly),
        rates=_rates(stage, ir, options, sig, timeout, env),
        anomaly=read.anomaly,
    )
    return facts, redactor.text(obs.run.stderr)


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
    stage: StageSpec, ir: str, options: Options, sig: Signature, timeout: float, env: RunEnv, anomaly: str | None
) -> UpstreamTest | None:
    """The test ready for the upstream suite, when a single pass shows the bug (else the issue says so)."""
    try:
        return build_test(stage, ir, options, sig, timeout, env, anomaly=anomaly)
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



def _bundle(facts: ReportFacts, stderr: str, tracker: Tracker) -> dict[str, str]:
    """The bundle's files (name -> text), before the leak gate."""
    sig, found = facts.sig, facts.found
    table = known_issues.shipped()
    sig_doc = {
        "signature": sig.to_dict(),
        **found.fields("stage", "tool", "versions", "target", "options"),
        "tracker": facts.stage.tracker,
        "tracker_url": tracker.url,
        "form": {"name": tracker.form.name, "pinned": tracker.form.pinned},
        "known_issues": {"as_of": table.as_of, "matching": [k.url for k in table.matching(sig)]},
        **({"anomaly": facts.anomaly} if facts.anomaly else {}),
        # What is known about the upstream test stays here: upstream test folders hold only tests.
        **({"upstream_test": json.loads(facts.test.about)} if facts.test is not None else {}),
    }
    files = {
        "repro.mlir": render(sig, facts.ir, facts.obs.run.stderr, facts.options, env=facts.env,
                             anomaly=facts.anomaly),
        "stderr.txt": stderr,
        "reproduce.sh": reproduce_script(facts),
        "signature.json": json.dumps(sig_doc, indent=2, sort_keys=True) + "\n",
    }
    if facts.original_name and facts.original_text is not None:
        files[facts.original_name] = facts.original_text
    if facts.test is not None:
        # At the path it belongs to upstream, so the bundle can be unpacked over a checkout.
        files[f"upstream/{facts.test.relative}"] = facts.test.text
        if facts.test.single.ir != facts.ir:
            files["pass-level.mlir"] = facts.test.single.ir
    files["NOTES.md"] = bundle_notes(facts)
    return files


def write_report(
    repro: Path | Artifact,
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
    site: str = "gitcode",
    keep_locations: bool = False,
    include_source: bool = False,
) -> ReportResult:
    """Replay `repro` (a path is read here, once), then write `out_dir/issue.md` and `out_dir/bundle.tar.gz`.

    `out_dir` None means ./report-<signature id>. `attempts` bounds the replays of a repro whose header
    names a signature (flaky crashes). `site` picks the tracker and its form ("gitcode" or "github").
    The kernel's source lines behind the repro (a reduce sidecar's) are printed, and go into the issue only with
    `keep_locations`, redacted like the rest. The launch as `repro.py` (`report.user_script`) is written beside
    the issue when the repro came from a capture unit, and into the bundle only with `include_source`.
    Raises PrivateDataLeft, writing nothing, if redaction falls short.
    """
    given = load(repro) if isinstance(repro, Path) else repro
    redactor = Redactor.for_this_machine(tuple(secrets))
    facts, stderr = _gather(
        given, original=original, sidecar=sidecar, options=options, stage=stage, redactor=redactor,
        attempts=attempts, timeout=timeout, env=env,
    )
    sig = facts.sig
    tracker = tracker_for(facts.stage.tracker, site)
    lines = _triggered_by(sidecar)
    if keep_locations:
        facts.triggered_by = [redactor.text(line) for line in lines]
    out_dir = out_dir if out_dir is not None else Path.cwd() / f"report-{sig.id}"
    issue_text = render_issue(compiler_issue(facts, stderr, tracker))
    script = script_text(sidecar)
    shared = {"repro.py": script} if script is not None and include_source else {}
    files = redacted(redactor, {"issue.md": issue_text, **_bundle(facts, stderr, tracker), **shared})
    issue = files.pop("issue.md")
    bundle = out_dir / "bundle.tar.gz"
    issue_path = out_dir / "issue.md"
    local = {out_dir / "repro.py": script.encode()} if script is not None else {}
    outputs.guard([given.path, sidecar_path(given.path), original], [bundle, issue_path, *local], "report")
    # Both or neither: a full disk must not leave a bundle without its issue.
    atomic.write_many({bundle: _tarball(f"repro-{sig.id}", files), issue_path: issue.encode(), **local})
    return ReportResult(out_dir, issue_path, bundle, sig, facts.stage.tracker, tracker.url, sorted(files), lines)


def _triggered_by(sidecar: dict | None) -> list[str]:
    """`file:line (N ops: ...)  text` from a reduce sidecar's source map, as `reduce` prints them."""
    from reducer.mlir.source_map import Line
    from reducer.reduce.sources import SourceMap

    found = ((sidecar or {}).get("sources") or {}).get("triggered_by") or []
    lines = [Line(str(x.get("file")), int(x.get("line") or 0), int(x.get("ops") or 0),
                  tuple(map(str, x.get("op_names") or ())), x.get("text") if isinstance(x.get("text"), str) else None)
             for x in found if isinstance(x, dict)]
    return SourceMap(lines, 0, 0).shown()
