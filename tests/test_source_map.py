"""The source lines behind a repro: the original's locations aligned with the reduced ops, shown by reduce and
kept in its sidecar and in a sweep's triage; never in the repro."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from xdsl.dialects.builtin import CallSiteLoc, FileLineColLoc, IntAttr, StringAttr

from reducer.mlir.source_map import OpEntry, Site, align, site_of, triggered_by, user_line

from conftest import ROOT, run_cli

KERNELS = ROOT / "bench" / "shapes" / "kernels.py"


def _line_of(text: str) -> int:
    return next(i for i, line in enumerate(KERNELS.read_text().splitlines(), 1) if text in line)


def _loc(file: str, line: int) -> FileLineColLoc:
    return FileLineColLoc(StringAttr(file), IntAttr(line), IntAttr(1))


def test_an_inlined_library_op_counts_at_the_users_call() -> None:
    site = site_of(CallSiteLoc(_loc("/x/site-packages/triton/language/standard.py", 267), _loc("k.py", 9)))
    assert site is not None and user_line(site) == ("k.py", 9)
    assert user_line(Site("k.py", 4, 2)) == ("k.py", 4)


def test_alignment_follows_order_and_names_and_skips_new_ops() -> None:
    before = [OpEntry(n, (1, 1), Site("k.py", i, 0), "f") for i, n in
              enumerate(["tt.splat", "tt.addptr", "tt.load", "arith.addf", "tt.load", "tt.store"], 1)]
    after = [OpEntry(n, (1, 1), None, "f") for n in ["tt.addptr", "arith.constant", "tt.load", "tt.store"]]
    sites = align(before, after)
    assert [s.line if s else None for s in sites] == [2, None, 3, 6]
    lines = triggered_by(after, sites)
    assert [(x.line, x.ops) for x in lines] == [(2, 1), (3, 1), (6, 1)]


@pytest.mark.slow
def test_reduce_names_the_kernel_lines_behind_its_result(tmp_path: Path) -> None:
    ir = tmp_path / "gather_pointer_select.ttir"
    shutil.copy(ROOT / "bench" / "shapes" / "gather_pointer_select.ttir", ir)
    out = tmp_path / "out.mlir"
    proc = run_cli("reduce", str(ir), "-o", str(out), "-j", "2", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    where = _line_of("src = tl.where(pick")
    assert f"triggered by  bench/shapes/kernels.py:{where} " in proc.stdout and "tl.where(" in proc.stdout
    sources = json.loads(out.with_name("out.mlir.json").read_text())["sources"]
    first = sources["triggered_by"][0]
    assert (first["line"], first["op_names"]) == (where, ["tt.splat", "arith.select"])
    assert first["text"].strip().startswith("src = tl.where(")
    assert sources["ops_mapped"] >= sources["ops"] - 1
    assert "loc(" not in out.read_text() and "kernels.py" not in out.read_text()  # never in the repro


@pytest.mark.slow
def test_report_prints_the_lines_and_writes_them_only_when_asked(tmp_path: Path) -> None:
    ir = tmp_path / "gather_pointer_select.ttir"
    shutil.copy(ROOT / "bench" / "shapes" / "gather_pointer_select.ttir", ir)
    out = tmp_path / "out.mlir"
    assert run_cli("reduce", str(ir), "-o", str(out), "-j", "2", cwd=ROOT).returncode == 0
    plain = run_cli("report", str(out), "-o", str(tmp_path / "r1"), cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    assert "triggered by bench/shapes/kernels.py:" in plain.stdout
    assert "kernels.py" not in (tmp_path / "r1" / "issue.md").read_text()
    kept = run_cli("report", str(out), "-o", str(tmp_path / "r2"), "--keep-locations", cwd=tmp_path)
    assert kept.returncode == 0, kept.stderr
    issue = (tmp_path / "r2" / "issue.md").read_text()
    assert "Triggered by these lines of the kernel" in issue and f"kernels.py:{_line_of('src = tl.where(')}" in issue
