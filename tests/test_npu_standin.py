"""The NPU stand-in: Ascend scripts as written (`import torch_npu`, device="npu:0", `torch.npu.*`) run with no NPU,
in a subprocess started the way capture starts the user's command (its generated sitecustomize)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reducer.capture.command import capture_env, run_command
from reducer.npu import target
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "examples" / "npu_scripts"


def _run(tmp_path: Path, source: str, *, compile_only: bool = True) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(source))
    env = capture_env(tmp_path / "capture", "Ascend910B3", compile_only)
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=300,
                          cwd=tmp_path)


TENSORS = """
    import torch
    import torch_npu
    import torch_npu.npu
    from torch_npu.contrib import transfer_to_npu  # noqa: F401

    a = torch.empty(4, 8, device="npu")
    assert a.device.type == "npu" and a.device == torch.device("npu:0") and a.data_ptr() % 16 == 0
    assert a.untyped_storage().nbytes() == 128 and a.element_size() == 4 and a.numel() == 32
    assert a.is_contiguous() and a.stride() == (8, 1) and a.dtype == torch.float32
    for t in (torch.zeros(3, device="npu:0"), torch.ones(3, device=torch.device("npu")),
              torch.full((3,), 2.0, device="npu"), torch.randn(3, device="npu"), torch.rand(3, device="npu"),
              torch.arange(3, device="npu"), torch.tensor([1, 2, 3], device="npu"), torch.empty_like(a),
              torch.randn(3).npu(), torch.randn(3).to("npu"), torch.randn(3).cuda()):
        assert t.device.type == "npu", t.device
    c = torch.randn(4, 8)
    n = c.npu()
    assert torch.equal(n.cpu(), c) and n.to("cpu").device.type == "cpu"
    a.copy_(c)
    back = torch.empty(4, 8)
    back.copy_(a)
    assert torch.equal(back, c)
    a.view(32)[0] = 100.0  # a view shares the npu storage
    assert a[0, 0].item() == 100.0
    torch.testing.assert_close((n @ n.t()).cpu(), c @ c.t())
    assert torch.allclose(torch.softmax(n, -1), torch.softmax(c, -1).npu())
    assert "device='npu:0'" in repr(n)
    out = torch.empty(0, device="npu")
    torch.add(n, n, out=out)  # an out= the op resizes
    assert out.shape == (4, 8) and torch.equal(out.cpu(), 2 * c)
    assert torch.npu.memory_allocated() > 0

    calls = []
    lib = torch.library.Library("aten", "IMPL")
    def my_neg(x):
        calls.append(x.device.type)
        return torch.zeros_like(x)
    lib.impl("neg", my_neg, "PrivateUse1")
    assert torch.neg(n).abs().sum().item() == 0 and calls == ["npu"]
    assert torch.equal(torch.neg(c), -c) and calls == ["npu"]  # CPU tensors never reach the override
    print("OK")
"""


API = """
    import torch
    import torch_npu
    import triton

    assert torch.npu.is_available() and torch.npu.device_count() == 1
    torch.npu.set_device(0)
    torch_npu.npu.utils.set_device(0)
    assert torch.npu.current_device() == 0 and torch_npu.npu is torch.npu
    torch.npu.synchronize()
    props = torch.npu.get_device_properties(0)
    assert (props.name, props.cube_core_num, props.vector_core_num) == ("Ascend910B3", 20, 40)
    assert torch.npu.get_device_name() == "Ascend910B3" and props.total_memory > 0
    s = torch.npu.Stream()
    with torch.npu.stream(s):
        assert torch.npu.current_stream() is s
    assert torch.npu.current_stream().npu_stream == 0
    start, end = torch.npu.Event(enable_timing=True), torch.npu.Event(enable_timing=True)
    start.record(); end.record(); end.synchronize()
    assert start.elapsed_time(end) >= 0
    torch.npu.manual_seed(3)
    x = torch.randn(4, device="npu")
    torch.manual_seed(3)
    assert torch.equal(x, torch.randn(4, device="npu"))
    free, total = torch.npu.mem_get_info()
    assert 0 < free <= total
    torch.npu.empty_cache(); torch.npu.reset_peak_memory_stats()
    with torch.npu.device(0):
        pass
    from torch_npu._C import _npu_getCurrentRawStream
    assert _npu_getCurrentRawStream(0) == 0
    with torch_npu.profiler.profile(activities=[torch_npu.profiler.ProfilerActivity.NPU]) as prof:
        prof.step()
    driver = triton.runtime.driver.active
    assert driver.utils.get_device_properties(torch.npu.current_device())["num_vectorcore"] == 40
    assert driver.get_current_target().arch == "Ascend910B3"
    assert not hasattr(torch.npu, "no_such_api") and not hasattr(torch_npu, "mlu")
    print("OK")
"""


@pytest.mark.slow
def test_tensors_on_npu_are_cpu_backed_and_dispatch_on_privateuse1(tmp_path: Path) -> None:
    done = _run(tmp_path, TENSORS)
    assert done.returncode == 0 and done.stdout.strip() == "OK", done.stderr


@pytest.mark.slow
def test_the_torch_npu_api_ascend_code_calls(tmp_path: Path) -> None:
    done = _run(tmp_path, API)
    assert done.returncode == 0 and done.stdout.strip() == "OK", done.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    "call,api",
    [
        ("torch.npu.no_such_api()", "torch.npu.no_such_api"),
        ("import torch_npu.no_such_module", "torch_npu.no_such_module"),
        ("from torch_npu import no_such_name", "torch_npu.no_such_name"),
        # an operator imports, as libraries do once they see an NPU; a call is refused
        ("from torch_npu import npu_fusion_attention\nnpu_fusion_attention(1)",
         "torch_npu.npu_fusion_attention (a torch_npu operator, called)"),
    ],
)
def test_an_api_outside_the_standin_fails_in_one_line(tmp_path: Path, call: str, api: str) -> None:
    done = _run(tmp_path, f"import torch\nimport torch_npu\n{call}\n")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"reducer: {api} is not provided by reducer's NPU stand-in (0 kernel launches so far)"
    ]


def test_a_program_that_never_imports_torch_does_not_get_it(tmp_path: Path) -> None:
    done = _run(tmp_path, "import sys\nimport json\nprint('torch' in sys.modules)\n")
    assert done.returncode == 0 and done.stdout.strip() == "False", done.stderr


def test_not_installed_when_an_npu_is_present(tmp_path: Path) -> None:
    """npu mode: no sitecustomize, so `torch_npu` is whatever is installed (nothing, on this machine)."""
    script = tmp_path / "probe.py"
    script.write_text("import importlib.util\nprint(importlib.util.find_spec('torch_npu') is None)\n")
    assert run_command([sys.executable, str(script)], tmp_path / "npu", "Ascend910B3", npu=True).returncode == 0
    env = capture_env(tmp_path / "npu", "Ascend910B3", compile_only=False)
    assert ".bootstrap" not in env.get("PYTHONPATH", "")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=60)
    assert done.stdout.strip() == "True"
    assert _run(tmp_path, script.read_text()).stdout.strip() == "False"  # and with no NPU, the stand-in serves it


CANN_FIGURES = """
    import torch, torch_npu
    from tbe.common.platform import get_soc_spec, set_current_compile_soc_info

    set_current_compile_soc_info(torch.npu.get_device_name(torch.npu.current_device()))
    print(get_soc_spec("SOC_VERSION"), get_soc_spec("SHORT_SOC_VERSION"), get_soc_spec("UB_SIZE"),
          get_soc_spec("CORE_NUM"), get_soc_spec("VECTOR_CORE_CNT"), get_soc_spec("L1_SIZE"))
    set_current_compile_soc_info("Ascend950PR_9579")
    print(get_soc_spec("UB_SIZE"), get_soc_spec("CUBE_CORE_CNT"))
    get_soc_spec("NO_SUCH_KEY")
"""


@pytest.mark.slow
def test_cann_tbe_answers_the_targets_own_figures(tmp_path: Path) -> None:
    """Kernel libraries size their blocks from CANN's get_soc_spec (bytes): the figures the compiler holds the
    kernel to (its device spec, in bits, / 8); an unknown key is refused in one line."""
    done = _run(tmp_path, CANN_FIGURES)
    ub = int(target.spec("Ascend910B3")["UB_SIZE"]) // 8
    assert done.stdout.splitlines() == [f"Ascend910B3 Ascend910B {ub} 20 40 {4194304 // 8}",
                                        f"{int(target.spec('Ascend950PR_9579')['UB_SIZE']) // 8} 28"]
    assert ub == 192 * 1024  # the 910B's 192 KiB UB, as its ub-overflow messages count it (1572864 bits)
    assert done.returncode == 1 and done.stderr.strip().splitlines() == [
        "reducer: tbe.common.platform.get_soc_spec('NO_SUCH_KEY') is not provided by reducer's NPU stand-in "
        "(0 kernel launches so far)"]


def test_core_counts_come_from_the_installed_compiler() -> None:
    assert target.cores("Ascend910B3") == (20, 40)
    assert target.cores("Ascend910_9392") == (24, 48)
    assert target.cores("Ascend950PR_9579") == (28, 56)


@pytest.mark.slow
@pytest.mark.parametrize("script", ["vector_add_repro.py", "row_softmax_repro.py", "aten_override_repro.py"])
def test_report_scripts_run_unmodified_under_capture(tmp_path: Path, script: str) -> None:
    out = tmp_path / "cap"
    done = run_cli("capture", "-o", str(out), "--", sys.executable, str(SCRIPTS / script), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASS" in done.stdout
    kernels = json.loads((out / "index.json").read_text())["kernels"]
    assert kernels and all(k["outcome"] == "passed" for k in kernels), kernels


@pytest.mark.slow
def test_a_refusal_counts_the_launches_before_it(tmp_path: Path) -> None:
    script = tmp_path / "late.py"
    script.write_text((SCRIPTS / "vector_add_repro.py").read_text() + "\n    torch.npu.no_such_api()\n")
    done = run_cli("capture", "-o", str(tmp_path / "cap"), "--", sys.executable, str(script), cwd=tmp_path)
    assert "reducer: torch.npu.no_such_api is not provided by reducer's NPU stand-in (1 kernel launches so far)" in (
        done.stderr
    )


@pytest.mark.slow
def test_a_report_script_as_written_is_swept_to_its_compiler_bug(tmp_path: Path) -> None:
    """import torch_npu, device="npu:0", torch.npu.synchronize(): the sweep finds the crash the report is about,
    and the script's own check passes because the launch really ran on the CPU."""
    out = tmp_path / "sweep"
    done = run_cli("sweep", "-q", "--no-reduce", "-o", str(out), "--repros", str(tmp_path / "repros"), "--",
                   sys.executable, str(SCRIPTS / "broadcast_rows_repro.py"), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASS" in done.stdout
    triage = json.loads((out / "triage.json").read_text())
    (group,) = triage["signatures"]
    assert group["stage"] == "adapter" and group["kernels"] == ["broadcast_rows_kernel"]
    assert "strides must not be zero" in json.dumps(group)


@pytest.mark.slow
def test_an_ascend_pytest_suite_runs_unmodified_under_sweep(tmp_path: Path) -> None:
    """A conftest that calls torch.npu.set_device, cases that move tensors with .npu(): every case passes its own
    assertions and every launch is a compile unit."""
    suite = SCRIPTS.parent / "npu_tests"
    out = tmp_path / "sweep"
    done = run_cli("sweep", "-q", "--no-reduce", "-o", str(out), "--repros", str(tmp_path / "repros"), "--",
                   sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(suite), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "6 passed" in done.stdout
    kernels = json.loads((out / "index.json").read_text())["kernels"]
    assert {k["kernel"] for k in kernels} == {"scaled_sub_kernel", "row_max_kernel"}
    assert all(k["execution"]["status"] == "executed" for k in kernels), kernels
