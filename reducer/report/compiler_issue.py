"""A compiler bug's issue: the sections of both projects' bug-report form (`.gitcode/ISSUE_TEMPLATE/bug-report.yml`),
ready to paste field by field; what the form has no field for goes into the bundle's NOTES.md."""

from __future__ import annotations

import re
import signal

from reducer.failure.classify import first_error_line
from reducer.failure.masks import MASKED
from reducer.failure.outcome import Outcome
from reducer.failure.replay import Observation
from reducer.failure.signature import Signature
from reducer.report import forms, known_issues
from reducer.report.facts import ReportFacts
from reducer.report.forms import Tracker, tracker_for
from reducer.report.issue import (
    FULL_LOG,
    Issue,
    fence,
    md_escape,
)
from reducer.report.steps import steps
from reducer.report.title import issue_title
from reducer.safety.names import code_span, markdown_text
from reducer.stage.run_env import DEFAULT_ENV
from reducer.stage.table import StageSpec, any_noise
from reducer.table import Markdown, markdown_table

ERROR_HEAD_LINES = 12
_MAX_KNOWN = 5


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


def error_head(stderr: str) -> str:
    """The first lines that say what went wrong, plus the pass stack. A crash with no message (a bare SIGSEGV)
    has only its stack dump to say anything: then the dump's first lines are the head."""
    head: list[str] = []
    lines = stderr.splitlines()
    for line in lines:
        if line.startswith("Stack dump:"):
            break
        if not line.strip() or line.startswith("PLEASE submit a bug report") or any_noise(line):
            continue  # noise every run prints (no CANN here, LLVM's bug-report banner)
        head.append(line)
    if not head:
        at = next((i for i, line in enumerate(lines) if line.startswith("Stack dump:")), None)
        head = [ln for ln in lines[at:] if ln.strip()] if at is not None else []
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
        for piece in MASKED.split(text or ""):
            piece = piece.strip()
            if len(piece) >= 4 and piece in flat and piece not in found:
                found.append(piece)
    return found


def _actual_lines(stderr: str, stage: StageSpec) -> str:
    """The raw (unmasked) diagnostic and the crash line: what a maintainer greps their sources for."""
    picked = [first_error_line(stderr, stage) or ""]
    crash = re.search(r"^.*(?:Assertion `.*' failed\.|UNREACHABLE executed.*|LLVM ERROR: .*)$", stderr, re.M)
    if crash:
        picked.append(crash.group(0).strip())
    return "\n".join(line for line in picked if line)


def _expected(stage: StageSpec, outcome: Outcome, facts: ReportFacts) -> str:
    if outcome is Outcome.RESOURCE_LIMIT and facts.anomaly:
        return _anomaly_expected(facts)
    want = stage.expected
    if outcome is Outcome.DIAGNOSTIC:
        parser = stage.parser or stage.tool
        want += f" The input parses and verifies: `{parser} repro.mlir` with no passes exits 0."
    return want


def _anomaly_expected(facts: ReportFacts) -> str:
    """What should happen instead of a resource limit the fit search found anomalous (`reducer.fit.anomaly`)."""
    anomaly, limit = facts.anomaly or "", facts.sig.resource
    space = limit.space if limit else "the target's on-chip memory"
    if "equivalent" in anomaly:
        want = (f"The kernel as written fits in {space}, as its structurally equivalent form does: the same "
                "computation needs the same memory, so the memory plan should not overflow on one form only.")
    elif "smallest" in anomaly:
        want = (f"At its smallest specialisation the kernel fits in {space} (or the compiler names the buffer that "
                "cannot shrink): today no config of this kernel compiles at all.")
    else:
        want = f"The kernel fits in {space}."
    return f"{want} Found by `reducer fit`: {md_escape(anomaly)}."


def _anomaly_current(facts: ReportFacts) -> list[str]:
    """A resource limit is normally the user's config; say why this one is reported."""
    if not facts.anomaly:
        return []
    limit = facts.sig.resource
    figures = f" ({md_escape(limit.describe())})" if limit else ""
    return ["", f"The error is a capacity diagnostic{figures}, normally the kernel's config being too large for the "
                f"target; this one is anomalous: {md_escape(facts.anomaly)}."]


def _origin(facts: ReportFacts) -> list[str]:
    rows: list[str] = []
    if facts.kernel:
        rows.append(f"- Kernel: {code_span(facts.kernel)}")
    car = facts.sidecar or {}
    before, after = car.get("input") or {}, car.get("output") or {}
    if before and after:
        v = markdown_text  # the sidecar's figures are data read back from a file
        rows.append(
            f"- Reduced by `reducer reduce` from {v(before.get('ops', '?'))} ops / {v(before.get('lines', '?'))} lines "
            f"to {v(after.get('ops', '?'))} ops / {v(after.get('lines', '?'))} lines"
            + (f", {v(car['tests'])} tests" if "tests" in car else "")
            + (f"; final check {v(car['final_check'])} runs" if car.get("final_check") else "")
        )
    elif facts.original_text is not None:
        rows.append(
            f"- Size: {len(facts.original_text.splitlines())} lines -> {len(facts.ir.splitlines())} lines"
        )
    if facts.original_name:
        rows.append(f"- Original input: attached as {code_span(facts.original_name)}")
    return rows


def _front_end_note(facts: ReportFacts) -> str | None:
    """Reduction may drop what Triton's front end always emits; say so rather than let it look like the cause."""
    if facts.stage.recognise is None or not facts.kernel:
        return None
    public = re.search(r"\b\w+\.func\s+(?:public\s+)?@", facts.ir) and not re.search(
        r"\b\w+\.func\s+private\s+@[^\n]*\n(?![\s\S]*\b\w+\.func\s+(?:public\s+)?@)", facts.ir
    )
    if not public:
        return (
            "The reduced input has no public kernel function (only private ones); the front end always emits "
            "one. The bug shows all the same."
        )
    lost = [a for a in facts.stage.front_end_attrs if a not in facts.ir]
    if lost:
        return (
            f"The reduced input lacks attributes the front end always emits ({', '.join(f'`{a}`' for a in lost)}); "
            "the bug shows all the same."
        )
    return None



def compiler_issue(facts: ReportFacts, stderr: str, tracker: Tracker | None = None) -> Issue:
    """The issue of a compiler bug in `tracker`'s form (the project's gitcode form by default): one section
    per field, in the form's order; a field holding several parts gives each a subheading."""
    stage, sig = facts.stage, facts.sig
    tracker = tracker or tracker_for(stage.tracker, "gitcode")
    form = tracker.form
    intro = [
        f"File at {tracker.url}, form \"{form.name}\": each section below is one field of the form, under its "
        "own heading. The attached `bundle.tar.gz` holds the inputs, the test for the project's suite, the full "
        "log and `NOTES.md`.",
        *([tracker.note] if tracker.note else []),
        *_elsewhere(tracker, stage),
        *_duplicates(facts),
    ]
    rows = [(Markdown(md_escape(k)), Markdown(md_escape(v).replace("\n", " "))) for k, v in facts.environment]
    parts = {
        forms.CURRENT: _current(facts, stderr),
        forms.ENVIRONMENT: [markdown_table(("Component", "Version"), rows)],
        forms.STEPS: steps(facts),
        forms.EXPECTED: [_expected(stage, Outcome(sig.outcome), facts)],
        forms.LOG: [fence(error_head(stderr) or "(empty stderr)", "text"), "", FULL_LOG],
        forms.NOTES: _notes(facts),
    }
    sections = []
    for field in form.fields:
        lines: list[str] = []
        for part in field.parts:
            if len(field.parts) > 1:
                lines += [f"#### {forms.PART_TITLES[part]}", ""]
            lines += [*parts[part], ""]
        sections.append((f"### {field.label}", lines[:-1]))
    return Issue(issue_title(form.title_prefix, sig), intro, sections, log=stderr)


def _elsewhere(tracker: Tracker, stage: StageSpec) -> list[str]:
    if tracker.site != "gitcode":
        return []
    github = tracker_for(stage.tracker, "github").url.split("/issues")[0]
    return [f"The project's GitHub repository ({github}) takes issues too: `reducer report --tracker github` "
            "writes its form."]


def _duplicates(facts: ReportFacts) -> list[str]:
    """What the known-issues table says of this bug, and how old the table is."""
    table = known_issues.shipped()
    found = table.matching(facts.sig)
    age = f"the known-issues table is as of {table.as_of}, {table.age_days()} days old"
    if not found:
        return [f"No known upstream issue matches this failure ({age}): search the tracker before filing."]
    lines = [f"- {known_issues.describe(k, md_escape)}" for k in found[:_MAX_KNOWN]]
    return ["", *lines, "", f"({age}: search the tracker for newer ones.)"]


def _current(facts: ReportFacts, stderr: str) -> list[str]:
    stage, sig = facts.stage, facts.sig
    where = f" in pass {code_span(sig.failing_pass)}" if sig.failing_pass else ""
    version = facts.versions.get(stage.wheel, "unknown")
    out = [
        f"`{stage.tool}` ({stage.wheel} {version}) fails with *{md_escape(Outcome(sig.outcome).label)}*{where} "
        f"({_status(facts.obs)}) on a {len(facts.ir.splitlines())}-line {stage.input_label} input"
        + (f" (kernel {code_span(facts.kernel)})." if facts.kernel else ".")
    ]
    if facts.rates:
        shown = "; ".join(
            f"{hits}/{runs} runs {'with ' + knob.knob_label() if knob != DEFAULT_ENV else 'without it'}"
            for knob, hits, runs in facts.rates
        )
        out += ["", f"It is nondeterministic (heap corruption is likely): it reproduces {shown}."]
    out += _anomaly_current(facts)
    return out + ["", fence(_actual_lines(stderr, stage) or sig.detail or sig.message or "(no message)", "text")]


def _notes(facts: ReportFacts) -> list[str]:
    stage, sig = facts.stage, facts.sig
    out = _origin(facts)
    if facts.releases:
        tried = ", ".join(f"{stage.wheel} {v}: {o}" for v, o in facts.releases.items())
        out.append(f"- Tested on: {tried}; verdict: {facts.verdict or 'see above'} (`reducer matrix`).")
    else:
        out.append(
            f"- Tested on: {', '.join(f'{k} {v}' for k, v in facts.versions.items())} (the newest releases installed "
            "here); no other release was tried (`reducer matrix --record` adds them)."
        )
    out.append(
        f"- Signature `{sig.id}` (with frames `{sig.strict_id}`), class `{sig.outcome}`; frames, the Triton "
        "override recipe and the other stage's versions are in the bundle's `NOTES.md` and `signature.json`."
    )
    if facts.test is None:
        out.append("- No single pass of the stage shows this bug alone: the full-stage command above is the repro.")
    front = _front_end_note(facts)
    if front:
        out.append(f"- {front}")
    if facts.triggered_by:
        out.append("- Triggered by these lines of the kernel (ops of the repro per line):")
        out += [f"  - {code_span(line)}" for line in facts.triggered_by]
    return out + [
        "- Paths, user and host names, e-mail addresses, IP addresses, internal hosts, tokens and keys were "
        "redacted by `reducer report`.",
    ]


def bundle_notes(facts: ReportFacts) -> str:
    """NOTES.md: what a maintainer may want and the form has no field for."""
    stage, sig = facts.stage, facts.sig
    ext = stage.input_kind  # the stage output Triton dumps and lets TRITON_KERNEL_OVERRIDE replace
    kernel = facts.kernel or "<kernel>"
    out = [
        f"# {sig.id}: {sig.title}",
        "",
        "## Signature",
        "",
        f"- Id `{sig.id}` (strict, with frames: `{sig.strict_id}`); class `{sig.outcome}`; failing pass "
        f"`{sig.failing_pass or 'unknown'}`",
        "- Key message (numbers, SSA names and paths masked):",
        "",
        fence(sig.message or _no_message(sig), "text"),
        "",
        "- Top frames (after the signal handler and the abort path; offsets into the stripped binary, see its "
        "GNU build-id and sha256 in the issue; for a crash with no message, those every run that printed frames "
        "shared: a release build's stack varies from run to run):",
        "",
        fence("\n".join(sig.frames) or "(no stack dump)", "text"),
        "",
        "## Inside a real Triton run",
        "",
        f"Triton can swap in `repro.mlir` for the `{ext}` stage output of the user's own kernel:",
        "",
        f"1. Run the script once with `TRITON_KERNEL_DUMP=1 TRITON_DUMP_DIR=dump TRITON_ALWAYS_COMPILE=1`; the "
        f"kernel's `{ext}` lands in `dump/<hash>/{kernel}.{ext}` (a failing stage writes nothing; its input, the "
        "previous stage's output, is there).",
        f"2. `mkdir -p override/<hash> && cp repro.mlir override/<hash>/{kernel}.{ext}`.",
        "3. Run it again with `TRITON_KERNEL_OVERRIDE=1 TRITON_OVERRIDE_DIR=override TRITON_ALWAYS_COMPILE=1`: "
        f"the compile fails with the same error, tagged `[{stage.log_tag}]`.",
        "",
        "## Versions of every stage tool",
        "",
        *[f"- {k}: {v}" for k, v in facts.versions.items()],
        "",
    ]
    return "\n".join(out)


def _no_message(sig: Signature) -> str:
    if sig.bare and sig.failing_pass:
        return f"(none: a {sig.detail or 'crash'} in {sig.failing_pass}; the signal and that pass identify it)"
    return "(none: the frames identify this crash)"
