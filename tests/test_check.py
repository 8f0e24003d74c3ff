"""`reducer check` against the real triton-adapter-opt and bishengir-compile, on the shipped examples."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from reducer.failure.check import check_file
from reducer.failure.signature import Expectation, Signature
from reducer.stage.options import Options
from reducer.stage.source import load

from conftest import example, run_cli

# example -> (outcome class, bug label): same label <=> same signature id.
FAILING = {
    "block_ptr_zero_stride.ttir": ("assertion", "zero-stride"),
    "block_ptr_zero_stride_batch.ttir": ("assertion", "zero-stride"),
    "attention_fwd_shared_bias.ttir": ("assertion", "zero-stride"),
    "nested_if_return.ttir": ("assertion", "block-operand-uses"),
    "nested_if_return_merge.ttir": ("assertion", "op-operand-uses"),
    "layernorm_fwd_skip_rows.ttir": ("assertion", "op-operand-uses"),
    "if_return_else_update.ttir": ("assertion", "cast-ranked-tensor"),
    "multi_return_helper_loop.ttir": ("diagnostic-error", "unresolved-materialization"),
    "ub_overflow_elementwise.ttadapter.mlir": ("resource-limit", "ub-overflow"),
    "fused_add_rmsnorm_quant_wide.ttadapter.mlir": ("resource-limit", "ub-overflow"),
    "moe_expert_ffn_shared_scale.ttir": ("assertion", "zero-stride"),
    "nested_return_then_guard.ttir": ("unreachable", "unsupported-control-flow"),
    "pointer_table_copy.ttir": ("signal", "segv-table-copy"),
    "pointer_table_gather_2d.ttir": ("signal", "segv-table-gather"),
    "pointer_table_unused.ttir": ("assertion", "memref-element-type"),
    "pointer_tensor_where.ttir": ("assertion", "dyn-cast-op-result"),
    "pointer_to_int_store.ttir": ("diagnostic-error", "index-cast-dims"),
    "noinline_scalar_helper.ttir": ("diagnostic-error", "call-invalid-function"),
    "noinline_pointer_helper.ttir": ("diagnostic-error", "unresolved-materialization-ptr"),
    "sort_int64.ttadapter.mlir": ("diagnostic-error", "vsort-element-type"),
}
KEY_TEXT = {
    "zero-stride": "verifyInvariants",
    "block-operand-uses": "IRObjectWithUseList<mlir::BlockOperand>",
    "op-operand-uses": "IRObjectWithUseList<mlir::OpOperand>",
    "cast-ranked-tensor": "To = mlir::RankedTensorType",
    "unresolved-materialization": "failed to legalize unresolved materialization",
    "ub-overflow": "ub overflow, requires <N> bits while <N> bits available!",
    "unsupported-control-flow": "Encounter unsupported control flow (UNREACHABLE at TritonToLinalgPass.cpp:475)",
    "segv-table-copy": "",  # no message: the frames decide
    "segv-table-gather": "",
    "memref-element-type": "StorageUserBase<mlir::MemRefType",
    "dyn-cast-op-result": "To = mlir::OpResult",
    "index-cast-dims": "'arith.index_cast' op failed to verify",
    "call-invalid-function": "'tt.call' op '<sym>' does not reference a valid function",
    "unresolved-materialization-ptr": "to '!tt.ptr<f32>'",
    "vsort-element-type": "'hivm.hir.vsort' op failed to verify",
}
HEALTHY = {
    "vector_add.ttir": "passed",
    "row_sum.ttir": "passed",
    "softmax_row.ttir": "passed",
    "vector_add.ttadapter.mlir": "passed-mlir",
    "row_sum.ttadapter.mlir": "passed-mlir",
    "softmax_row.ttadapter.mlir": "passed-mlir",
}


def _check(name: str, runs: int = 1):
    return check_file(load(example(name)), Options(), runs=runs)


@pytest.mark.parametrize("name", sorted(FAILING))
def test_failing_examples_get_their_class_and_key_message(name: str) -> None:
    outcome, label = FAILING[name]
    report = _check(name)
    assert report.outcome.value == outcome
    assert report.signature is not None
    assert KEY_TEXT[label] in report.signature.message
    if outcome == "signal":
        assert report.signature.message == "" and len(report.signature.frames) == 5
        assert report.first.run.signal == 11


@pytest.mark.slow
def test_same_bug_same_id_and_different_bugs_different_ids() -> None:
    ids: dict[str, set[str]] = {}
    sigs: dict[str, Signature] = {}
    for name, (_, label) in FAILING.items():
        sig = _check(name).signature
        assert sig is not None
        ids.setdefault(label, set()).add(sig.id)
        sigs.setdefault(label, sig)
    for label, found in ids.items():
        assert len(found) == 1, f"{label} split into {found}"
    # Different bugs are never one: by id, or (two bare crashes of one pass, which share an id) by their frames.
    for label, sig in sigs.items():
        met = [other for other, theirs in sigs.items() if Expectation.of(sig).met_by(theirs)]
        assert met == [label], f"{label} meets {met}"


def test_deterministic_crash_gives_the_same_id_ten_times() -> None:
    report = _check("block_ptr_zero_stride.ttir", runs=10)
    assert report.tally.runs == 10
    assert report.rate == 1.0 and not report.flaky
    assert len(report.tally.counts) == 1


@pytest.mark.parametrize("name", sorted(HEALTHY))
def test_healthy_examples_pass(name: str) -> None:
    report = _check(name)
    assert report.outcome.value == HEALTHY[name]
    assert report.signature is None


def test_json_output_and_expect_contract(tmp_path: Path) -> None:
    proc = run_cli("check", str(example("block_ptr_zero_stride.ttir")), "--json")
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    assert data["outcome"] == "assertion" and data["signature"]["id"] == data["id"]
    sig_id = data["id"]
    assert run_cli("check", str(example("block_ptr_zero_stride_batch.ttir")), "--expect", sig_id).returncode == 0
    assert run_cli("check", str(example("nested_if_return.ttir")), "--expect", sig_id).returncode == 1
    assert run_cli("check", str(example("vector_add.ttir")), "--expect", sig_id).returncode == 1
    sig_file = tmp_path / "sig.json"
    sig_file.write_text(json.dumps(data["signature"]))
    assert run_cli("check", str(example("attention_fwd_shared_bias.ttir")), "--expect", str(sig_file),
                   "--strict").returncode in (0, 1)  # strict may differ by frames; must not error
    assert run_cli("check", str(example("block_ptr_zero_stride.ttir")), "--expect", str(sig_file),
                   "--strict").returncode == 0


def test_human_table_names_the_bug() -> None:
    proc = run_cli("check", str(example("multi_return_helper_loop.ttir")))
    assert proc.returncode == 0
    assert "failed to legalize unresolved materialization" in proc.stdout
    assert "signature" in proc.stdout and "TritonToLinalg" in proc.stdout


# --- bad input: one clear line, non-zero exit, no traceback, nothing written next to the input ---

def _bad(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    before = sorted(p.name for p in tmp_path.iterdir())
    proc = run_cli("check", *args, cwd=tmp_path, env=env)
    after = sorted(p.name for p in tmp_path.iterdir())
    assert before == after, "check wrote next to its input"
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert proc.returncode != 0
    return proc.returncode, lines[0]


def test_missing_file(tmp_path: Path) -> None:
    code, line = _bad(tmp_path, str(tmp_path / "nope.ttir"))
    assert code == 3 and "no such file" in line


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.ttir").write_text("  \n")
    code, line = _bad(tmp_path, str(tmp_path / "empty.ttir"))
    assert code == 3 and "empty" in line


def test_binary_file(tmp_path: Path) -> None:
    (tmp_path / "k.npubin").write_bytes(b"\x7fELF\x00\x01\x02")
    code, line = _bad(tmp_path, str(tmp_path / "k.npubin"))
    assert code == 3 and "binary" in line


def test_not_mlir(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello, this is a shopping list\n")
    code, line = _bad(tmp_path, str(tmp_path / "notes.txt"))
    assert code == 3 and "MLIR" in line


def test_ir_for_the_wrong_stage(tmp_path: Path) -> None:
    code, line = _bad(tmp_path, str(example("vector_add.ttadapter.mlir")), "--stage", "adapter")
    assert code == 3 and "--stage bishengir" in line


def test_missing_tool(tmp_path: Path) -> None:
    env = dict(os.environ, TRITON_ADAPTER_OPT=str(tmp_path / "no-such-tool"))
    code, line = _bad(tmp_path, str(example("vector_add.ttir")), env=env)
    assert code == 4 and "triton-adapter-opt not found" in line


@pytest.mark.slow
def test_hang_is_killed_and_reported(tmp_path: Path) -> None:
    fake = tmp_path / "fake-opt"
    fake.write_text("#!/bin/sh\nsleep 30 &\nsleep 30\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    env = dict(os.environ, TRITON_ADAPTER_OPT=str(fake))
    code, line = _bad(tmp_path, str(example("vector_add.ttir")), "--timeout", "1", env=env)
    assert code == 3 and "did not finish within 1s" in line


def test_frames_are_module_offsets_stable_with_aslr_on(tmp_path: Path) -> None:
    """A bare SIGSEGV is told apart by its frames: they come from LLVM's own module+offset (the stub
    symbolizer), so ten runs with ASLR on give one signature, the same as with ASLR off."""
    src = str(example("pointer_table_copy.ttir"))
    off = json.loads(run_cli("check", src, "--json", cwd=tmp_path).stdout)
    on = json.loads(run_cli("check", src, "--env", "ASLR=on", "--runs", "10", "--json", cwd=tmp_path).stdout)
    assert on["rate"] == 1.0 and on["id"] == off["id"]
    assert on["signature"]["frames"] == off["signature"]["frames"]
    assert all(f.startswith("triton-adapter-opt+0x") for f in off["signature"]["frames"])
