"""issue.md: the upstream issue, in the four parts maintainers ask for (input, command, error, versions)."""

from __future__ import annotations

import re
import shlex
import signal

from reducer.npu_options import Options
from reducer.outcome import Outcome, first_error_line
from reducer.replay import Observation
from reducer.report_facts import ReportFacts
from reducer.repros import run_line
from reducer.signature import Signature
from reducer.stages import StageSpec, any_noise

# GitHub refuses issue bodies over 65,536 characters; the full log always stays in the bundle.
ISSUE_LIMIT = 60_000
# An IR longer than this is folded away in issue.md (it was probably not reduced).
FOLD_IR_LINES = 200
ERROR_HEAD_LINES = 12
_MASKS = re.compile(r"<N>|%<v>|@<sym>|<addr>|<tmp>")


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


def command_line(stage: StageSpec, options: Options, input_name: str = "repro.mlir") -> str:
    """The exact command with a bare tool name, one flag per line."""
    args = [shlex.quote(a) for a in stage.args(options)]
    out = args[-2:]
    lines = [f"{stage.tool} {input_name}"] + args[:-2] + [" ".join(out)]
    return " \\\n  ".join(lines)


def error_head(stderr: str) -> str:
    """The first lines that say what went wrong, plus the pass stack; no frames (the signature has them)."""
    head: list[str] = []
    for line in stderr.splitlines():
        if line.startswith("Stack dump:"):
            break
        if not line.strip() or line.startswith("PLEASE submit a bug report") or any_noise(line):
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


def _actual_lines(stderr: str, stage: StageSpec) -> str:
    """The raw (unmasked) diagnostic and the crash line: what a maintainer greps their sources for."""
    picked = [first_error_line(stderr, stage) or ""]
    crash = re.search(r"^.*(?:Assertion `.*' failed\.|UNREACHABLE executed.*|LLVM ERROR: .*)$", stderr, re.M)
    if crash:
        picked.append(crash.group(0).strip())
    return "\n".join(line for line in picked if line)


def _expected(stage: StageSpec, outcome: Outcome) -> str:
    want = stage.expected
    if outcome is Outcome.DIAGNOSTIC:
        parser = stage.parser or stage.tool
        want += f" The input parses and verifies: `{parser} repro.mlir` with no passes exits 0."
    return want


def _origin(facts: ReportFacts) -> list[str]:
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


def render_issue(facts: ReportFacts, stderr: str) -> str:
    stage, sig, opts = facts.stage, facts.sig, facts.options
    outcome = Outcome(sig.outcome)
    ext = stage.input_kind  # the stage output Triton dumps and lets TRITON_KERNEL_OVERRIDE replace
    kernel = facts.kernel or "<kernel>"
    out: list[str] = [f"# {md_escape(sig.title)}", ""]
    out.append(
        f"**Tracker:** {stage.tracker} ({stage.tracker_url}; stage `{stage.name}`: `{stage.tool}`). "
        f"**Signature:** `{sig.id}`."
    )
    out.append("")
    size = f"{len(facts.ir.splitlines())}-line"
    out.append(
        f"`{stage.tool}` ({stage.wheel} {facts.versions.get(stage.wheel, 'unknown')}) fails with "
        f"*{md_escape(outcome.label)}* on a {size} {stage.input_label} input"
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
        f"`{stage.tool}` ships in the `{stage.wheel}` wheel as `{stage.package}/{stage.path_in_package}`. "
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
        f"the kernel's `{ext}` lands in `dump/<hash>/{kernel}.{ext}` (a failing stage writes nothing; its "
        "input, the previous stage's output, is there).",
        f"2. Copy the reduced IR over the dumped one, keeping the hash folder: "
        f"`mkdir -p override/<hash> && cp repro.mlir override/<hash>/{kernel}.{ext}`.",
        "3. Run the script again with `TRITON_KERNEL_OVERRIDE=1 TRITON_OVERRIDE_DIR=override "
        f"TRITON_ALWAYS_COMPILE=1`: the compile fails with the same error, tagged "
        f"`[{stage.log_tag}]`.",
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
        fence(_actual_lines(stderr, stage) or sig.detail or sig.message or "(no message)", "text"),
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
        "Paths, user and host names, e-mail addresses, IP addresses, internal hosts, tokens and keys were redacted by "
        "`reducer report`.",
        "",
    ]
    text = "\n".join(out)
    room = ISSUE_LIMIT - len(text)
    log = stderr
    if len(log) > room - 200:
        cut = max(0, room - 400)
        log = log[:cut] + f"\n... ({len(stderr) - cut} more characters in stderr.txt)"
    return text.replace("{FULL_LOG}", details("Full stderr", fence(log, "text")))
