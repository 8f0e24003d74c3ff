"""What a maintainer would otherwise have to edit in a report: steps that fail in a clean shell, frames with no
module, long or escaped titles, a form out of order, a duplicate not named. Against the real compilers."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from reducer.failure.signature import Signature
from reducer.report.forms import GITCODE_BUG, GITHUB_TRITON_BUG, tracker_for
from reducer.report.known_issues import describe, parse, shipped
from reducer.report.steps import heredoc
from reducer.report.title import TITLE_LIMIT, issue_title, plain
from reducer.repro.suite import all_repros
from reducer.stage.table import ADAPTER
from reducer.stage.toolchain import locate

from conftest import ROOT, run_cli

# An assertion, a bare SIGSEGV and a bishengir diagnostic, with what their stderr must say.
CASES = {
    "adapter/0001-strides-must-not-be-zero.mlir": "strides must not be zero",
    "adapter/0003-sigsegv-in-tritontounstructure.mlir": "Stack dump:",
    "bishengir/0015-hivm-hir-vsort-op-failed-to.mlir": "'hivm.hir.vsort' op failed to verify",
}


def _report(repro: str, out: Path, *extra: str, env: dict[str, str] | None = None) -> str:
    proc = run_cli("report", str(ROOT / "repros" / repro), "-o", str(out), *extra, cwd=out.parent, env=env)
    assert proc.returncode == 0, proc.stderr
    return (out / "issue.md").read_text()


def _section(issue: str, heading: str) -> str:
    """The text under `heading` (a `###` or `####` line) up to the next heading of any level."""
    start = issue.index(heading + "\n") + len(heading) + 1
    following = re.search(r"^#{2,4} ", issue[start:], re.M)
    return issue[start : start + following.start()] if following else issue[start:]


def _sh_blocks(text: str) -> list[str]:
    return re.findall(r"^```sh\n(.*?)\n```$", text, re.M | re.S)


@pytest.mark.slow
@pytest.mark.parametrize("repro", sorted(CASES))
def test_every_step_pasted_into_a_clean_shell_reproduces(repro: str, tmp_path: Path) -> None:
    issue = _report(repro, tmp_path / "r")
    blocks = _sh_blocks(_section(issue, f"### {GITCODE_BUG.fields[2].label}"))
    assert len(blocks) >= 2 and "export PATH=" in blocks[0] and "cat > repro.mlir <<" in blocks[0]
    activate = shlex.quote(str(Path(sys.prefix) / "bin" / "activate"))
    for n, block in enumerate(blocks[1:], 2):
        work = tmp_path / f"shell{n}"
        work.mkdir()
        # `env -i`: nothing of this machine's environment, only the venv activated, as a maintainer would.
        script = f". {activate}\n{blocks[0]}\n{block}\n"
        proc = subprocess.run(["env", "-i", "bash", "--noprofile", "--norc", "-c", script], cwd=work,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode not in (0, 126, 127), (n, block, proc.stderr[-2000:])
        assert CASES[repro] in proc.stderr, (n, block, proc.stderr[-2000:])


@pytest.mark.slow
def test_frames_keep_module_and_offset_when_the_tool_runs_from_a_temp_folder(tmp_path: Path) -> None:
    copy = tmp_path / "tools" / ADAPTER.tool
    copy.parent.mkdir()
    shutil.copy2(locate(ADAPTER).path, copy)
    env = {**os.environ, ADAPTER.override_env: str(copy)}
    issue = _report("adapter/0003-sigsegv-in-tritontounstructure.mlir", tmp_path / "r", env=env)
    frames = re.findall(r"^ *#\d+ 0x[0-9a-f]+ \((.*)\)$", issue, re.M)
    assert frames, issue
    ours = [f for f in frames if ADAPTER.tool in f]
    assert ours and all(re.fullmatch(r"<\w+>/triton-adapter-opt\+0x[0-9a-f]+", f) for f in ours), ours[:5]
    assert "(<tmp>)" not in issue and str(tmp_path) not in issue


@pytest.mark.slow
@pytest.mark.parametrize("repro", sorted(CASES))
def test_both_forms_have_every_field_in_order_and_a_short_plain_title(repro: str, tmp_path: Path) -> None:
    stage = repro.split("/")[0]
    project = "triton-ascend" if stage == "adapter" else "AscendNPU-IR"
    for site in ("gitcode", "github"):
        issue = _report(repro, tmp_path / site, "--tracker", site)
        tracker = tracker_for(project, site)
        title = issue.splitlines()[0].removeprefix("# ")
        assert len(title) <= TITLE_LIMIT and "\\" not in title and "<" not in title, title
        assert title.startswith(tracker.form.title_prefix)
        assert tracker.url in issue
        at = [issue.index(f"### {label}\n") for label in tracker.form.labels()]
        assert at == sorted(at), site
        for field in tracker.form.fields:
            body = _section(issue, f"### {field.label}") if len(field.parts) == 1 else issue.split(
                f"### {field.label}\n", 1)[1]
            assert len(body.strip()) > 20 or not field.required, (site, field.label)
        assert not [h for h in re.findall(r"^### (.*)$", issue, re.M) if h not in tracker.form.labels()]
    github = (tmp_path / "github" / "issue.md").read_text()
    if project == "triton-ascend":  # Triton's own form: every part of the report under its two fields
        assert [h for h in re.findall(r"^### (.*)$", github, re.M)] == GITHUB_TRITON_BUG.labels()
        assert "#### Steps to reproduce" in github and "| Component | Version |" in _section(
            github, "### Environment details")


@pytest.mark.slow
def test_a_report_names_the_known_upstream_issue(tmp_path: Path) -> None:
    issue = _report("adapter/0013-failed-to-legalize-unresolved-materialization-from.mlir", tmp_path / "r")
    head = issue.split("### ")[0]
    assert "Possibly a duplicate of triton-lang/triton-ascend\\#39" in head
    assert "https://github.com/triton-lang/triton-ascend/issues/39" in head
    assert f"as of {shipped().as_of}" in head and "days old" in head
    quiet = _report("adapter/0010-invalid-memref-element-type.mlir", tmp_path / "q")
    assert "No known upstream issue matches this failure" in quiet.split("### ")[0]


# --- the pieces, without the compilers ------------------------------------------------------------


def _sig(**fields: object) -> Signature:
    base = {"stage": "adapter", "outcome": "diagnostic-error", "message": "", "failing_pass": "TritonToLinalg"}
    return Signature(**{**base, **fields})


def test_known_issues_match_by_message_pass_and_stage() -> None:
    table = shipped()
    date.fromisoformat(table.as_of)
    legalize = _sig(message="failed to legalize unresolved materialization from ('memref<?xf32>') to "
                            "'!tt.ptr<f32>' that remained live after conversion")
    assert [k.number for k in table.matching(legalize)][:2] == [39, 2156]
    assert not table.matching(_sig(stage="bishengir", message=legalize.message))  # another tool's words
    assert not table.matching(_sig(message="something no tracker has seen"))
    segv = _sig(outcome="signal", detail="SIGSEGV", failing_pass="TritonToUnstructure")
    assert [k.number for k in table.matching(segv)] == [1258]
    assert not table.matching(_sig(outcome="signal", detail="SIGSEGV", failing_pass="TritonToLinalg"))
    line = describe(table.matching(legalize)[0])
    assert line.startswith("Possibly a duplicate of triton-lang/triton-ascend#39 (issue, open")
    fix = next(k for k in table.issues if k.kind == "pr" and k.state == "merged")
    assert describe(fix).startswith("Possibly")
    assert table.age_days(date.fromisoformat(table.as_of)) == 0


def test_every_shipped_repro_but_a_few_has_a_known_issue_and_the_table_is_well_formed() -> None:
    table = shipped()
    matched = [r for r in all_repros(ROOT / "repros") if table.matching(r.signature)]
    assert len(matched) >= 9
    with pytest.raises((ValueError, KeyError, TypeError)):
        parse({"as_of": "yesterday", "issues": []})
    assert all(k.url.startswith("https://") and k.relation in ("duplicate", "related") for k in table.issues)


def test_titles_are_plain_and_short() -> None:
    long = _sig(message="failed to legalize unresolved materialization from ('memref<<N>x<N>xf32>') to "
                        "'tensor<4x!tt.ptr<f32>>' that remained live after conversion and more words " * 3)
    for prefix in (GITCODE_BUG.title_prefix, GITHUB_TRITON_BUG.title_prefix):
        title = issue_title(prefix, long)
        assert len(title) <= TITLE_LIMIT and title.endswith("…") and "<" not in title and "\\" not in title
    assert plain("op '<sym>' has <N> uses of %<v> in tensor<4x!tt.ptr<f32>>") == "op 'sym' has N uses of %v in tensor"
    bare = _sig(outcome="signal", detail="SIGSEGV", failing_pass="TritonToUnstructure")
    assert issue_title("", bare) == "triton-adapter-opt: SIGSEGV in TritonToUnstructure"


def test_heredoc_terminator_is_never_a_line_of_the_input(tmp_path: Path) -> None:
    text = "a\nEND_OF_INPUT\nEND_OF_INPUT_2\n$(rm -rf ~)\n`x`\n"
    doc = heredoc("repro.mlir", text)
    first, *_, last = doc.splitlines()
    assert first == "cat > repro.mlir <<'END_OF_INPUT_3'" and last == "END_OF_INPUT_3"
    out = subprocess.run(["bash", "-c", doc + "\ncat repro.mlir"], capture_output=True, text=True, cwd=tmp_path)
    assert out.stdout == text
