"""`reducer matrix` against the real ascendnpu-ir releases from the registry (fetched once into a cache)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reducer.release.matrix import HEALTHY, OTHER, SAME, TOOL_ERROR, ReleaseResult, verdict
from reducer.repro.lit_setup import ensure_config

from conftest import ROOT, example, run_cli

LIT = str(Path(sys.executable).with_name("lit"))
OLD = "1.0.0,1.1.0,1.2.0"


def _r(version: str, outcome: str) -> ReleaseResult:
    return ReleaseResult("pkg", version, outcome, "x" if outcome in (SAME, OTHER) else None, outcome == SAME)


@pytest.mark.parametrize(
    "outcomes, said",
    [
        ((SAME, SAME, SAME), "in all releases (1, 2, 3)"),
        ((SAME, HEALTHY, HEALTHY), "fixed in 2"),
        ((SAME, SAME, OTHER), "gone in 3 (x)"),
        ((HEALTHY, SAME, SAME), "regressed in 2"),
        ((HEALTHY, SAME, HEALTHY), "only 2"),
        ((SAME, HEALTHY, SAME), "in 1, 3"),
        ((TOOL_ERROR, SAME, SAME), "in all releases (2, 3)"),
        ((HEALTHY, HEALTHY, OTHER), "in none of the releases; another failure in 3 (x)"),
    ],
)
def test_verdicts(outcomes: tuple[str, ...], said: str) -> None:
    assert verdict([_r(str(i + 1), o) for i, o in enumerate(outcomes)]) == said


@pytest.fixture(scope="module")
def cache(release_cache: dict[str, str]) -> dict[str, str]:
    return release_cache  # conftest's: the releases fetched once, kept across runs


def _matrix(env: dict[str, str], *args: str) -> list[dict[str, object]]:
    proc = run_cli("matrix", *args, "--json", env=env, timeout=900)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.slow
@pytest.mark.download
def test_a_bug_in_every_release_and_a_bug_fixed_later(cache: dict[str, str]) -> None:
    rows = _matrix(cache, str(example("sort_int64.ttadapter.mlir")), "--versions", OLD)
    assert [r["version"] for r in rows] == ["1.0.0", "1.1.0", "1.2.0"]
    for row in rows:
        assert set(row) >= {"package", "version", "outcome", "id", "same_bug"} and row["package"] == "ascendnpu-ir"
        assert row["outcome"] == SAME and row["same_bug"] is True
    fixed = _matrix(cache, str(example("layernorm_rows_wide.ttadapter.mlir")), "--versions", OLD,
                    "--expect", "1a63f94adfa5")  # the ub overflow 1.0.0 shows on this kernel
    assert [r["outcome"] for r in fixed] == [SAME, HEALTHY, HEALTHY]
    text = run_cli("matrix", str(example("layernorm_rows_wide.ttadapter.mlir")), "--versions", OLD, "--expect",
                   "1a63f94adfa5", env=cache).stdout
    assert "verdict: fixed in 1.1.0" in text


@pytest.mark.slow
@pytest.mark.download
def test_the_second_run_creates_nothing(cache: dict[str, str]) -> None:
    root = Path(cache["REDUCER_CACHE"])
    _matrix(cache, str(example("sort_int64.ttadapter.mlir")), "--versions", OLD)
    before = sorted((str(p), p.stat().st_mtime_ns) for p in (root / "releases").rglob("*"))
    again = _matrix(cache, str(example("sort_int64.ttadapter.mlir")), "--versions", OLD)
    after = sorted((str(p), p.stat().st_mtime_ns) for p in (root / "releases").rglob("*"))
    assert before == after and all(r["cached"] for r in again)


@pytest.mark.slow
@pytest.mark.download
def test_offline_uses_what_is_cached_and_says_so(cache: dict[str, str], tmp_path: Path) -> None:
    _matrix(cache, str(example("vector_add.ttadapter.mlir")))  # lists the releases once, online
    offline = dict(cache, PIP_CONFIG_FILE=os.devnull, PIP_INDEX_URL="http://127.0.0.1:9/simple", PIP_NO_INDEX="1",
                   PIP_FIND_LINKS="", PIP_EXTRA_INDEX_URL="")
    proc = run_cli("matrix", str(example("row_sum.ttadapter.mlir")), "--json", env=offline)
    assert proc.returncode == 0, proc.stderr
    assert "registry did not answer" in proc.stderr
    rows = json.loads(proc.stdout)
    assert [r["version"] for r in rows] == ["1.0.0", "1.1.0", "1.2.0"]  # the cached list, the cached binaries
    assert all(r["outcome"] == HEALTHY for r in rows)
    missing = run_cli("matrix", str(example("row_sum.ttadapter.mlir")), "--versions", "0.9.9", "--json", env=offline)
    assert missing.returncode == 0 and json.loads(missing.stdout)[0]["outcome"] == TOOL_ERROR
    empty = dict(offline, REDUCER_CACHE=str(tmp_path / "empty"))
    nothing = run_cli("matrix", str(example("row_sum.ttadapter.mlir")), env=empty)
    assert nothing.returncode == 3 and "none are cached" in nothing.stderr


@pytest.mark.slow
@pytest.mark.download
def test_record_puts_the_releases_in_the_repro_and_the_issue(cache: dict[str, str], tmp_path: Path) -> None:
    suite = tmp_path / "suite" / "bishengir"
    suite.mkdir(parents=True)
    repro = suite / "0001-vsort.mlir"
    shutil.copy(ROOT / "repros" / "bishengir" / "0015-hivm-hir-vsort-op-failed-to.mlir", repro)
    proc = run_cli("matrix", str(repro), "--versions", OLD, "--record", env=cache)
    assert proc.returncode == 0, proc.stderr
    header = json.loads(repro.read_text().splitlines()[0].split(": ", 1)[1])
    assert header["releases"] == {"1.0.0": SAME, "1.1.0": SAME, "1.2.0": SAME}
    assert header["verdict"].startswith("in all releases")
    ensure_config(tmp_path / "suite")
    lit = subprocess.run([LIT, "-v", str(tmp_path / "suite")], capture_output=True, text=True, timeout=300)
    assert lit.returncode == 0, lit.stdout
    report = run_cli("report", str(repro), "-o", str(tmp_path / "r"), env=cache)
    assert report.returncode == 0, report.stderr
    assert "ascendnpu-ir 1.0.0: same-bug" in (tmp_path / "r" / "issue.md").read_text()


@pytest.mark.slow
@pytest.mark.download
def test_recheck_matrix_records_every_repro(cache: dict[str, str], tmp_path: Path) -> None:
    suite = tmp_path / "suite" / "bishengir"
    suite.mkdir(parents=True)
    repro = suite / "0001-vsort.mlir"
    shutil.copy(ROOT / "repros" / "bishengir" / "0015-hivm-hir-vsort-op-failed-to.mlir", repro)
    dry = run_cli("recheck", "--repros", str(tmp_path / "suite"), "--matrix", "--dry-run", env=cache)
    assert dry.returncode == 0 and "in all releases" in dry.stdout and "releases" not in repro.read_text()
    proc = run_cli("recheck", "--repros", str(tmp_path / "suite"), "--matrix", env=cache)
    assert proc.returncode == 0, proc.stderr
    assert '"releases": {"1.0.0": "same-bug"' in repro.read_text()


@pytest.mark.slow
@pytest.mark.download
def test_sweep_matrix_adds_a_releases_column(cache: dict[str, str], tmp_path: Path) -> None:
    dumps = tmp_path / "dumps" / "h1"
    dumps.mkdir(parents=True)
    shutil.copy(example("sort_int64.ttadapter.mlir"), dumps / "sort_keys.ttadapter")
    proc = run_cli("sweep", str(tmp_path / "dumps"), "-o", str(tmp_path / "sw"), "--no-reduce", "--matrix", "-q",
                   env=cache, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = json.loads((tmp_path / "sw" / "triage.json").read_text())
    assert data["signatures"][0]["releases"].startswith("in all releases")
    assert "| releases |" in (tmp_path / "sw" / "triage.md").read_text()
    assert "<th>releases</th>" in (tmp_path / "sw" / "triage.html").read_text()
