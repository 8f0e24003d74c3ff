"""Every target the installed wheels support: A2/A3 and A5 (Ascend950*, Ascend910_95*), end to end.

An A5 target compiles as 910_95 (triton-ascend 3.2.0 never derives it): the adapter runs with
compile-on-910-95=True, bishengir-compile hands the target to `bishengir-compile-a5` (found on PATH, beside it),
and a healthy run ends one step later than A2/A3's, at the absent `hivmc-a5`. A tool the wheels do not have is an
environment error (exit 4), and an `--option` the stage would not pass is refused.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from reducer.capture.kernel_compile import compile_for_ascend
from reducer.cli.capture import capture
from reducer.cli.exitcodes import TOOL_MISSING, USAGE
from reducer.failure.replay import Replay
from reducer.stage.options import Options
from reducer.stage.table import ADAPTER, BISHENGIR
from reducer.stage.toolchain import locate

from conftest import example, run_cli

LIT = str(Path(sys.executable).with_name("lit"))

A5 = "Ascend950PR_9579"

# A kernel with a device assert (compiled with debug on): triton-adapter-opt lowers `tt.assert` to a call of
# `triton_assert_<n>` on A2/A3, and erases it when compiling for 910_95 (A5 has no device assert).
KERNEL = '''
import triton
import triton.language as tl


@triton.jit
def checked_copy(src, dst, BLOCK: tl.constexpr):
    i = tl.arange(0, BLOCK)
    v = tl.load(src + i)
    tl.device_assert(v >= 0, "non-negative")
    tl.store(dst + i, v)


@triton.jit
def fp8_round_trip(src, dst, BLOCK: tl.constexpr):
    i = tl.arange(0, BLOCK)
    tl.store(dst + i, tl.load(src + i).to(tl.float8e5).to(tl.float32))
'''


@pytest.fixture(scope="module")
def kernel_module(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("targets")
    (folder / "checked_kernels.py").write_text(KERNEL)
    sys.path.insert(0, str(folder))
    try:
        import checked_kernels

        yield checked_kernels
    finally:
        sys.path.remove(str(folder))


def test_an_a5_target_compiles_as_910_95_everywhere() -> None:
    a5, a3 = Options.from_cli(A5, ()), Options.from_cli("Ascend910_9382", ())
    assert a5.compile_on_910_95 and not a5.multibuffer and a5.enable_select_analysis and a5.describe() == "defaults"
    assert not a3.compile_on_910_95 and a3.multibuffer
    assert "compile-on-910-95=True" in " ".join(ADAPTER.args(a5))
    assert "--enable-hivm-compile=true" not in BISHENGIR.args(a5) and "--enable-hivm-compile=true" in BISHENGIR.args(a3)
    # A stored option set keeps what it says; a retarget moves only what was at the old target's default.
    assert not Options.from_mapping(Options(target=A5).as_dict()).compile_on_910_95
    moved = Options.from_cli(A5, (), base=Options.from_cli(None, ["multibuffer=False", "named_ops=False"]))
    assert moved.compile_on_910_95 and not moved.named_ops and moved.multibuffer is False


def test_a_healthy_a5_replay_runs_the_a5_binary_and_ends_passed_mlir(tmp_path: Path) -> None:
    linalg = example("row_sum.ttadapter.mlir")
    checked = run_cli("check", str(linalg), "--target", A5, "--json", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    report = json.loads(checked.stdout)
    assert report["outcome"] == "passed-mlir" and report["options"]["compile_on_910_95"] is True
    # Only the A5 binary looks for `hivmc-a5`, and bishengir-compile names the `-a5` binary it executed.
    run = Replay(BISHENGIR, Options.for_target(A5), 120).observe(linalg.read_text()).run
    assert "Cannot find hivmc-a5 under $PATH" in run.stderr
    assert str(locate(BISHENGIR).path.with_name("bishengir-compile-a5")) in run.stderr
    a3 = Replay(BISHENGIR, Options.for_target("Ascend910B3"), 120).observe(linalg.read_text())
    assert a3.outcome == "passed-mlir" and "-a5" not in a3.run.stderr


@pytest.mark.slow
def test_the_a5_adapter_path_and_frontend_through_the_target_alone(kernel_module) -> None:
    args = ({"src": "*fp32", "dst": "*fp32"}, {"BLOCK": 64})
    a3 = compile_for_ascend(kernel_module.checked_copy, *args, target="Ascend910B3", options={"debug": True})
    a5 = compile_for_ascend(kernel_module.checked_copy, *args, target=A5, options={"debug": True})
    assert a3.outcome == a5.outcome == "passed-mlir", (a3.error, a5.error)
    assert "tt.assert" in a5.ir["ttir"]
    assert "call @triton_assert_0" in a3.ir["ttadapter"] and "triton_assert" not in a5.ir["ttadapter"]
    assert "hivmc-a5" in a5.error and "hivmc-a5" not in a3.error


@pytest.mark.slow
def test_capture_with_an_a5_target_records_compile_on_910_95(kernel_module, tmp_path: Path) -> None:
    pytest.importorskip("torch")
    script = tmp_path / "launch.py"
    script.write_text(
        "import torch\nfrom checked_kernels import checked_copy\n"
        "x = torch.ones(64)\ny = torch.empty(64)\n"
        "checked_copy[(1,)](x, y, BLOCK=64, debug=True)\n"
    )
    out = tmp_path / "cap"
    env = {"PYTHONPATH": os.pathsep.join([str(Path(kernel_module.__file__).parent), os.environ.get("PYTHONPATH", "")])}
    argv = ["-o", str(out), "--target", A5, "--no-npu", "--", sys.executable, str(script)]
    result = CliRunner().invoke(capture, argv, env=env)
    assert result.exit_code == 0, result.output
    [record] = [json.loads(p.read_text()) for p in out.rglob("record.json")]
    assert record["npu_options"]["compile_on_910_95"] is True and record["npu_options"]["target"] == A5
    assert record["outcome"] == "passed", record
    [adapted] = list(out.rglob("checked_copy.ttadapter"))
    assert "triton_assert" not in adapted.read_text()


def test_an_option_the_stage_ignores_is_refused(tmp_path: Path) -> None:
    linalg, ttir = str(example("row_sum.ttadapter.mlir")), str(example("row_sum.ttir"))
    cases = [
        (linalg, "sync_solver=True", ["--target", A5]),  # the 910_95 builder never passes it
        (ttir, "multibuffer=False", []),  # a bishengir flag, not the adapter's
        (linalg, "enable_select_analysis=True", []),  # an adapter flag, not bishengir's
    ]
    for path, item, extra in cases:
        proc = run_cli("check", path, "--option", item, *extra, cwd=tmp_path)
        key = item.split("=")[0]
        assert proc.returncode == USAGE and f"--option {key}" in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
    taken = run_cli("check", linalg, "--option", "sync_solver=True", "--json", cwd=tmp_path)
    assert taken.returncode == 0 and json.loads(taken.stdout)["options"]["sync_solver"] == "True"


def test_a_missing_a5_binary_is_an_environment_error(tmp_path: Path) -> None:
    """A bishengir-compile whose folder has no `-a5` sibling (as in ascendnpu-ir 1.0.0 and 1.1.0)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    wrapper = folder / "bishengir-compile"
    wrapper.write_text(f'#!/bin/sh\nexec {locate(BISHENGIR).path} "$@"\n')
    wrapper.chmod(0o755)
    env = dict(os.environ, BISHENGIR_COMPILE=str(wrapper))
    linalg = str(example("row_sum.ttadapter.mlir"))
    for argv in (["check", linalg], ["reduce", linalg, "-o", str(tmp_path / "small.mlir")]):
        proc = run_cli(*argv, "--target", A5, cwd=tmp_path, env=env)
        assert proc.returncode == TOOL_MISSING, proc.stderr
        [line] = proc.stderr.strip().splitlines()
        assert "bishengir-compile-a5 not found" in line and "ascendnpu-ir" in line
    assert not list(tmp_path.glob("small.mlir*"))
    assert run_cli("check", linalg, cwd=tmp_path, env=env).returncode == 0  # A2/A3 needs no sibling


@pytest.mark.slow
def test_an_a5_only_failure_reduces_saves_and_replays_in_lit(kernel_module, tmp_path: Path) -> None:
    """fp8 is refused by the frontend unless it compiles for 910_95; on A5 `bishengir-compile-a5` (an assertions
    build) then asserts. Reduced, saved and replayed by lit with the A5 binary behind bishengir-compile."""
    args = ({"src": "*fp32", "dst": "*fp32"}, {"BLOCK": 64})
    a3 = compile_for_ascend(kernel_module.fp8_round_trip, *args, target="Ascend910B3")
    assert a3.failed_stage == "frontend" and "fp8" in a3.error
    a5 = compile_for_ascend(kernel_module.fp8_round_trip, *args, target=A5)
    assert a5.failed_stage == "bishengir" and "bishengir-compile-a5" in a5.error
    src = tmp_path / "fp8_round_trip.ttadapter.mlir"
    src.write_text(a5.ir["ttadapter"])
    small = tmp_path / "small.mlir"
    red = run_cli("reduce", str(src), "--target", A5, "-o", str(small), "-q", "-j", "1", cwd=tmp_path)
    assert red.returncode == 0, red.stderr
    assert json.loads(small.with_name("small.mlir.json").read_text())["signature"]["outcome"] == "assertion"
    saved = run_cli("save", str(small), "--repros", str(tmp_path / "suite"), cwd=tmp_path)
    assert saved.returncode == 0, saved.stderr
    [repro] = list((tmp_path / "suite" / "bishengir").glob("*.mlir"))
    assert f"// RUN: not bishengir-compile %s --target={A5} " in repro.read_text()  # it exits 1: not --crash
    lit = subprocess.run([LIT, "-q", str(tmp_path / "suite")], capture_output=True, text=True, timeout=300)
    assert lit.returncode == 0, lit.stdout + lit.stderr


ADD_SCRIPT = '''
import torch, triton, triton.language as tl

@triton.jit
def add(x, y, o, n, B: tl.constexpr):
    p = tl.program_id(0) * B + tl.arange(0, B)
    m = p < n
    tl.store(o + p, tl.load(x + p, mask=m) + tl.load(y + p, mask=m), mask=m)

a = torch.arange(10.); b = torch.ones(10); c = torch.empty(10)
add[(2,)](a, b, c, 10, B=8)
torch.testing.assert_close(c, a + b)
'''


@pytest.mark.slow
def test_capture_applies_the_options_it_is_given_and_refuses_what_it_cannot_apply(tmp_path: Path) -> None:
    """`--option` reaches every launch of `capture -- CMD` (over the launch's own keywords), so A5-only paths are
    reachable with `--option compile_on_910_95=True` too; an unknown key, or any option on an NPU, is refused."""
    script = tmp_path / "add.py"
    script.write_text(ADD_SCRIPT)
    out = tmp_path / "cap"
    done = run_cli("capture", "-q", "--no-npu", "-o", str(out), "--option", "multibuffer=False", "--option",
                   "compile_on_910_95=True", "--", sys.executable, str(script), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    (record,) = [json.loads(p.read_text()) for p in out.glob("*/record.json")]
    assert record["npu_options"]["multibuffer"] is False
    assert record["npu_options"]["compile_on_910_95"] is True
    assert record["execution"]["status"] == "executed"
    unknown = run_cli("capture", "-q", "--no-npu", "-o", str(tmp_path / "u"), "--option", "no_such=1", "--",
                      sys.executable, str(script), cwd=tmp_path)
    assert unknown.returncode == USAGE and "no_such" in unknown.stderr
    on_npu = run_cli("capture", "-q", "--npu", "-o", str(tmp_path / "n"), "--option", "multibuffer=False", "--",
                     sys.executable, str(script), cwd=tmp_path)
    assert on_npu.returncode == USAGE and "--no-npu" in on_npu.stderr
    assert not (tmp_path / "n").exists()


def test_a5_inputs_are_parsed_and_pass_replayed_by_the_a5_build_of_the_parser() -> None:
    from reducer.stage.toolchain import locate_parser, parse_invocation, stage_invocation

    assert locate_parser(BISHENGIR, target="Ascend950PR_9579").name == "bishengir-opt-a5"
    assert locate_parser(BISHENGIR, target="Ascend910B3").name == "bishengir-opt"
    a5 = Options.for_target("Ascend950PR_9579")
    assert parse_invocation(BISHENGIR, "module {}", target=a5.target).argv[0].endswith("bishengir-opt-a5")
    pass_level = stage_invocation(BISHENGIR, "module {}", a5, pipeline=["--pass-pipeline=builtin.module(cse)"])
    assert pass_level.argv[0].endswith("bishengir-opt-a5")
    # and the parser really runs: a healthy module parses on the A5 build
    run = Replay(BISHENGIR, a5, timeout=60)
    assert run.parses("module {\n}\n")
