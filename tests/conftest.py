"""Shared fixtures: the shipped examples and a CLI runner that checks the no-traceback contract."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "ir"


def example(name: str) -> Path:
    path = EXAMPLES / name
    assert path.is_file(), f"missing example {path}"
    return path


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run `python -m reducer ARGS` as a user would; never let a traceback through."""
    proc = subprocess.run([sys.executable, "-m", "reducer", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=timeout)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES
