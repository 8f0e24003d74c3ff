"""`reducer sweep` on a real no-NPU capture of examples/launch_all.py: grouping, triage, repros, resume."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sweep_run import sweep_script

from reducer.capture.frontend import finding_of
from reducer.cli.sweep import sweep
from reducer.sweep.groups import group_checks
from reducer.sweep.rows import kernel_rows, unit_rows

ROOT = Path(__file__).resolve().parent.parent
LAUNCH_ALL = ROOT / "examples" / "launch_all.py"
ZERO_STRIDE = "29bc26900f9e"  # block_ptr_zero_stride (repeat_row) and block_ptr_zero_stride_batch (add_shared_matrix)
LAUNCHED = {"vector_add", "softmax_row", "repeat_row", "add_shared_matrix", "gated_copy", "accumulate_steps",
            "dot_precision_none"}


def test_grouping_keeps_the_smallest_example_and_every_kernel() -> None:
    entries = [
        {"kernel": "a", "path": "a.ttir", "bytes": 300, "failure": True, "id": "x" * 12, "title": "t",
         "outcome": "assertion", "stage": "adapter"},
        {"kernel": "b", "path": "b.ttir", "bytes": 200, "failure": True, "id": "x" * 12, "title": "t",
         "outcome": "assertion", "stage": "adapter"},
        {"kernel": "c", "path": "c.ttir", "bytes": 100, "failure": True, "id": "y" * 12, "title": "u",
         "outcome": "diagnostic-error", "stage": "adapter"},
        {"kernel": "d", "path": "d.ttir", "bytes": 50, "failure": False, "id": None, "title": "passed",
         "outcome": "passed", "stage": "adapter"},
    ]
    groups = group_checks(entries)
    assert [(g.id, sorted(g.kernels), g.example["kernel"]) for g in groups] == [
        ("x" * 12, ["a", "b"], "b"), ("y" * 12, ["c"], "c")]
    records = [{"kernel": "e", "outcome": "frontend-error", "error": "KeyError: maxnreg", "folder": "e-1"}]
    rows = unit_rows({e["path"]: e for e in entries}, records)
    assert [(r["kernel"], r["outcome"]) for r in rows] == [
        ("a", "failed"), ("b", "failed"), ("c", "failed"), ("d", "passed"), ("e", "frontend-error")]
    kernels = kernel_rows(rows)
    assert kernels["d"]["outcome"] == "passed" and kernels["e"]["outcome"] == "frontend-error"
    assert kernels["a"]["ids"] == ["x" * 12] and kernels["e"]["ids"][0] == finding_of(records[0])[0]


def test_units_of_one_kernel_keep_their_own_outcome() -> None:
    """Two configs of one kernel: the failing one does not hide the passing one (a row per compile unit)."""
    fail = {"kernel": "k", "path": "k-1/k.ttir", "bytes": 9, "failure": True, "id": "z" * 12, "title": "t",
            "outcome": "assertion", "stage": "adapter"}
    ok = {"kernel": "k", "path": "k-2/k.ttir", "bytes": 9, "failure": False, "id": None, "title": "passed",
          "outcome": "passed", "stage": "adapter"}
    records = [
        {"kernel": "k", "outcome": "failed", "folder": "k-1", "files": {"ttir": "k.ttir"}, "constants": {"B": 32}},
        {"kernel": "k", "outcome": "passed", "folder": "k-2", "files": {"ttir": "k.ttir"}, "constants": {"B": 16}},
    ]
    rows = unit_rows({fail["path"]: fail, ok["path"]: ok}, records)
    assert [(r["config"], r["outcome"], r["ids"]) for r in rows] == [
        ("B=16", "passed", []), ("B=32", "failed", ["z" * 12])]
    assert kernel_rows(rows)["k"]["units"] == 2


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    pytest.importorskip("torch")
    return sweep_script(tmp_path_factory.mktemp("sweep"), LAUNCH_ALL, 20)


@pytest.mark.slow
def test_same_bug_in_two_kernels_is_one_signature(swept: dict[str, object]) -> None:
    triage = swept["triage"]
    by_id = {g["id"]: g for g in triage["signatures"]}
    assert set(by_id[ZERO_STRIDE]["kernels"]) == {"repeat_row", "add_shared_matrix"}
    assert by_id[ZERO_STRIDE]["example"]["kernel"] == "repeat_row"  # the smaller input


@pytest.mark.slow
def test_different_bugs_are_different_signatures(swept: dict[str, object]) -> None:
    triage = swept["triage"]
    owner = {k: g["id"] for g in triage["signatures"] for k in g["kernels"]}
    assert len(triage["signatures"]) == 3
    assert owner["gated_copy"] != owner["accumulate_steps"]
    assert len({owner["gated_copy"], owner["accumulate_steps"], owner["repeat_row"]}) == 3


@pytest.mark.slow
def test_triage_names_every_kernel_and_saves_repros(swept: dict[str, object]) -> None:
    out, repros, triage = swept["out"], swept["repros"], swept["triage"]
    md = (out / "triage.md").read_text()
    for name in LAUNCHED:
        assert name in md, name
    assert (out / "triage.html").is_file()
    kernels = {k["kernel"]: k for k in triage["kernels"]}
    # A launch that only compiles through a shim is still a frontend finding, named by its shim.
    assert kernels["dot_precision_none"]["outcome"] == "frontend-error"
    assert "known incompatibility dot-input-precision-default" in kernels["dot_precision_none"]["note"]
    assert kernels["vector_add"]["outcome"] == "frontend-error" and "drop-maxnreg" in kernels["vector_add"]["note"]
    assert kernels["softmax_row"]["outcome"] == "passed"
    assert triage["summary"]["frontend_errors"] == 2
    for g in triage["signatures"]:
        assert g["status"] == "new", g
        repro = Path(g["repro"])
        assert repro.is_file() and repro.is_relative_to(repros)
        assert f'"id": "{g["id"]}"' in repro.read_text().splitlines()[0]
    assert len(list(repros.rglob("*.mlir"))) == 3


@pytest.mark.slow
def test_rerun_resumes_from_the_state_file(swept: dict[str, object]) -> None:
    out, repros = swept["out"], swept["repros"]
    lines_before = (out / "state.jsonl").read_text().count("\n")
    t0 = time.monotonic()
    result = CliRunner().invoke(sweep, [str(out), "--repros", str(repros), "-j", "2", "-q"])
    seconds = time.monotonic() - t0
    assert result.exit_code == 0, result.output
    triage = json.loads((out / "triage.json").read_text())
    s = triage["summary"]
    assert s["checked"] == 0 and s["resumed"] == s["files"] == 12  # 8 + the two shimmed launches
    assert (out / "state.jsonl").read_text().count("\n") == lines_before  # nothing re-run
    assert [g["status"] for g in triage["signatures"]] == ["new"] * 3  # reductions reused too
    assert seconds < swept["seconds"] / 2
    assert len(list(repros.rglob("*.mlir"))) == 3


@pytest.mark.slow
def test_a_fresh_sweep_finds_the_bugs_known(swept: dict[str, object], tmp_path: Path) -> None:
    out, repros = swept["out"], swept["repros"]
    result = CliRunner().invoke(sweep, [str(out), "-o", str(tmp_path / "again"), "--repros", str(repros), "-q"])
    assert result.exit_code == 0, result.output
    triage = json.loads((tmp_path / "again" / "triage.json").read_text())
    assert triage["summary"]["checked"] == 12
    assert {g["status"] for g in triage["signatures"]} == {"known"}
    assert len(list(repros.rglob("*.mlir"))) == 3  # deduped: nothing new written


@pytest.mark.slow
def test_triage_links_resolve_from_the_triage_folder_and_show_each_reduction(swept: dict[str, object]) -> None:
    out, triage = swept["out"], swept["triage"]
    md, page = (out / "triage.md").read_text(), (out / "triage.html").read_text()
    for g in triage["signatures"]:
        assert (out / g["repro_link"]).resolve() == Path(g["repro"]).resolve()
        assert f"(<{g['repro_link']}>)" in md and f'href="{g["repro_link"]}"' in page
        assert g["tests"] > 0 and g["seconds"] > 0
        before, after = (int(n) for n in g["ops"].split(" -> "))
        assert after < before
        assert f"{g['ops']} ops, {g['tests']} tests" in md
    assert '<tr class="s-new">' in page and ".s-new{" in page


@pytest.mark.slow
def test_a_repro_deleted_since_the_last_sweep_is_saved_again(swept: dict[str, object], tmp_path: Path) -> None:
    import shutil

    out = tmp_path / "capture"
    shutil.copytree(swept["out"], out)
    repros = tmp_path / "repros"
    shutil.copytree(swept["repros"], repros)
    # The state file names repros of the fixture's suite: point it at the copy, then delete one repro.
    state = out / "state.jsonl"
    state.write_text(state.read_text().replace(str(swept["repros"]), str(repros)))
    victim = next(repros.rglob("0001-*.mlir"))
    victim.unlink()
    result = CliRunner().invoke(sweep, [str(out), "--repros", str(repros), "-q"])
    assert result.exit_code == 0, result.output
    triage = json.loads((out / "triage.json").read_text())
    for g in triage["signatures"]:
        assert Path(g["repro"]).is_file(), g
    assert len(list(repros.rglob("*.mlir"))) == 3


@pytest.mark.slow
def test_units_agree_with_the_capture_and_passes_are_not_compiled_twice(swept: dict[str, object]) -> None:
    out, triage = swept["out"], swept["triage"]
    index = json.loads((out / "index.json").read_text())
    s = triage["summary"]
    assert s["units"] == len(index["kernels"]) == 10 and s["kernels"] == len(LAUNCHED)
    assert len(triage["units"]) == 10
    # Only the four files that failed in the capture ran a compiler again; the eight passes were the capture's.
    assert s["files"] == 12 and s["replayed"] == 4
    assert f"{s['units']} compile units of {s['kernels']} kernels" in swept["output"]
    for row in triage["units"]:
        assert (out / row["folder_link"]).resolve() == Path(row["folder"]).resolve()


@pytest.mark.slow
def test_a_pass_is_replayed_when_the_file_or_the_compiler_changed(swept: dict[str, object], tmp_path: Path) -> None:
    from dataclasses import replace

    from reducer.capture.discovery import discover
    from reducer.failure.outcome import Outcome
    from reducer.stage.toolchain import fingerprint
    from reducer.sweep.reuse import captured_pass

    current = fingerprint()
    ir = next(c for c in discover(swept["out"]) if c.kernel == "softmax_row" and c.kind == "ttir")
    assert captured_pass(ir, current) is Outcome.PASSED
    assert captured_pass(replace(ir, content_sha1="0" * 40), current) is None  # edited since the capture
    assert captured_pass(ir, {**current, ir.stage.name: "another build"}) is None  # another compiler
    failing = next(c for c in discover(swept["out"]) if c.kernel == "gated_copy" and c.kind == "ttir")
    assert captured_pass(failing, current) is None  # a failure is always replayed


@pytest.mark.slow
def test_frontend_findings_have_a_signature_a_row_and_a_report(swept: dict[str, object], tmp_path: Path) -> None:
    from reducer.cli.main import main

    out, triage = swept["out"], swept["triage"]
    findings = {f["incompatibility"]: f for f in triage["frontend"]}
    assert set(findings) == {"drop-maxnreg", "dot-input-precision-default"}
    assert all(f["shimmed"] == 1 and f["units"] == 1 for f in findings.values())
    rows = [r for r in triage["units"] if r["outcome"] == "frontend-error"]
    assert sorted(r["ids"][0] for r in rows) == sorted(f["id"] for f in findings.values())
    assert "## Frontend findings" in (out / "triage.md").read_text()
    folder = findings["drop-maxnreg"]["folders"][0]
    result = CliRunner().invoke(main, ["report", folder, "-o", str(tmp_path / "rep")])
    assert result.exit_code == 0, result.output
    issue = (tmp_path / "rep" / "issue.md").read_text()
    assert findings["drop-maxnreg"]["id"] in issue and "maxnreg=128" in issue and "## Workaround" in issue
    assert str(Path.home()) not in issue and str(out) not in issue
