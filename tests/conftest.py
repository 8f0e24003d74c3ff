"""Shared fixtures: the shipped examples, a CLI runner that checks the no-traceback contract, the test tiers
(markers in pyproject.toml) and the release cache the matrix tests share across runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "ir"
# Releases the tests fetch (50-160 MB a wheel, only the binaries kept) outlive the run: the second run fetches none.
RELEASES = Path(os.environ.get("REDUCER_TEST_CACHE") or Path.home() / ".cache" / "reducer-tests") / "releases"
SLOW_BY_NATURE = ("ray", "emulation", "download")
_ready_before: set[str] | None = None


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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A Ray, emulation or download test is slow even when its `slow` mark was forgotten."""
    for item in items:
        if any(item.get_closest_marker(name) for name in SLOW_BY_NATURE) and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)


def _ready() -> set[str]:
    return {p.parent.name for p in RELEASES.glob("*/.ready")}


@pytest.fixture(scope="session")
def release_cache(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment whose REDUCER_CACHE keeps the fetched releases across runs (`releases/` links to RELEASES)
    while the release list and the matrix's results start empty each run, so every run still runs the compilers."""
    global _ready_before
    RELEASES.mkdir(parents=True, exist_ok=True)
    _ready_before = _ready()
    root = tmp_path_factory.mktemp("reducer-cache")
    (root / "releases").symlink_to(RELEASES, target_is_directory=True)
    return dict(os.environ, REDUCER_CACHE=str(root))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say what the release cache cost this run: a second run fetches nothing."""
    if _ready_before is not None:
        fetched = sorted(_ready() - _ready_before)
        terminalreporter.write_line(
            f"release cache {RELEASES}: {len(fetched)} fetched this run {fetched}, {len(_ready_before)} were cached"
        )
