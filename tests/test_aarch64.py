"""The aarch64 builds of both compilers (what Ascend hosts run), under qemu-user: the shipped repros keep their
default ids, frames are stable with ASLR on, and check, reduce, save and lit work end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from aarch64_tools import Unavailable, aarch64_overrides

from reducer.repro.suite import all_repros

ROOT = Path(__file__).resolve().parent.parent
IR = ROOT / "examples" / "ir"
LIT = str(Path(sys.executable).with_name("lit"))

pytestmark = [pytest.mark.slow, pytest.mark.emulation, pytest.mark.download]


@pytest.fixture(scope="module")
def arm_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    try:
        overrides = aarch64_overrides(tmp_path_factory.mktemp("aarch64"))
    except Unavailable as why:
        pytest.skip(f"aarch64 tools unavailable: {why}")
    return {**os.environ, **overrides}


def _reducer(env: dict[str, str], *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reducer", *args], capture_output=True, text=True, env=env,
                          timeout=timeout, cwd=ROOT)


def _check(env: dict[str, str], path: Path, *extra: str) -> dict:
    done = _reducer(env, "check", str(path), "--json", "--timeout", "300", *extra)
    assert done.stdout.strip(), done.stderr
    return json.loads(done.stdout)


def test_the_wrappers_run_the_aarch64_builds(arm_env: dict[str, str]) -> None:
    for var in ("TRITON_ADAPTER_OPT", "BISHENGIR_COMPILE"):
        wrapper = Path(arm_env[var]).read_text()
        assert "qemu-aarch64" in wrapper and "/aarch64/" in wrapper
    doctor = _reducer(arm_env, "doctor")
    assert doctor.returncode == 0 and "bin/triton-adapter-opt" in doctor.stdout, doctor.stdout + doctor.stderr


# Repros the aarch64 wheel's own build answers differently: not an id question, another program. ascendnpu-ir
# 1.2.0 for aarch64 is commit 01ceb3ba84cb (2026-08-31), for x86-64 8796a8ac1508 (2026-07-29).
OTHER_BUILD = {
    "0015-hivm-hir-vsort-op-failed-to.mlir": "LLVM ERROR: Unsupported address space",
}


def test_shipped_repros_keep_their_default_ids_on_aarch64(arm_env: dict[str, str]) -> None:
    """Default ids come from the message and class: the same on both builds. A crash with no message is told apart
    by its frames, so its id is per build (documented): there the class must agree."""
    same, per_build = [], []
    for repro in all_repros(ROOT / "repros"):
        got = _check(arm_env, repro.path)
        want = repro.signature
        assert got["signature"] is not None, (repro.path.name, got["outcome"])
        if repro.path.name in OTHER_BUILD:
            # If the builds ever agree again, this entry goes (and the id must then match).
            assert got["id"] != want.id and OTHER_BUILD[repro.path.name] in got["signature"]["message"]
            continue
        if want.message:
            assert got["id"] == want.id, (repro.path.name, got["signature"], want.to_dict())
            same.append(repro.path.name)
        else:
            # Under qemu-user MLIR's crash recovery hangs, so the failing-pass probe gives up (after 10 s) and
            # names no pass; on a real aarch64 host it names the pass as on x86-64.
            sig = got["signature"]
            assert sig["outcome"] == want.outcome, repro.path.name
            assert sig["failing_pass"] in (want.failing_pass, None), repro.path.name
            per_build.append(repro.path.name)
    assert len(same) >= 12 and len(per_build) <= 2, (same, per_build)


def test_frames_are_the_same_in_ten_runs_with_aslr_on(arm_env: dict[str, str]) -> None:
    report = _check(arm_env, IR / "block_ptr_zero_stride.ttir", "--runs", "10", "--env", "ASLR=on")
    assert report["runs"] == 10 and report["rate"] == 1.0, report
    frames = report["signature"]["frames"]
    assert frames and all(f.startswith("triton-adapter-opt+0x") for f in frames)
    strict = _check(arm_env, IR / "block_ptr_zero_stride.ttir", "--runs", "10", "--env", "ASLR=on",
                    "--expect", report["id"], "--strict")
    assert strict["rate"] == 1.0 and strict["signature"]["frames"] == frames


# sort_int64 passes on the aarch64 build (another commit, see OTHER_BUILD); a UB overflow fails on both. Its
# pass level is skipped: MLIR's crash recovery hangs under qemu, so isolation would only wait for its cap.
@pytest.mark.parametrize("source", [IR / "block_ptr_zero_stride.ttir",
                                    ROOT / "tests" / "data" / "bias_transpose.ttadapter.mlir"], ids=lambda p: p.name)
def test_check_reduce_save_and_lit_on_aarch64(arm_env: dict[str, str], tmp_path: Path, source: Path) -> None:
    first = _check(arm_env, source)
    out, repros = tmp_path / "reduced.mlir", tmp_path / "repros"
    extra = ["--no-pass-level"] if source.suffix == ".mlir" else []
    done = _reducer(arm_env, "reduce", str(source), "-o", str(out), "-j", "2", "--max-time", "240", *extra)
    assert done.returncode == 0, done.stdout + done.stderr
    sidecar = json.loads(out.with_name(out.name + ".json").read_text())
    shown, runs = sidecar["final_check"].split("/")
    assert sidecar["signature"]["id"] == first["id"]
    # 1/1 when --max-time stopped it; under qemu one bishengir run can outlast the final check's 2 s past the
    # deadline (--max-time holds within 5 s), and the result is then kept as "not confirmed": save and lit below
    # confirm it.
    assert shown == runs != "0" or (shown == "0" and "not confirmed" in sidecar.get("final_note", "")), sidecar
    assert sidecar["output"]["ops"] < sidecar["input"]["ops"]
    done = _reducer(arm_env, "save", str(out), "--repros", str(repros))
    assert done.returncode == 0, done.stdout + done.stderr
    lit = subprocess.run([LIT, "-sv", str(repros)], capture_output=True, text=True, env=arm_env, timeout=600)
    assert lit.returncode == 0 and "Passed: 1" in lit.stdout, lit.stdout + lit.stderr
