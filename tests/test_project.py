"""End to end on a realistic project: `reducer sweep -- python examples/project/run_ops.py` with the real
frontend, triton-adapter-opt and bishengir-compile; then `lit` on the repros folder the sweep wrote."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sweep_run import sweep_script

ROOT = Path(__file__).resolve().parent.parent
RUN_OPS = ROOT / "examples" / "project" / "run_ops.py"
UB_OVERFLOW = "ub overflow"
LIT = str(Path(sys.executable).with_name("lit"))

pytestmark = pytest.mark.slow  # one sweep of a whole project, shared by every test


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    pytest.importorskip("torch")
    return sweep_script(tmp_path_factory.mktemp("project"), RUN_OPS, 90)


def test_every_unit_is_captured_and_counted_alike(project: dict[str, object]) -> None:
    index, triage = project["index"], project["triage"]
    records = index["kernels"]
    modules = {Path(r["source"].rsplit(":", 1)[0]).name for r in records if r.get("source")}
    kernels = {r["kernel"] for r in records}
    assert len(kernels) >= 20 and len(modules) >= 5, (kernels, modules)
    assert not [r for r in records if r["outcome"] == "incomplete"]
    s = triage["summary"]
    assert s["units"] == len(records) == len(triage["units"]) and s["kernels"] == len(kernels)
    assert f"captured {len(records)} compile units of {len(kernels)} kernels" in project["output"]
    # Every config of the autotuned matmul is a unit of its own, named by its slot.
    matmul = sorted(r["config"] for r in triage["units"] if r["kernel"] == "_matmul_kernel")
    assert [c.split()[0] for c in matmul] == [f"{i}/6" for i in range(1, 7)]


def test_each_shim_is_a_finding_and_the_kernel_reaches_the_compiler(project: dict[str, object]) -> None:
    triage = project["triage"]
    findings = {f["incompatibility"]: f for f in triage["frontend"]}
    assert findings["drop-maxnreg"]["kernels"] == ["_silu_and_mul_kernel"]
    assert findings["dot-input-precision-default"]["kernels"] == ["_lora_shrink_kernel"]
    shimmed = {r["kernel"]: r for r in triage["units"] if "+shim" in r["config"]}
    assert set(shimmed) == {"_silu_and_mul_kernel", "_lora_shrink_kernel"}
    assert all(r["outcome"] in ("passed", "failed") for r in shimmed.values())


def test_triage_rows_name_outcome_and_signature_per_unit(project: dict[str, object]) -> None:
    triage = project["triage"]
    by_id = {g["id"]: g for g in triage["signatures"]}
    for row in triage["units"]:
        if row["outcome"] == "failed":
            assert row["ids"] and all(i in by_id for i in row["ids"]), row
        elif row["outcome"] == "passed":
            assert not row["ids"], row
    failing = {r["kernel"] for r in triage["units"] if r["outcome"] == "failed"}
    assert {"_broadcast_prefix_kernel", "_rms_norm_skip_padding_kernel", "_greedy_or_sample_kernel"} <= failing
    md = (project["out"] / "triage.md").read_text()
    assert md.count("\n| _matmul_kernel |") == 6


def test_resource_limits_are_not_bugs_and_each_gets_the_config_that_fits(project: dict[str, object]) -> None:
    triage = project["triage"]
    assert not [g for g in triage["signatures"] if UB_OVERFLOW in g["title"]]  # not a compiler bug
    limits = {r["kernel"]: r for r in triage["resource_limits"]}
    assert set(limits) == {"_bias_transpose_kernel", "_gated_mlp_kernel", "_greedy_argmax_kernel"}
    units = [u for u in triage["units"] if u["outcome"] == "resource-limit"]
    assert len(units) == 3 and not any(u["ids"] for u in units)
    for u in units:
        r = u["resource"]
        assert r["kind"] == "ub" and r["requires_bits"] > r["available_bits"] > 0, r
        assert r["fit"] is not None and r["tried"] >= 2 and r["anomaly"] is None, r
        assert (project["out"] / r["fit"]["ir"]).is_file()
        assert set(r["fit"]["changes"]) <= set(r["fit"]["config"])
    assert limits["_gated_mlp_kernel"]["suggestion"].startswith("fits with B")  # a block size, not the data
    assert "## Resource limits" in (project["out"] / "triage.md").read_text()
    assert "units hit a resource limit" in project["output"] and "per unit searched" in project["output"]
    # One bug in two kernels stays one repro.
    nested = [g for g in triage["signatures"] if "_greedy_or_sample_kernel" in g["kernels"]]
    assert len(nested) == 1 and len(nested[0]["causes"]) == 1
    assert set(nested[0]["causes"][0]["kernels"]) == {"_greedy_or_sample_kernel", "_rms_norm_skip_padding_kernel"}


def test_lit_runs_the_sweeps_repros(project: dict[str, object]) -> None:
    repros = project["repros"]
    saved = sorted(repros.rglob("*.mlir"))
    assert len(saved) >= 2
    done = subprocess.run([LIT, "-sv", str(repros)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Passed: {len(saved)}" in done.stdout or f"Passed : {len(saved)}" in done.stdout, done.stdout
