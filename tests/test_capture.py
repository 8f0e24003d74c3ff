"""`reducer capture`: dump folders, logs, and a real no-NPU capture of examples/launch_all.py."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from reducer.capture.discovery import discover
from reducer.capture.logs import match_log, parse_log
from reducer.cli.capture import capture
from reducer.stage.table import ADAPTER, BISHENGIR

ROOT = Path(__file__).resolve().parent.parent
IR = ROOT / "examples" / "ir"
LAUNCH_ALL = ROOT / "examples" / "launch_all.py"

# Kernel function names of the files examples/launch_all.py launches by default.
LAUNCHED = {
    "vector_add",
    "softmax_row",
    "repeat_row",
    "add_shared_matrix",
    "gated_copy",
    "accumulate_steps",
    "dot_precision_none",
}


def _dump_tree(tmp: Path) -> Path:
    """TRITON_KERNEL_DUMP (`<hash>/<kernel>.ttir`), TRITON_DEBUG (`kernel.*.mlir`) and cache-style copies."""
    root = tmp / "dump"
    (root / "Hx1").mkdir(parents=True)
    shutil.copy(IR / "block_ptr_zero_stride.ttir", root / "Hx1" / "repeat_row.ttir")
    (root / "Dbg2").mkdir()
    shutil.copy(IR / "block_ptr_zero_stride.ttir", root / "Dbg2" / "kernel.ttir.mlir")  # same text: one entry
    (root / "Dbg3").mkdir()
    shutil.copy(IR / "vector_add.ttadapter.mlir", root / "Dbg3" / "kernel.ttadapter.mlir")
    (root / "C4").mkdir()
    shutil.copy(IR / "softmax_row.ttir", root / "C4" / "softmax_row.ttir")
    shutil.copy(IR / "softmax_row.ttadapter.mlir", root / "C4" / "softmax_row.ttadapter")
    (root / "C4" / "softmax_row.json").write_text("{}")
    return root


def test_discover_names_kernels_and_stages(tmp_path: Path) -> None:
    found = discover(_dump_tree(tmp_path))
    got = {(c.kernel, c.kind, c.stage) for c in found}
    assert got == {
        ("repeat_row", "ttir", ADAPTER),
        ("vector_add", "ttadapter", BISHENGIR),  # named from func.func @vector_add, not "kernel"
        ("softmax_row", "ttir", ADAPTER),
        ("softmax_row", "ttadapter", BISHENGIR),
    }
    repeat = next(c for c in found if c.kernel == "repeat_row")
    assert len(repeat.duplicates) == 1 and repeat.duplicates[0].name == "kernel.ttir.mlir"


def test_capture_folder_table_and_json(tmp_path: Path) -> None:
    root = _dump_tree(tmp_path)
    result = CliRunner().invoke(capture, [str(root)])
    assert result.exit_code == 0, result.output
    assert "repeat_row" in result.output and "bishengir (bishengir-compile)" in result.output
    result = CliRunner().invoke(capture, [str(root), "--json"])
    data = json.loads(result.output)
    assert {d["kernel"] for d in data} == {"repeat_row", "vector_add", "softmax_row"}


_LOG = """\
tests/test_ops.py:41: in test_repeat
    repeat_row[grid](x, out, out.shape[0], out.shape[1], out.stride(0), BM=16, BN=32)
../triton/compiler/compiler.py:297: in compile
E               triton.compiler.errors.MLIRCompilationError:
E               ///------------------[ERROR][Triton][BEG]------------------
E               [ConvertTritonIRToLinalgIR] encounters error:
E               <unknown>:0: error: strides must not be zero
E               triton-adapter-opt: StorageUniquerSupport.h:180: Assertion `succeeded(...)' failed.
E               PLEASE submit a bug report to https://github.com/llvm/llvm-project/issues/
E
E               [INFO]: The compiled kernel cache is in /home/u/.triton/cache/Hx1
E               ///------------------[ERROR][Triton][END]------------------
later:
E               [ConvertLinalgRToBinary] encounters error:
E               loc("x.py":3:1): error: ub overflow, requires 10485760 bits while 1572864 bits available!
E               ///------------------[ERROR][Triton][END]------------------
"""


def test_log_names_stage_kernel_and_points_to_ir(tmp_path: Path) -> None:
    root = _dump_tree(tmp_path)
    failures = parse_log(_LOG)
    assert [f.stage for f in failures] == [ADAPTER, BISHENGIR]
    first = failures[0]
    assert first.kernel == "repeat_row"
    assert "strides must not be zero" in first.message
    assert first.cache_dir == "/home/u/.triton/cache/Hx1"
    match_log(failures, [root])
    assert first.matches and first.matches[0].path == root / "Hx1" / "repeat_row.ttir"
    assert all(m.kind == "ttadapter" for m in failures[1].matches)

    log = tmp_path / "pytest.log"
    log.write_text(_LOG)
    result = CliRunner().invoke(capture, [str(log), "--dump", str(root)])
    assert result.exit_code == 0, result.output
    assert "[ConvertTritonIRToLinalgIR] -> stage adapter" in result.output
    assert "kernel:  repeat_row" in result.output
    assert f"reducer check {root / 'Hx1' / 'repeat_row.ttir'}" in result.output


def test_capture_rejects_files_without_errors(tmp_path: Path) -> None:
    log = tmp_path / "quiet.log"
    log.write_text("all tests passed\n")
    result = CliRunner().invoke(capture, [str(log)])
    assert result.exit_code == 3
    assert "no MLIRCompilationError" in result.output


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    pytest.importorskip("torch")
    out = tmp_path_factory.mktemp("cap") / "capture"
    result = CliRunner().invoke(capture, ["-o", str(out), "--no-npu", "--", sys.executable, str(LAUNCH_ALL)])
    assert result.exit_code == 0, result.output
    return out, result.output


@pytest.mark.slow
def test_capture_records_every_launched_kernel_without_npu(captured: tuple[Path, str]) -> None:
    out, output = captured
    index = json.loads((out / "index.json").read_text())
    assert index["mode"] == "compile-only" and index["returncode"] == 0
    kernels = index["kernels"]
    assert {k["kernel"] for k in kernels} == LAUNCHED
    # vector_add: healthy; rejected maxnreg keyword; retried with the shim. dot_precision_none: error, then shimmed.
    assert len(kernels) == 10
    by = {(k["kernel"], k["outcome"], bool(k.get("shims"))): k for k in kernels}
    assert by[("vector_add", "frontend-error", False)]["incompatibility"]["name"] == "drop-maxnreg"
    assert by[("vector_add", "passed", True)]["shims"][0]["name"] == "drop-maxnreg"
    assert "maxnreg" not in by[("vector_add", "passed", True)]["launch_options"]
    dot = by[("dot_precision_none", "passed", True)]
    assert dot["shims"][0]["name"] == "dot-input-precision-default" and "ttadapter" in dot["files"]
    assert by[("dot_precision_none", "frontend-error", False)]["incompatibility"]["name"] == dot["shims"][0]["name"]
    by = {(k["kernel"], k["outcome"]): k for k in kernels if not k.get("shims")}
    for name in ("repeat_row", "add_shared_matrix", "gated_copy", "accumulate_steps"):
        rec = by[(name, "failed")]
        assert rec["failed_stage"] == "adapter" and (Path(rec["folder"]) / f"{name}.ttir").is_file()
        assert "ttadapter" not in rec["files"]
    healthy = by[("vector_add", "passed")]
    assert (Path(healthy["folder"]) / "vector_add.ttadapter").is_file()
    assert healthy["signature"]["x_ptr"] == "*fp32" and healthy["constants"] == {"BLOCK": 1024}
    assert "maxnreg" in by[("vector_add", "frontend-error")]["error"]
    assert "default_dot_input_precision" in by[("dot_precision_none", "frontend-error")]["error"]
    assert "captured 10 compile units of 7 kernels" in output and str(out) in output
    assert "launch (drop-maxnreg)" in output and "+shim dot-input-precision-default" in output


@pytest.mark.slow
def test_no_shims_records_the_frontend_errors_only(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    out = tmp_path / "capture"
    argv = ["-o", str(out), "--no-npu", "--no-shims", "--", sys.executable, str(LAUNCH_ALL)]
    result = CliRunner().invoke(capture, argv)
    assert result.exit_code == 0, result.output
    kernels = json.loads((out / "index.json").read_text())["kernels"]
    assert len(kernels) == 8 and not any(k.get("shims") for k in kernels)
    assert sum(1 for k in kernels if k["outcome"] == "frontend-error") == 2


@pytest.mark.slow
def test_capture_output_folder_replays_like_a_dump(captured: tuple[Path, str]) -> None:
    out, _ = captured
    found = discover(out)
    assert {c.kernel for c in found} == LAUNCHED  # dot_precision_none: through its shim
    assert {c.outcome for c in found if c.kernel == "repeat_row"} == {"failed"}


def test_hook_is_inert_without_the_variables(tmp_path: Path) -> None:
    from reducer.capture.hook import install_hook

    install_hook()  # REDUCER_CAPTURE_DIR is unset here: must not patch this test process
    import triton.runtime.jit as jit

    assert not getattr(jit.JITFunction, "_reducer_capture", False)


def test_commands_are_click_commands() -> None:
    assert isinstance(capture, click.Command)


@pytest.mark.slow
def test_capture_compiles_every_autotune_config_without_a_device(tmp_path: Path) -> None:
    """`Autotuner.__init__` asks for a device benchmarker, and pruning would hide configs: neither may stop capture."""
    pytest.importorskip("torch")
    out = tmp_path / "capture"
    launch = ROOT / "tests" / "data" / "autotuned_launch.py"
    result = CliRunner().invoke(capture, ["-o", str(out), "--no-npu", "--", sys.executable, str(launch)])
    assert result.exit_code == 0, result.output
    kernels = json.loads((out / "index.json").read_text())["kernels"]
    assert len(kernels) == 5 and {k["kernel"] for k in kernels} == {"broadcast_row"}
    assert sorted(k["autotune_index"] for k in kernels) == [0, 1, 2, 3, 4]
    assert all(k["autotune_configs"] == 5 for k in kernels)
    by_index = {k["autotune_index"]: k for k in kernels}
    assert by_index[4]["constants"] == {"BM": 8, "BN": 32, "ROWS_FROM_BLOCK_PTR": 1}
    assert by_index[4]["autotune_config"]["ROWS_FROM_BLOCK_PTR"] == 1
    assert by_index[4]["outcome"] == "failed" and by_index[4]["failed_stage"] == "adapter"
    assert {by_index[i]["outcome"] for i in range(4)} == {"passed"}
    assert "5/5 BM=8 BN=32 ROWS_FROM_BLOCK_PTR=1" in result.output
    assert "captured 5 compile units of 1 kernel (1 failed, 4 passed)" in result.output


def test_capture_warns_when_the_command_stops_early(tmp_path: Path) -> None:
    script = tmp_path / "boom.py"
    script.write_text("raise SystemExit(3)\n")
    result = CliRunner().invoke(capture, ["-o", str(tmp_path / "c"), "--no-npu", "--", sys.executable, str(script)])
    assert result.exit_code == 6  # ended before its first launch: the gate's own code (cli/gate.py)
    assert "exited 3 before its first kernel launch" in result.output and "nothing was captured" in result.output


def test_log_versions_from_pip_list_freeze_wheel_names_and_pip_show() -> None:
    from reducer.capture.logs import log_versions

    assert log_versions("torch 2.3.1\ntriton-ascend        36969dafdad51877233f\n") == {
        "triton-ascend": "36969dafdad51877233f"
    }
    assert log_versions("Downloading triton_ascend-3.2.0rc4-cp311-none.whl\nascendnpu-ir==1.2.3\n") == {
        "triton-ascend": "3.2.0rc4",
        "ascendnpu-ir": "1.2.3",
    }
    assert log_versions("Name: triton_ascend\nVersion: 3.1.0\n") == {"triton-ascend": "3.1.0"}
    # Words after the name are not versions, nor is a longer package name.
    assert log_versions("triton-ascend acceded\nmy-triton-ascend 5\n") == {}


def test_log_capture_warns_when_the_log_is_from_another_version(tmp_path: Path) -> None:
    from reducer.stage.toolchain import package_version

    installed = package_version("triton-ascend")
    log = tmp_path / "pytest.log"
    head = "triton-ascend                     0.0.1\n"
    log.write_text(head + "E   triton.compiler.errors.MLIRCompilationError: [ConvertTritonIRToLinalgIR] boom\n")
    result = CliRunner().invoke(capture, [str(log)])
    assert result.exit_code == 0, result.output
    assert f"made with triton-ascend 0.0.1, {installed} is installed" in result.output
    log.write_text(f"triton-ascend {installed}\n" + log.read_text().split("\n", 1)[1])
    assert "made with" not in CliRunner().invoke(capture, [str(log)]).output


@pytest.mark.slow
def test_on_an_ascend_host_the_dumps_triton_writes_are_captured_and_swept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`capture --npu` only sets Triton's dump variables; triton-ascend 3.2.0's own compile code writes
    `<TRITON_DUMP_DIR>/<base64 of the source hash>/<kernel>.<stage>` for each stage that finished. The script
    compiles as a launch does on the device (only the device lookups patched), so the layout is Triton's."""
    from reducer.cli.sweep import sweep

    monkeypatch.setenv("TRITON_CACHE_DIR", str(tmp_path / "cache"))  # not the user's ~/.triton
    out = tmp_path / "cap"
    script = ROOT / "tests" / "data" / "npu_host_compile.py"
    result = CliRunner().invoke(capture, ["-o", str(out), "--npu", "--", sys.executable, str(script)])
    assert result.exit_code == 0, result.output
    files = sorted(p.relative_to(out / "dump") for p in (out / "dump").rglob("*") if p.is_file())
    by_kernel = {f.name.split(".")[0]: f for f in files}
    assert {f.name for f in files} == {"repeat_row.ttir", "vector_add.ttir", "vector_add.ttadapter",
                                       "fused_elementwise.ttir", "fused_elementwise.ttadapter"}
    assert all(len(f.parts) == 2 and len(f.parts[0]) == 43 for f in files)  # one hash folder per kernel
    assert by_kernel["repeat_row"].parent != by_kernel["vector_add"].parent
    assert "captured 3 compile units of 3 kernels (5 IR files)" in result.output
    result = CliRunner().invoke(sweep, [str(out), "--repros", str(tmp_path / "repros"), "--no-reduce", "-q"])
    assert result.exit_code == 0, result.output
    triage = json.loads((out / "triage.json").read_text())
    owner = {k: g["id"] for g in triage["signatures"] for k in g["kernels"]}
    # The same findings as the compile-only capture of these kernels: the adapter's zero stride is a bug,
    # bishengir's UB overflow a resource limit (no signature group).
    assert owner == {"repeat_row": "29bc26900f9e"}
    assert [(r["kernel"], r["kind"]) for r in triage["resource_limits"]] == [("fused_elementwise", "ub")]
    assert triage["summary"]["units"] == 3 and triage["summary"]["files"] == 5
