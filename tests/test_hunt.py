"""Hidden failures: `check --runs N` hunts under the perturbation knobs, and `--env` carries the knob that
shows the bug through reduce, save (the RUN line) and lit.

A fake compiler stands in for a heap bug (it aborts only under MALLOC_PERTURB_=204 and otherwise is the real
triton-adapter-opt), so the whole path is tested deterministically; the knob table itself is exercised on the
real compiler by the shipped examples in tests/test_flaky.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reducer.errors import UsageError
from reducer.stage.run_env import RunEnv
from reducer.stage.table import ADAPTER
from reducer.stage.toolchain import locate

from conftest import example, run_cli

LIT = str(Path(sys.executable).with_name("lit"))


@pytest.fixture
def heap_bug(tmp_path: Path) -> dict[str, str]:
    """triton-adapter-opt that aborts like a glibc heap check, but only with MALLOC_PERTURB_=204."""
    fake = tmp_path / "bin" / "triton-adapter-opt"
    fake.parent.mkdir()
    fake.write_text(
        "#!/bin/sh\n"
        'case "$*" in *--version*) exec ' + str(locate(ADAPTER).path) + ' "$@";; esac\n'
        'case "$*" in *--triton-to-linalg*) if [ "$MALLOC_PERTURB_" = 204 ]; then\n'
        '  printf "free(): invalid next size (fast)\\nStack dump:\\n0.\\tProgram arguments: x\\n" >&2\n'
        "  kill -ABRT $$; fi;; esac\n"
        "exec " + str(locate(ADAPTER).path) + ' "$@"\n'
    )
    fake.chmod(0o755)
    return dict(os.environ, TRITON_ADAPTER_OPT=str(fake))


def test_env_parses_and_refuses() -> None:
    env = RunEnv.from_cli(["MALLOC_PERTURB_=204", "GLIBC_TUNABLES=glibc.malloc.tcache_count=0", "ASLR=on"])
    assert env == RunEnv(True, 204, None, "glibc.malloc.tcache_count=0")
    assert RunEnv.from_mapping(env.as_dict()) == env
    for bad in (["MALLOC_PERTURB_=x"], ["MALLOC_PERTURB_=300"], ["LD_PRELOAD=/x.so"], ["GLIBC_TUNABLES=a;b"]):
        with pytest.raises(UsageError):
            RunEnv.from_cli(bad)


@pytest.mark.slow
def test_check_hunts_a_failure_that_hides_and_names_the_knob(heap_bug: dict[str, str], tmp_path: Path) -> None:
    proc = run_cli("check", str(example("vector_add.ttir")), "--runs", "6", "--json", cwd=tmp_path, env=heap_bug)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["outcome"] == "passed"  # a plain run does not show it
    knobs = {k["knob"]: k for k in data["knobs"]}
    assert knobs["MALLOC_PERTURB_=204"]["failures"] == knobs["MALLOC_PERTURB_=204"]["runs"] == 6
    assert knobs["ASLR on"]["failures"] == 0 and knobs["ASLR on"]["runs"] == 6
    assert data["hunt_runs"] == sum(k["runs"] for k in data["knobs"])
    text = run_cli("check", str(example("vector_add.ttir")), "--runs", "6", cwd=tmp_path, env=heap_bug).stdout
    assert "--env MALLOC_PERTURB_=204" in text and "6/6 runs fail" in text


@pytest.mark.slow
def test_a_knob_travels_through_reduce_save_and_lit(heap_bug: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "small.mlir"
    red = run_cli("reduce", str(example("vector_add.ttir")), "--env", "MALLOC_PERTURB_=204", "-o", str(out), "-q",
                  cwd=tmp_path, env=heap_bug)
    assert red.returncode == 0, red.stderr
    car = json.loads(out.with_name("small.mlir.json").read_text())
    assert car["final_check"] == "5/5" and car["env"]["MALLOC_PERTURB_"] == "204"
    save = run_cli("save", str(out), "--repros", str(tmp_path / "suite"), cwd=tmp_path, env=heap_bug)
    assert save.returncode == 0, save.stderr
    [repro] = list((tmp_path / "suite" / "adapter").glob("*.mlir"))
    text = repro.read_text()
    assert "// RUN: not --crash env MALLOC_PERTURB_=204 triton-adapter-opt %s" in text
    assert '"env": {"ASLR": "off", "MALLOC_PERTURB_": "204"}' in text
    lit = subprocess.run([LIT, "-v", str(tmp_path / "suite")], capture_output=True, text=True, env=heap_bug,
                         timeout=300)
    assert lit.returncode == 0 and "PASS" in lit.stdout, lit.stdout + lit.stderr
    again = run_cli("recheck", "--repros", str(tmp_path / "suite"), cwd=tmp_path, env=heap_bug)
    assert again.returncode == 0 and "reproduces" in again.stdout  # recheck replays under the repro's knob
    report = run_cli("report", str(repro), "-o", str(tmp_path / "r"), cwd=tmp_path, env=heap_bug)
    assert report.returncode == 0, report.stderr
    issue = (tmp_path / "r" / "issue.md").read_text()
    assert "10/10 runs with MALLOC\\_PERTURB\\_=204" in issue or "10/10 runs with MALLOC_PERTURB_=204" in issue
    assert "0/10 runs without it" in issue


@pytest.mark.slow
def test_a_real_heap_corruption_is_found_reduced_and_saved(tmp_path: Path) -> None:
    """matmul_kmask_heap.ttir: triton-adapter-opt corrupts its heap; a clean replay passes, the knob shows it."""
    src = example("matmul_kmask_heap.ttir")
    check = run_cli("check", str(src), "--runs", "20", "--json", cwd=tmp_path)
    data = json.loads(check.stdout)
    assert data["outcome"] == "passed" and data["runs"] == 20
    knobs = {k["knob"]: k for k in data["knobs"]}
    perturb = knobs["MALLOC_PERTURB_=204"]
    assert perturb["failures"] == perturb["runs"] >= 5 and perturb["id"]
    out = tmp_path / "heap.mlir"
    red = run_cli("reduce", str(src), "--env", "MALLOC_PERTURB_=204", "-o", str(out), "-q", "-j", "2", cwd=tmp_path)
    assert red.returncode == 0, red.stderr
    car = json.loads(out.with_name("heap.mlir.json").read_text())
    assert car["final_check"] == "5/5" and car["signature"]["id"] == perturb["id"]
    assert car["output"]["ops"] < car["input"]["ops"]
    assert run_cli("save", str(out), "--repros", str(tmp_path / "suite"), cwd=tmp_path).returncode == 0
    lit = subprocess.run([LIT, "-v", str(tmp_path / "suite")], capture_output=True, text=True, timeout=300)
    assert lit.returncode == 0 and "PASS" in lit.stdout, lit.stdout + lit.stderr
