"""`reducer report` on the real triton-adapter-opt: no planted string leaks, the bundle reproduces, markdown renders."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from reducer.cli.report import report
from reducer.errors import NotInteresting
from reducer.failure.replay import Replay
from reducer.report.compiler import ReportResult, write_report
from reducer.report.issue import FORM_FIELDS, fence, md_escape
from reducer.repro.suite import HEADER, save_repro
from reducer.safety.leaks import find_leaks
from reducer.safety.redact import Redactor
from reducer.stage.options import Options
from reducer.stage.table import ADAPTER
from reducer.stage.toolchain import locate

from conftest import ROOT, example, run_cli

USER = "zoe-planted"
HOST = "host-planted-42"
HOME = "/home/zoe-planted"
PLANTED = (USER, HOST, HOME)
SECRETS = (USER, HOST)

# The zero-stride block pointer crash (SIGABRT in TritonToLinalg), carrying the planted strings in a
# location, a comment and the kernel's file path.
PLANTED_TTIR = f"""// written by {USER} on {HOST} in {HOME}/src
#loc = loc("{HOME}/k.py":1:1)
module {{
  tt.func public @repeat_row(%arg0: !tt.ptr<f32> loc("{HOME}/k.py":3:0), %arg1: i32) {{
    %c0_i64 = arith.constant 0 : i64 loc(#loc)
    %cst = arith.constant dense<0.000000e+00> : tensor<2x2xf32> loc(#loc)
    %0 = tt.make_tensor_ptr %arg0, [%c0_i64, %c0_i64], [%c0_i64, %c0_i64], [%arg1, %arg1] \
{{order = array<i32: 1, 0>}} : <tensor<2x2xf32>> loc("{HOME}/k.py":7:12)
    tt.store %0, %cst {{boundaryCheck = array<i32: 0, 1>}} : !tt.ptr<tensor<2x2xf32>> loc(#loc)
    tt.return loc(#loc)
  }} loc(#loc)
}} loc(#loc)
"""

# What `reducer reduce` writes next to its output (trimmed to the fields the report reads).
SIDECAR = {
    "input": {"ops": 30, "lines": 30, "bytes": 2114},
    "output": {"ops": 7, "lines": 13, "bytes": 700, "path": f"{HOME}/out/reduced-k.mlir"},
    "tests": 47,
    "cache_hits": 29,
    "seconds": 3.04,
    "final_check": "5/5",
    "pass_level": {"pipeline": ["--pass-pipeline=builtin.module(triton-to-linalg)"], "how": "local reproducer"},
    "options": Options().as_dict(),
}

HEADINGS = [f"### {field}" for field in FORM_FIELDS]  # the bug-report form's fields, in its order


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    """The planted input, under a temp folder named after the planted user and host."""
    folder = tmp_path / "home" / USER / HOST
    folder.mkdir(parents=True)
    path = folder / "k.ttir"
    path.write_text(PLANTED_TTIR)
    return path


@pytest.fixture
def planted_tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """triton-adapter-opt behind a wrapper whose output names the planted user, host and home."""
    real = locate(ADAPTER).path
    wrapper = tmp_path / "home" / USER / "bin" / "triton-adapter-opt"
    wrapper.parent.mkdir(parents=True)
    wrapper.write_text(
        "#!/bin/bash\n"
        f'echo "note: running for {USER}@{HOST} from {HOME}/work" >&2\n'
        f'exec -a {HOME}/{HOST}/triton-adapter-opt "{real}" "$@"\n'
    )
    wrapper.chmod(0o755)
    monkeypatch.setenv("TRITON_ADAPTER_OPT", str(wrapper))
    return wrapper


def _bundle(result: ReportResult) -> dict[str, str]:
    with tarfile.open(result.bundle) as tar:
        members = {}
        for member in tar.getmembers():
            fh = tar.extractfile(member)
            assert fh is not None
            members[member.name] = fh.read().decode()
            assert member.uname == "" and member.gname == "" and member.uid == 0
    return members


def _fresh_env() -> dict[str, str]:
    """A shell as after `pip install triton-ascend`: the venv on PATH, no reducer overrides."""
    env = {k: v for k, v in os.environ.items() if k not in ("TRITON_ADAPTER_OPT", "BISHENGIR_COMPILE", "PYTHONPATH")}
    env["PATH"] = f"{Path(sys.executable).parent}:/usr/bin:/bin"
    return env


# --- redaction -----------------------------------------------------------------------------


def test_planted_strings_reach_the_tool_output(planted: Path, planted_tool: Path) -> None:
    # Guard for the leak tests below: the raw stderr really holds what they must not find.
    obs = Replay(ADAPTER).observe(planted.read_text())
    assert obs.signature is not None and obs.signature.outcome == "assertion"
    for word in PLANTED:
        assert word in obs.run.stderr


def test_nothing_planted_leaks_into_issue_or_bundle(planted: Path, planted_tool: Path, tmp_path: Path) -> None:
    original = planted.with_name("original-k.ttir")
    original.write_text(PLANTED_TTIR + f"// more by {USER} at {HOME}/notes\n")
    result = write_report(
        planted, tmp_path / "out", original=original, sidecar=SIDECAR, options=Options(), secrets=SECRETS
    )
    texts = {"issue.md": result.issue.read_text(), **_bundle(result)}
    upstream = "upstream/ascend/test/Conversion/TritonToLinalg/make_tensor_ptr_store_strides_zero.mlir"
    assert set(result.members) == {"repro.mlir", "stderr.txt", "reproduce.sh", "signature.json", "original.ttir",
                                   "NOTES.md", upstream}  # upstream test folders hold tests only
    assert f"repro-{result.signature.id}/original.ttir" in texts
    for name, text in texts.items():
        for word in PLANTED:
            assert word not in text, f"{word} leaked into {name}"
        assert "/tmp/" not in text and "/root/" not in text, name
        assert "site-packages" not in text, name
    # The redacted stderr still says what went wrong, and the origin comes from the sidecar.
    stderr = texts[f"repro-{result.signature.id}/stderr.txt"]
    assert "strides must not be zero" in stderr and "<redacted>" in stderr
    issue = texts["issue.md"]
    assert "from 30 ops / 30 lines to 7 ops / 13 lines, 47 tests" in issue
    assert "kernel `repeat_row`" in issue
    assert find_leaks(result.out_dir, SECRETS) == []


def test_home_paths_are_redacted_without_secrets(planted: Path, tmp_path: Path) -> None:
    result = write_report(planted, tmp_path / "out", original=None, sidecar=None, options=Options())
    for text in [result.issue.read_text(), *_bundle(result).values()]:
        assert HOME not in text
        assert 'loc("k.py"' in text or "loc(" not in text


def test_report_refuses_to_write_private_data(planted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A redactor that forgets to redact must not let the report through.
    monkeypatch.setattr(Redactor, "text", lambda self, text: text)
    from reducer.report.compiler import PrivateDataLeft

    with pytest.raises(PrivateDataLeft):
        write_report(planted, tmp_path / "out", original=None, sidecar=None, options=Options(), secrets=SECRETS)
    assert not (tmp_path / "out" / "issue.md").exists()


# --- the bundle reproduces -----------------------------------------------------------------


@pytest.fixture
def clean_report(planted: Path, tmp_path: Path) -> ReportResult:
    return write_report(
        planted, tmp_path / "report", original=planted, sidecar=SIDECAR, options=Options(), secrets=SECRETS
    )


def _unpack(result: ReportResult, dest: Path) -> Path:
    dest.mkdir()
    with tarfile.open(result.bundle) as tar:
        tar.extractall(dest, filter="data")
    return dest / f"repro-{result.signature.id}"


def test_reproduce_sh_reproduces_from_a_fresh_folder(clean_report: ReportResult, tmp_path: Path) -> None:
    folder = _unpack(clean_report, tmp_path / "fresh")
    assert os.access(folder / "reproduce.sh", os.X_OK)
    proc = subprocess.run(
        ["bash", str(folder / "reproduce.sh")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_fresh_env(),
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"REPRODUCED {clean_report.signature.id}" in proc.stdout


def test_reproduce_sh_says_no_when_the_bug_is_gone(clean_report: ReportResult, tmp_path: Path) -> None:
    folder = _unpack(clean_report, tmp_path / "fresh")
    shutil.copy(example("vector_add.ttir"), folder / "repro.mlir")  # a kernel that compiles
    proc = subprocess.run(
        ["bash", str(folder / "reproduce.sh")], capture_output=True, text=True, env=_fresh_env(), timeout=120
    )
    assert proc.returncode == 1, proc.stdout
    assert "NOT REPRODUCED" in proc.stdout


def test_reproduce_sh_reports_a_missing_tool(clean_report: ReportResult, tmp_path: Path) -> None:
    folder = _unpack(clean_report, tmp_path / "fresh")
    env = _fresh_env()
    env["PYTHON"] = "/bin/false"
    env["PATH"] = "/usr/bin:/bin"
    proc = subprocess.run(["bash", str(folder / "reproduce.sh")], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 2 and "not found" in proc.stderr


def test_bundle_repro_is_a_lit_file_with_the_signature(clean_report: ReportResult) -> None:
    members = _bundle(clean_report)
    sid = clean_report.signature.id
    repro = members[f"repro-{sid}/repro.mlir"]
    assert repro.startswith(HEADER) and "// RUN: not --crash triton-adapter-opt %s" in repro
    assert json.loads(members[f"repro-{sid}/signature.json"])["signature"]["id"] == sid


# --- --check -------------------------------------------------------------------------------


def test_check_passes_a_clean_report_and_fails_planted_paths(clean_report: ReportResult, tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(report, ["--check", str(clean_report.out_dir), "--secret", USER, "--secret", HOST])
    assert ok.exit_code == 0, ok.output
    dirty = tmp_path / "notes.md"
    dirty.write_text(f"crash log at {HOME}/logs/run.txt\n")
    bad = runner.invoke(report, ["--check", str(dirty)])
    assert bad.exit_code == 1
    assert HOME in bad.output
    # A planted word inside a bundle member is found too.
    bundle = tmp_path / "bad.tar.gz"
    with tarfile.open(bundle, "w:gz") as tar:
        tar.add(dirty, arcname="notes.md")
    bad = runner.invoke(report, ["--check", str(bundle)])
    assert bad.exit_code == 1 and "bad.tar.gz:notes.md" in bad.output


def test_check_of_a_missing_path_is_bad_input(tmp_path: Path) -> None:
    res = CliRunner().invoke(report, ["--check", str(tmp_path / "nope")])
    assert res.exit_code == 3
    assert res.output.startswith("reducer: error: ")


# --- markdown ------------------------------------------------------------------------------


def _fences_balanced(text: str) -> bool:
    """CommonMark fences: a block opened by N backticks closes on a line of at least N backticks."""
    open_len = 0
    for line in text.splitlines():
        m = re.match(r"^(`{3,})(\w*)\s*$", line)
        if not m:
            continue
        if open_len == 0:
            open_len = len(m.group(1))
        elif len(m.group(1)) >= open_len and not m.group(2):
            open_len = 0
    return open_len == 0


def _outside_code(text: str) -> str:
    kept, fenced = [], False
    for line in text.splitlines():
        if re.match(r"^`{3,}", line):
            fenced = not fenced
            continue
        if not fenced:
            kept.append(re.sub(r"`[^`]*`", "", line))
    return "\n".join(kept)


def _stray_tags(issue: str) -> list[str]:
    """Outside code, every `<` must be escaped or one of our own tags: C++ templates would vanish otherwise."""
    prose = _outside_code(issue)
    return [m.group(0) for m in re.finditer(r"(?<!\\)<(?!/?(?:details|summary)>)\S*", prose)]


def test_issue_markdown_renders_cleanly(clean_report: ReportResult) -> None:
    issue = clean_report.issue.read_text()
    first = issue.splitlines()[0]
    assert first.startswith("# [Bug-Report|缺陷反馈]: ") and "strides must not be zero" in first
    positions = [issue.index(h + "\n") for h in HEADINGS]
    assert positions == sorted(positions)
    assert _fences_balanced(issue)
    assert "cat > repro.mlir <<'END_OF_INPUT'\n" in issue and "tt.make_tensor_ptr" in issue
    assert issue.count("<details>") == issue.count("</details>") >= 1
    assert re.search(r"<details>\n<summary>[^<]+</summary>\n\n```", issue)
    assert _stray_tags(issue) == []
    assert "File at https://gitcode.com/Ascend/triton-ascend/issues" in issue and "--tracker github" in issue
    assert "triton-adapter-opt repro.mlir \\\n  '--discrete-mask-access-conversion" in issue
    assert "triton-adapter-opt --triton-to-linalg repro.mlir" in issue  # the single pass comes first
    assert issue.index("--triton-to-linalg repro.mlir") < issue.index("'--discrete-mask-access-conversion")
    head = issue.split("<details>")[0]
    assert len(head.splitlines()) < 200
    for fact in ("sha256", "GNU build-id", "Optimized build with assertions", "manylinux", "no NPU, no CANN"):
        assert fact in head, fact
    for noise in ("PLEASE submit a bug report", "TRITON_KERNEL_OVERRIDE", "bishengir-compile", "+0x"):
        assert noise not in head, noise
    notes = _bundle(clean_report)[f"repro-{clean_report.signature.id}/NOTES.md"]
    assert "TRITON_KERNEL_OVERRIDE=1" in notes and "override/<hash>/repeat_row.ttir" in notes


def test_fence_and_escape_helpers() -> None:
    body = "a ``` inside\n````"
    block = fence(body, "text")
    assert block.startswith("`````text\n") and block.endswith("\n`````")
    assert _fences_balanced(block)
    assert md_escape("Foo<long>::get(A *, B &&) x_y") == r"Foo\<long\>::get(A \*, B &&) x\_y"


# --- inputs --------------------------------------------------------------------------------


def test_saved_repro_file_reports_with_its_header_target(planted: Path, tmp_path: Path) -> None:
    saved = save_repro(planted, tmp_path / "repros", options=Options(target="Ascend910B1"))
    res = CliRunner().invoke(report, [str(saved.path), "-o", str(tmp_path / "r")])
    assert res.exit_code == 0, res.output
    issue = (tmp_path / "r" / "issue.md").read_text()
    assert "| Target | Ascend910B1 |" in issue
    assert "--target" not in issue.split("### Describe the expected")[0].split("### Steps")[1]  # adapter: no --target


def test_header_signature_must_still_match(planted: Path, tmp_path: Path) -> None:
    saved = save_repro(planted, tmp_path / "repros", Options())
    lines = saved.path.read_text().splitlines(keepends=True)
    header = json.loads(lines[0][len(HEADER) :])
    header["message"] = "some other bug"
    lines[0] = HEADER + json.dumps(header) + "\n"
    saved.path.write_text("".join(lines))
    with pytest.raises(NotInteresting, match="not its header's"):
        write_report(saved.path, tmp_path / "r", original=None, sidecar=None, options=Options(), attempts=1)


def test_passing_ir_is_bad_input(tmp_path: Path) -> None:
    res = CliRunner().invoke(report, [str(example("vector_add.ttir")), "-o", str(tmp_path / "r")])
    assert res.exit_code == 3
    assert "does not fail" in res.output
    assert not (tmp_path / "r").exists()


def test_sidecar_next_to_the_repro_and_default_folder(
    planted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reduced = tmp_path / "reduced-k.mlir"
    reduced.write_text(PLANTED_TTIR)
    Path(str(reduced) + ".json").write_text(
        json.dumps({**SIDECAR, "input": {**SIDECAR["input"], "path": str(planted)}})
    )
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(report, [str(reduced), "--secret", USER, "--secret", HOST])
    assert res.exit_code == 0, res.output
    out = next(tmp_path.glob("report-*"))
    issue = (out / "issue.md").read_text()
    assert "47 tests" in issue
    # A sidecar is never a source of file paths: the original is attached only when named with --input.
    assert "original" not in _bundle_names(out) and "Original input" not in issue


def test_bishengir_bug_goes_to_ascendnpu_ir(tmp_path: Path) -> None:
    result = write_report(
        example("sort_int64.ttadapter.mlir"),  # a bishengir bug (a ub overflow is none: report refuses it)
        tmp_path / "r",
        original=None,
        sidecar=None,
        options=Options(),
    )
    issue = result.issue.read_text()
    assert result.tracker == "AscendNPU-IR" and "File at https://gitcode.com/Ascend/AscendNPU-IR/issues" in issue
    assert "bishengir-compile repro.mlir \\\n  --target=Ascend910B3" in issue
    assert "bishengir-opt --convert-hfusion-to-hivm pass-level.mlir" in issue
    assert "`bishengir-opt repro.mlir` with no passes exits 0" in issue  # the parse check's own tool
    notes = _unpack(result, tmp_path / "n").joinpath("NOTES.md").read_text()
    assert "override/<hash>/sort_keys.ttadapter" in notes
    assert "Cannot find hivmc" not in issue.split("<details>")[0]  # noise stays out of the trimmed error
    assert _fences_balanced(issue)
    assert "<N>" in result.signature.title and _stray_tags(issue) == []  # masks leave the title as words
    assert "<N>" not in issue.splitlines()[0] and "\\" not in issue.splitlines()[0]
    folder = _unpack(result, tmp_path / "fresh")
    proc = subprocess.run(
        ["bash", str(folder / "reproduce.sh")], capture_output=True, text=True, env=_fresh_env(), timeout=300
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _bundle_names(out: Path) -> str:
    import tarfile

    with tarfile.open(out / "bundle.tar.gz") as tar:
        return " ".join(tar.getnames())


@pytest.mark.parametrize(
    "repro",
    [
        "adapter/0001-strides-must-not-be-zero.mlir",  # an assertion
        "adapter/0003-sigsegv-in-tritontounstructure.mlir",  # a bare SIGSEGV
        "bishengir/0015-hivm-hir-vsort-op-failed-to.mlir",  # a bishengir diagnostic
    ],
)
def test_issue_fills_every_form_field_with_right_facts(repro: str, tmp_path: Path) -> None:
    proc = run_cli("report", str(ROOT / "repros" / repro), "-o", str(tmp_path / "r"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    issue = (tmp_path / "r" / "issue.md").read_text()
    head = issue.split("<details>")[0]
    assert len(head.splitlines()) < 200
    assert issue.startswith("# [Bug-Report|缺陷反馈]: ")
    sections = [issue.index(f"### {field}\n") for field in FORM_FIELDS]
    assert sections == sorted(sections)
    for start, end in zip(sections, [*sections[1:], len(issue)], strict=True):
        body = issue[start:end].split("\n", 1)[1].strip()
        assert len(body) > 20, issue[start:end]  # every field has content
    log = issue[sections[4] : sections[5]]
    assert "(empty stderr)" not in log and "Stack dump" in log or "error:" in log
    for fact in ("sha256", "no NPU, no CANN", "| Target | Ascend910B3 |"):
        assert fact in head
    if repro.startswith("bishengir"):
        assert "`bishengir-opt repro.mlir` with no passes exits 0" in head  # the tool the parse check ran
        assert "bishengir-opt --convert-hfusion-to-hivm repro.mlir" in head
    else:
        assert "triton-adapter-opt --triton-" in head
    with tarfile.open(tmp_path / "r" / "bundle.tar.gz") as tar:
        names = tar.getnames()
    assert any("/upstream/" in n and n.endswith(".mlir") for n in names)
