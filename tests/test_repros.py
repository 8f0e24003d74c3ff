"""repros/ as a lit suite: save, dedupe, lit runs, the fixed-repro lifecycle, and nothing private inside."""

from __future__ import annotations

import getpass
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reducer.failure.signature import Expectation
from reducer.repro.recheck import recheck
from reducer.repro.suite import all_repros, read_repro, save_repro, strip_header
from reducer.stage.options import Options

from conftest import ROOT, example, run_cli

# The `lit` script installed beside this interpreter (the venv need not be activated).
LIT = [str(Path(sys.executable).with_name("lit"))]


def _lit(path: Path) -> subprocess.CompletedProcess[str]:
    # lit must find the root lit.cfg.py: copy suites under the checkout, as repros/ is.
    return subprocess.run([*LIT, "-v", str(path)], capture_output=True, text=True, cwd=ROOT, timeout=600)


@pytest.fixture
def suite() -> Path:
    path = ROOT / "build" / "test-repros" / f"s{os.getpid()}"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_shipped_repros_pass_under_lit() -> None:
    proc = _lit(ROOT / "repros")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"Passed\s*:\s*\d+", proc.stdout)
    assert "Failed" not in proc.stdout


def test_shipped_repros_are_distinct_small_and_cover_both_stages() -> None:
    repros = all_repros(ROOT / "repros")
    assert len(repros) >= 4
    # Distinct bugs: no repro's signature is met by another's (two bare crashes of one pass share an id and
    # are told apart by the frames each always shows).
    for a in repros:
        for b in repros:
            assert a is b or not Expectation.of(a.signature).met_by(b.signature), (a.path.name, b.path.name)
    assert {r.signature.stage for r in repros} == {"adapter", "bishengir"}
    for repro in repros:
        ir_lines = [ln for ln in repro.ir.splitlines() if ln.strip()]
        assert len(ir_lines) <= 15, f"{repro.path.name}: {len(ir_lines)} lines of IR"


def test_no_machine_paths_or_user_names_in_repros() -> None:
    user = getpass.getuser()
    for path in (ROOT / "repros").rglob("*.mlir"):
        text = path.read_text()
        assert not re.search(r"/(?:home|root|tmp|Users|work)/", text), path
        if len(user) > 3 and user != "root":
            assert user not in text, path


def test_save_writes_a_lit_test_and_dedupes(suite: Path, tmp_path: Path) -> None:
    reduced = tmp_path / "bp.mlir"
    assert run_cli("reduce", str(example("block_ptr_zero_stride.ttir")), "-o", str(reduced), "-q",
                   cwd=tmp_path).returncode == 0
    first = save_repro(reduced, suite, Options())
    assert first.status == "new"
    text = first.path.read_text()
    lines = text.splitlines()
    assert lines[0].startswith("// REDUCER-SIGNATURE: {")
    assert any(ln.startswith("// RUN: not --crash triton-adapter-opt %s ") for ln in lines)
    assert "// CHECK: strides must not be zero" in lines
    assert "/" not in re.sub(r"//|%s|%t|[\w.-]+/[\w.-]+", "", "\n".join(ln for ln in lines if "RUN" in ln))
    # The same bug again, from a bigger input: one file stays, the smaller one.
    again = save_repro(example("block_ptr_zero_stride_batch.ttir"), suite, Options())
    assert again.status == "kept-existing" and again.path == first.path
    assert len(list(suite.rglob("*.mlir"))) == 1
    assert _lit(suite).returncode == 0


@pytest.mark.slow
def test_a_smaller_repro_replaces_the_bigger_one(suite: Path, tmp_path: Path) -> None:
    big = save_repro(example("block_ptr_zero_stride_batch.ttir"), suite, Options())
    reduced = tmp_path / "bp.mlir"
    run_cli("reduce", str(example("block_ptr_zero_stride.ttir")), "-o", str(reduced), "-q", cwd=tmp_path)
    small = save_repro(reduced, suite, Options())
    assert small.status == "replaced" and small.path == big.path
    assert len(list(suite.rglob("*.mlir"))) == 1


def test_diagnostic_and_bishengir_repros_use_plain_not(suite: Path) -> None:
    diag = save_repro(example("multi_return_helper_loop.ttir"), suite, Options())
    ub = save_repro(example("ub_overflow_elementwise.ttadapter.mlir"), suite, Options())
    assert "// RUN: not triton-adapter-opt %s" in diag.path.read_text()
    ub_text = ub.path.read_text()
    assert "// RUN: not bishengir-compile %s --target=Ascend910B3" in ub_text
    assert "mix_mode" not in strip_header(ub_text)
    assert "// CHECK: error: ub overflow, requires {{.*}} bits while {{.*}} bits available!" in ub_text
    assert _lit(suite).returncode == 0


def test_a_repro_that_compiles_makes_lit_fail(suite: Path) -> None:
    saved = save_repro(example("block_ptr_zero_stride.ttir"), suite, Options())
    header = [ln for ln in saved.path.read_text().splitlines() if ln.startswith("//")]
    healthy = example("vector_add.ttir").read_text()
    bad = suite / "adapter" / "9999-compiles.mlir"
    bad.write_text("\n".join(header) + "\n\n" + healthy)
    proc = _lit(bad)
    assert proc.returncode != 0
    assert "FAIL" in proc.stdout


def test_recheck_moves_fixed_repros_and_keeps_the_rest(suite: Path) -> None:
    crash = save_repro(example("block_ptr_zero_stride.ttir"), suite, Options())
    diag = save_repro(example("multi_return_helper_loop.ttir"), suite, Options())
    # Simulate a fixed compiler: the IR of this repro now compiles (swap in a healthy kernel).
    repro = read_repro(diag.path)
    header = diag.path.read_text().split("\n\n", 1)[0]
    diag.path.write_text(header + "\n\n" + example("vector_add.ttir").read_text())
    assert repro is not None
    assert _lit(suite).returncode != 0, "a repro that stopped failing must fail under lit"
    entries = recheck(suite)
    by_name = {e.path.name: e for e in entries}
    assert by_name[crash.path.name].reproduces and by_name[crash.path.name].moved_to is None
    fixed = by_name[diag.path.name]
    assert not fixed.reproduces and fixed.moved_to is not None
    assert fixed.moved_to.parent == suite / "fixed" / "adapter" and not diag.path.exists()
    text = fixed.moved_to.read_text()
    assert "// NOTE: fixed:" in text and "not " not in text.split("// RUN:", 1)[1].splitlines()[0]
    assert _lit(suite).returncode == 0, "fixed repros now pass, open ones still reproduce"


def test_save_refuses_ir_that_compiles(tmp_path: Path) -> None:
    proc = run_cli("save", str(example("vector_add.ttir")), "--repros", str(tmp_path / "r"), cwd=tmp_path)
    assert proc.returncode == 3 and "does not fail" in proc.stderr
    assert not (tmp_path / "r").exists()
