"""Hostile inputs, against the real compilers: nothing planted runs, no input changes, no repro is lost, a
bad input is one line and the right exit code, and --max-time is a deadline.

(Secrets in inputs: tests/test_secrets.py. Faults of the compiler and of the tool's own process: signals,
hangs, floods: tests/test_faults.py.)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from reducer.errors import InputError
from reducer.repro.lit_setup import ensure_config
from reducer.repro.suite import all_repros
from reducer.safety.lit_safe import ir_body, planted

from conftest import example, run_cli

LIT = str(Path(sys.executable).with_name("lit"))
MARK = "planted"


def hostile_ir() -> str:
    """The zero-stride crash with lit and FileCheck directives planted everywhere IR text can hold them."""
    src = example("block_ptr_zero_stride.ttir").read_text()
    src = src.replace(
        "module {",
        f"// RUN: touch %s.{MARK}1\n  /// RUN: touch %s.{MARK}2\n//RUN: touch %s.{MARK}3\n// XFAIL: *\n"
        "// UNSUPPORTED: true\n// CHECK: nothing-like-this\n// END.\nmodule {",
        1,
    )
    src = src.replace("tt.return loc(#loc9)", f"tt.return loc(#loc9) // RUN: touch %s.{MARK}4")
    src = src.replace("@repeat_row(", f'@"repeat_row RUN: touch %s.{MARK}5 XFAIL: * CHECK: no"(', 1)
    return src.replace('#loc = loc("examples', f'#loc = loc("RUN: touch %s.{MARK}6 examples', 1)


def _lit(folder: Path) -> subprocess.CompletedProcess[str]:
    ensure_config(folder)
    return subprocess.run([LIT, "-v", str(folder)], capture_output=True, text=True, timeout=300)


def _planted_files(*folders: Path) -> list[Path]:
    return [p for f in folders for p in f.rglob(f"*{MARK}*") if p.is_file() and p.suffix != ".ttir"]


# --- 1. planted directives ------------------------------------------------------------------------


def test_planted_directives_never_reach_a_saved_repro(tmp_path: Path) -> None:
    src = tmp_path / "hostile.ttir"
    src.write_text(hostile_ir())
    before = src.read_bytes()
    proc = run_cli("save", str(src), "--repros", str(tmp_path / "suite"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    [repro] = all_repros(tmp_path / "suite")
    assert planted(repro.path.read_text()) == []
    lit = _lit(tmp_path / "suite")
    assert lit.returncode == 0 and "PASS: " in lit.stdout and "XPASS" not in lit.stdout, lit.stdout
    assert _planted_files(tmp_path) == []
    assert src.read_bytes() == before


def test_planted_directives_never_reach_a_report_bundle(tmp_path: Path) -> None:
    src = tmp_path / "hostile.ttir"
    src.write_text(hostile_ir())
    proc = run_cli("report", str(src), "-o", str(tmp_path / "rep"), "--input", str(src), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    with tarfile.open(tmp_path / "rep" / "bundle.tar.gz") as tar:
        members = {m.name.split("/", 1)[1]: tar.extractfile(m).read().decode() for m in tar.getmembers()}
    assert planted(members["repro.mlir"]) == [] and planted(members["original.ttir"]) == []
    suite = tmp_path / "bundle-as-suite"
    suite.mkdir()
    (suite / "repro.mlir").write_text(members["repro.mlir"])
    lit = _lit(suite)
    assert lit.returncode == 0 and "PASS: " in lit.stdout and "XPASS" not in lit.stdout, lit.stdout
    assert _planted_files(tmp_path) == []
    assert run_cli("report", "--check", str(tmp_path / "rep"), cwd=tmp_path).returncode == 0


def test_a_directive_outside_strings_is_renamed_by_the_printer_or_refused(tmp_path: Path) -> None:
    text = example("block_ptr_zero_stride.ttir").read_text()
    text = text.replace("tt.return loc(#loc9)", "cf.br ^RUN\n  ^RUN:\n    tt.return loc(#loc9)")
    src = tmp_path / "label.ttir"
    src.write_text(text)
    proc = run_cli("save", str(src), "--repros", str(tmp_path / "suite"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr  # the tool's printer names blocks ^bb0, ^bb1...
    [repro] = all_repros(tmp_path / "suite")
    assert planted(repro.path.read_text()) == []
    with pytest.raises(InputError, match="directive outside any string"):
        ir_body(text)  # unprinted, the label could not be neutralised: refused


# --- 2. sidecars are validated, never a source of paths --------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"sync_solver": "true;touch %s.x;echo"},
        {"force_simt_template": "true\ttouch x"},
        {"tile_mix_vector_loop": "1 | touch x"},
        {"no_such_option": True},
        {"target": "Ascend910B3; touch x"},
    ],
)
def test_a_hostile_sidecar_is_one_line_and_changes_nothing(tmp_path: Path, options: dict[str, object]) -> None:
    src = tmp_path / "k.mlir"
    src.write_text(example("block_ptr_zero_stride.ttir").read_text())
    (tmp_path / "k.mlir.json").write_text(json.dumps({"stage": "adapter", "options": options}))
    for args in (["save", str(src), "--repros", str(tmp_path / "suite")], ["check", str(src)],
                 ["report", str(src), "-o", str(tmp_path / "r")]):
        proc = run_cli(*args, cwd=tmp_path)
        assert proc.returncode in (2, 3), proc.stdout + proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert not (tmp_path / "suite").exists() and not (tmp_path / "r").exists()
    assert not list(tmp_path.rglob("*.x")) and not (tmp_path / "x").exists()


def test_a_sidecar_cannot_attach_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "private.ttir"
    secret.write_text(example("vector_add.ttir").read_text() + "// private-marker-text\n")
    src = tmp_path / "k.mlir"
    src.write_text(example("block_ptr_zero_stride.ttir").read_text())
    (tmp_path / "k.mlir.json").write_text(json.dumps({"stage": "adapter", "input": {"path": str(secret)}}))
    proc = run_cli("report", str(src), "-o", str(tmp_path / "r"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    with tarfile.open(tmp_path / "r" / "bundle.tar.gz") as tar:
        names = tar.getnames()
        texts = [tar.extractfile(m).read().decode() for m in tar.getmembers() if m.isfile()]
    assert not any("original" in n for n in names) and not any("private-marker-text" in t for t in texts)


# --- 4. no input is ever written -------------------------------------------------------------------


def test_reduce_refuses_to_write_any_input(tmp_path: Path) -> None:
    crash = example("block_ptr_zero_stride.ttir").read_text()
    level = tmp_path / "a.pass-level.mlir"
    level.write_text(crash)
    json_named = tmp_path / "k.mlir.json"
    json_named.write_text(crash)
    cases = [
        (level, tmp_path / "a.mlir"),  # a.mlir's pass-level output is a.pass-level.mlir
        (json_named, tmp_path / "k.mlir"),  # k.mlir's sidecar is k.mlir.json
        (level, level),
    ]
    for src, out in cases:
        before = src.read_bytes()
        proc = run_cli("reduce", str(src), "-o", str(out), "-q", cwd=tmp_path)
        assert proc.returncode == 2 and "which is its input" in proc.stderr, proc.stderr
        assert src.read_bytes() == before
    link = tmp_path / "hard.mlir"
    os.link(level, link)
    proc = run_cli("reduce", str(level), "-o", str(link), "-q", cwd=tmp_path)
    assert proc.returncode == 2 and level.read_text() == crash


# --- 5. concurrency --------------------------------------------------------------------------------

# Six different bugs; two of them share a slug (the same assertion text in two different places).
SIX = ["block_ptr_zero_stride.ttir", "nested_if_return.ttir", "nested_if_return_merge.ttir",
       "multi_return_helper_loop.ttir", "pointer_to_int_store.ttir", "noinline_scalar_helper.ttir"]


@pytest.mark.slow
def test_six_concurrent_saves_lose_nothing(tmp_path: Path) -> None:
    for round_ in range(10):
        suite = tmp_path / f"suite{round_}"
        with ThreadPoolExecutor(6) as pool:
            procs = list(pool.map(lambda n, s=suite: run_cli("save", str(example(n)), "--repros", str(s),
                                                            cwd=tmp_path), SIX))
        assert all(p.returncode == 0 and "saved" in p.stdout for p in procs), [p.stderr for p in procs]
        files = sorted(suite.rglob("*.mlir"))
        numbers = [f.name[:4] for f in files]
        assert len(files) == 6 and len(set(numbers)) == 6, files
        assert len({r.signature.id for r in all_repros(suite)}) == 6


@pytest.mark.slow
def test_a_second_sweep_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "dumps"
    shutil.copytree(example("vector_add.ttir").parent, root)
    first = subprocess.Popen([sys.executable, "-m", "reducer", "sweep", str(root), "-o", str(tmp_path / "sw"),
                              "--no-reduce", "-q", "-j", "1"], cwd=tmp_path, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (tmp_path / "sw" / "state.jsonl").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        second = run_cli("sweep", str(root), "-o", str(tmp_path / "sw"), "--no-reduce", "-q", cwd=tmp_path)
        assert second.returncode == 3 and "another sweep" in second.stderr, second.stderr
    finally:
        first.wait(timeout=600)
    assert first.returncode == 0, first.stderr


# --- 6. recheck never misfiles ---------------------------------------------------------------------


def test_recheck_reports_broken_repros_and_never_overwrites(tmp_path: Path) -> None:
    suite = tmp_path / "suite"
    assert run_cli("save", str(example("block_ptr_zero_stride.ttir")), "--repros", str(suite),
                   cwd=tmp_path).returncode == 0
    [good] = list((suite / "adapter").glob("*.mlir"))
    header, _, _ = good.read_text().partition("\n\n")
    cases = {
        "0101-unknown-op.mlir": header + "\n\n\"tt.no_such_op\"() : () -> ()\n",
        "0102-no-ir.mlir": header + "\n",
        "0103-bad-json.mlir": "// REDUCER-SIGNATURE: {not json\n" + example("vector_add.ttir").read_text(),
        "0104-unknown-stage.mlir": header.replace('"stage": "adapter"', '"stage": "nope"') + "\n\nmodule {}\n",
        "0105-missing-key.mlir": '// REDUCER-SIGNATURE: {"id": "x"}\n\nmodule {}\n',
        "0106-fixed.mlir": header + "\n\n" + example("vector_add.ttir").read_text(),
    }
    for name, text in cases.items():
        (suite / "adapter" / name).write_text(text)
    occupied = suite / "fixed" / "adapter" / "0106-fixed.mlir"
    occupied.parent.mkdir(parents=True)
    occupied.write_text("// someone's earlier fix\n")
    proc = run_cli("recheck", "--repros", str(suite), cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    out = proc.stdout
    assert f"{good.name}" in out and "reproduces" in out.split(good.name)[1].splitlines()[0]
    for name in ("0101-unknown-op.mlir", "0102-no-ir.mlir", "0103-bad-json.mlir", "0104-unknown-stage.mlir",
                 "0105-missing-key.mlir"):
        line = next(ln for ln in out.splitlines() if name in ln)
        assert "BROKEN" in line, line
        assert (suite / "adapter" / name).read_text() == cases[name]
    assert occupied.read_text() == "// someone's earlier fix\n"
    assert not (suite / "adapter" / "0106-fixed.mlir").exists()
    assert (suite / "fixed" / "adapter" / "0106-fixed-2.mlir").is_file()


# --- 8. --max-time is a deadline -------------------------------------------------------------------


def _hanging_compiler(tmp_path: Path) -> dict[str, str]:
    from reducer.stage.table import ADAPTER
    from reducer.stage.toolchain import locate

    real = locate(ADAPTER).path
    fake = tmp_path / "hang-opt"
    # --version and parse-only runs (no pass flag) go to the real tool; every stage run hangs.
    fake.write_text(f'#!/bin/sh\ncase "$*" in *--triton-to-linalg*) exec sleep 1000;; esac\nexec {real} "$@"\n')
    fake.chmod(0o755)
    return dict(os.environ, TRITON_ADAPTER_OPT=str(fake))


@pytest.mark.slow
@pytest.mark.parametrize("max_time", [3, 6])
def test_max_time_ends_within_five_seconds_of_the_deadline_on_a_hang(tmp_path: Path, max_time: int) -> None:
    env = _hanging_compiler(tmp_path)
    t0 = time.monotonic()
    proc = run_cli("reduce", str(example("block_ptr_zero_stride.ttir")), "-o", str(tmp_path / "o.mlir"), "-q",
                   "--max-time", str(max_time), "--timeout", "100", cwd=tmp_path, env=env)
    took = time.monotonic() - t0
    assert took < max_time + 5, took
    assert proc.returncode == 3 and "--max-time" in proc.stderr, proc.stderr


@pytest.mark.slow
def test_max_time_ends_within_five_seconds_of_the_deadline_while_reducing(tmp_path: Path) -> None:
    out = tmp_path / "o.mlir"
    t0 = time.monotonic()
    proc = run_cli("reduce", str(example("fused_add_rmsnorm_quant_wide.ttadapter.mlir")), "-o", str(out), "-q",
                   "--max-time", "4", cwd=tmp_path)
    took = time.monotonic() - t0
    assert took < 4 + 5, took
    assert proc.returncode == 0, proc.stderr
    assert out.is_file() and json.loads(out.with_name("o.mlir.json").read_text())["stopped"] is True


# --- 9/10. bad input: one line, the right exit code -----------------------------------------------


def _bad_inputs(tmp_path: Path) -> list[tuple[list[str], int]]:
    (tmp_path / "empty.ttir").write_text("")
    (tmp_path / "binary.ttir").write_bytes(b"\x7fELF\0\0\0")
    (tmp_path / "prose.ttir").write_text("hello, this is not MLIR\n")
    (tmp_path / "latin1.ttir").write_bytes(b"module { \xe9 }\n")
    os.mkfifo(tmp_path / "pipe.ttir")
    (tmp_path / "dir.ttir").mkdir()
    ok = str(example("vector_add.ttir"))
    return [
        (["check", str(tmp_path / "empty.ttir")], 3),
        (["check", str(tmp_path / "binary.ttir")], 3),
        (["check", str(tmp_path / "prose.ttir")], 3),
        (["check", str(tmp_path / "latin1.ttir")], 3),
        (["check", str(tmp_path / "pipe.ttir")], 3),
        (["check", "/dev/zero"], 3),
        (["check", str(tmp_path / "dir.ttir")], 3),
        (["check", str(tmp_path / "missing.ttir")], 3),
        (["sweep", str(tmp_path / "pipe.ttir")], 3),
        (["report", "."], 3),
        (["reduce", ok], 3),  # compiles: nothing to reduce
        (["check", ok, "--timeout", "nan"], 2),
        (["check", ok, "--timeout", "inf"], 2),
        (["check", ok, "--timeout", "-1"], 2),
        (["reduce", ok, "--max-time", "0"], 2),
        (["check", ok, "--option", "multibuffer=maybe"], 2),
        (["check", ok, "--target", "Ascend310B4"], 2),
        (["check", ok, "--stage", "nope"], 2),
    ]


@pytest.mark.slow
def test_every_bad_input_is_one_line_and_its_exit_code(tmp_path: Path) -> None:
    for args, code in _bad_inputs(tmp_path):
        proc = run_cli(*args, cwd=tmp_path, timeout=60)
        lines = [ln for ln in proc.stderr.strip().splitlines() if ln.startswith(("reducer: error", "Error:"))]
        assert proc.returncode == code, (args, proc.returncode, proc.stderr)
        assert len(lines) == 1, (args, proc.stderr)


def test_a_non_executable_override_says_so(tmp_path: Path) -> None:
    fake = tmp_path / "opt"
    fake.write_text("#!/bin/sh\n")
    env = dict(os.environ, TRITON_ADAPTER_OPT=str(fake))
    proc = run_cli("check", str(example("vector_add.ttir")), cwd=tmp_path, env=env)
    assert proc.returncode == 4 and "is not executable" in proc.stderr


def test_a_byte_order_mark_is_not_invalid_input(tmp_path: Path) -> None:
    src = tmp_path / "bom.ttir"
    src.write_bytes(b"\xef\xbb\xbf" + example("block_ptr_zero_stride.ttir").read_bytes())
    proc = run_cli("check", str(src), "--json", cwd=tmp_path)
    assert proc.returncode == 0 and json.loads(proc.stdout)["id"] == "29bc26900f9e"


def test_report_check_flags_planted_directives(tmp_path: Path) -> None:
    folder = tmp_path / "rep"
    folder.mkdir()
    (folder / "repro.mlir").write_text(hostile_ir())
    proc = run_cli("report", "--check", str(folder), cwd=tmp_path)
    assert proc.returncode == 1 and "lit directive" in proc.stdout and "planted1" in proc.stdout, proc.stdout
