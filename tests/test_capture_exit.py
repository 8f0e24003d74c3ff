"""Exit codes a CI can gate on for `capture -- CMD` and `sweep -- CMD` (issue 23, point 6), and capture's status
line while the command runs (point 3): environment error 4, never launched 6, `--fail-on new|any` 1, else the
command's own status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reducer.cli import exitcodes
from reducer.cli.gate import CommandEnd, decide, no_launch_line, sweep_failures

HEALTHY = '''
import sys, time
import torch
import triton
import triton.language as tl


@triton.jit
def double_it(x_ptr, N, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    tl.store(x_ptr + offs, tl.load(x_ptr + offs) * 2)


x = torch.randn(16)
double_it[(1,)](x, 16, BLOCK=16)
time.sleep(float(sys.argv[1]) if len(sys.argv) > 1 else 0)
sys.exit(3)
'''

# The shipped example whose constant 0 row stride aborts triton-adapter-opt (a compiler bug).
FAILING = f"""
import sys
import torch
sys.path.insert(0, {str(Path(__file__).resolve().parent.parent / "examples" / "kernels")!r})
import block_ptr_zero_stride
block_ptr_zero_stride.run(torch)
"""


def _reducer(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """As a CI runs it: its own process, output to pipes (not a terminal)."""
    return subprocess.run([sys.executable, "-m", "reducer", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=600)


def test_the_gate_keeps_its_order_of_precedence() -> None:
    launched = CommandEnd(returncode=3, units=2)
    never = CommandEnd(returncode=1, units=0, last_error="ModuleNotFoundError: No module named 'x'")
    assert decide(never, environment=["Cannot find bishengir-compile-a5"], failures=["f"], fail_on="any") == 4
    assert decide(never, environment=[], failures=["f"], fail_on="any") == exitcodes.NO_LAUNCH
    assert decide(launched, environment=[], failures=["f"], fail_on="new") == exitcodes.NOT_INTERESTING
    assert decide(launched, environment=[], failures=[], fail_on="new") == 3
    assert decide(CommandEnd(-9, 1), environment=[], failures=[], fail_on=None) == 128 + 9
    assert decide(None, environment=[], failures=[], fail_on=None) == exitcodes.OK
    assert "exited 1 before its first kernel launch: ModuleNotFoundError" in (no_launch_line(never) or "")
    assert no_launch_line(launched) is None
    assert exitcodes.NO_LAUNCH not in (exitcodes.OK, exitcodes.NOT_INTERESTING, exitcodes.USAGE,
                                       exitcodes.BAD_INPUT, exitcodes.TOOL_MISSING, exitcodes.INTERNAL)


def test_fail_on_new_counts_every_signature_the_suite_does_not_hold() -> None:
    triage = {"signatures": [{"id": "a", "status": "known"}, {"id": "b", "status": "new"},
                             {"id": "c", "status": "not reduced"}]}
    assert sweep_failures(triage, None) == []
    assert sweep_failures(triage, "new") == ["b", "c"]
    assert sweep_failures(triage, "any") == ["a", "b", "c"]


@pytest.mark.slow
def test_a_command_that_never_launches_exits_6_and_says_why(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("import a_module_that_is_not_installed_anywhere\n")
    for command in ("capture", "sweep"):
        proc = _reducer(command, "--no-npu", "-o", f"out-{command}", "--", sys.executable, "broken.py", cwd=tmp_path)
        assert proc.returncode == exitcodes.NO_LAUNCH, proc.stdout + proc.stderr
        line = next(x for x in proc.stderr.splitlines() if "before its first kernel launch" in x)
        assert "exited 1" in line and "ModuleNotFoundError" in line and "a_module_that_is_not_installed" in line
        assert "no failing kernel" not in proc.stdout + proc.stderr
        # The command's own traceback still reaches stderr as it wrote it.
        assert "Traceback (most recent call last)" in proc.stderr


@pytest.mark.slow
def test_the_command_status_passes_through_and_the_status_line_is_never_silent(tmp_path: Path) -> None:
    (tmp_path / "healthy.py").write_text(HEALTHY)
    proc = _reducer("capture", "--no-npu", "-o", "cap", "--", sys.executable, "healthy.py", "6", cwd=tmp_path)
    assert proc.returncode == 3, proc.stdout + proc.stderr  # the command's own status, unchanged
    beats = [x for x in proc.stderr.splitlines() if "compile unit recorded" in x]
    assert beats and beats[-1].startswith("["), proc.stderr  # a periodic line in a log: units so far, time
    assert "captured 1 compile units of 1 kernel" in proc.stdout
    quiet = _reducer("capture", "-q", "--no-npu", "-o", "cap2", "--", sys.executable, "healthy.py", cwd=tmp_path)
    assert quiet.returncode == 3 and "compile unit recorded" not in quiet.stderr
    swept = _reducer("sweep", "-q", "--no-npu", "--no-reduce", "-o", "cap3", "--repros", "repros", "--",
                     sys.executable, "healthy.py", cwd=tmp_path)
    assert swept.returncode == 3, swept.stdout + swept.stderr


@pytest.mark.slow
def test_fail_on_gates_on_compiler_failures(tmp_path: Path) -> None:
    (tmp_path / "failing.py").write_text(FAILING)
    plain = _reducer("capture", "-q", "--no-npu", "-o", "cap", "--", sys.executable, "failing.py", cwd=tmp_path)
    assert plain.returncode == 0, plain.stdout + plain.stderr  # default off: the command's status
    gated = _reducer("capture", "-q", "--no-npu", "-o", "cap", "--fail-on", "any", "--", sys.executable, "failing.py",
                     cwd=tmp_path)
    assert gated.returncode == exitcodes.NOT_INTERESTING and "--fail-on any: 1 compiler failure" in gated.stderr
    swept = _reducer("sweep", "-q", "--no-npu", "--no-reduce", "-o", "swept", "--repros", "repros", "--fail-on",
                     "new", "--", sys.executable, "failing.py", cwd=tmp_path)
    assert swept.returncode == exitcodes.NOT_INTERESTING, swept.stdout + swept.stderr
    sweep_ids = {g["id"] for g in json.loads((tmp_path / "swept" / "triage.json").read_text())["signatures"]}
    # capture --fail-on new names the same signature the sweep's replay found
    new = _reducer("capture", "-q", "--no-npu", "-o", "cap", "--fail-on", "new", "--", sys.executable, "failing.py",
                   cwd=tmp_path)
    assert new.returncode == exitcodes.NOT_INTERESTING
    assert any(i in new.stderr for i in sweep_ids), (sweep_ids, new.stderr)
