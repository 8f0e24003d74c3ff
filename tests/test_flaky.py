"""Flaky failures: labelled with their rate, refused by reduce unless asked, reduced with repeated tests."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from reducer.stage.table import ADAPTER
from reducer.stage.toolchain import locate

from conftest import example, run_cli


def _coin_flip_compiler(tmp_path: Path) -> dict[str, str]:
    """A wrapper that runs the real triton-adapter-opt only every other time (per a counter file)."""
    real = locate(ADAPTER).path
    counter = tmp_path / "count"
    counter.write_text("0")
    fake = tmp_path / "flaky-opt"
    fake.write_text(
        "#!/bin/sh\n"
        # Parse-only runs (no pass flags) always behave: only the pipeline is flaky.
        'case "$*" in *--triton-to-linalg*) ;; *) exec ' + str(real) + ' "$@";; esac\n'
        f"n=$(cat {counter}); echo $((n+1)) > {counter}\n"
        f'if [ $((n % 2)) -eq 0 ]; then exec {real} "$@"; fi\n'
        "exit 0\n"
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    return dict(os.environ, TRITON_ADAPTER_OPT=str(fake))


def test_check_labels_a_flaky_failure_with_its_rate(tmp_path: Path) -> None:
    env = _coin_flip_compiler(tmp_path)
    proc = run_cli("check", str(example("block_ptr_zero_stride.ttir")), "--runs", "10", cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    # Every other pipeline run fails (the failing-pass probe also counts as one).
    assert re.search(r"repeat\s+[4-6]/10 runs \(FLAKY\)", proc.stdout), proc.stdout
    assert "knob" in proc.stdout


def test_reduce_refuses_a_flaky_failure_unless_allowed(tmp_path: Path) -> None:
    env = _coin_flip_compiler(tmp_path)
    proc = run_cli("reduce", str(example("block_ptr_zero_stride.ttir")), "-o", str(tmp_path / "o.mlir"),
                   "--runs", "4", cwd=tmp_path, env=env)
    assert proc.returncode == 3 and "flaky" in proc.stderr and "--allow-flaky" in proc.stderr


@pytest.mark.slow
def test_reduce_with_allow_flaky_retries_each_test(tmp_path: Path) -> None:
    env = _coin_flip_compiler(tmp_path)
    out = tmp_path / "o.mlir"
    proc = run_cli("reduce", str(example("block_ptr_zero_stride.ttir")), "-o", str(out), "--runs", "4",
                   "--allow-flaky", "-j", "1", "--no-pass-level", "-q", cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "strides must not be zero" in proc.stdout
    real = run_cli("check", str(out), "--json")  # the real, deterministic compiler
    assert '"outcome": "assertion"' in real.stdout
