"""`reducer sweep --ray` on a real two-node Ray cluster on 127.0.0.1, against the real compilers: the same triage and
the same repros as the local sweep, resume from the state file, and a node killed in the middle of a reduction."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from ray_cluster import LocalCluster, Unavailable

pytestmark = [pytest.mark.slow, pytest.mark.ray]


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    try:
        c = LocalCluster().start(nodes=2)
    except Unavailable as err:
        pytest.skip(str(err))
    try:
        yield c
    finally:
        c.stop()


def _capture(base: Path, script: Path) -> Path:
    out = base / "capture"
    proc = run_cli("capture", "-o", str(out), "--no-npu", "--", sys.executable, str(script), timeout=600)
    assert proc.returncode == 0, proc.stderr
    return out


def _sweep(capture: Path, out: Path, repros: Path, *extra: str) -> dict:
    # --no-fit: the fit search runs on the driver, not on Ray (and its CPU burst starves a 2-core test cluster's
    # heartbeats); tests/test_fit.py covers it.
    proc = run_cli("sweep", str(capture), "-o", str(out), "--repros", str(repros), "-j", "2", "-q", "--no-fit",
                   "--max-time-per-bug", "120", *extra, timeout=1200)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads((out / "triage.json").read_text())


def _findings(triage: dict) -> list[tuple]:
    """What a sweep found, without timings and paths: signatures, their kernels, causes and reductions."""
    return sorted(
        (g["id"], g["status"], tuple(g["kernels"]), g["ops"],
         tuple(sorted((tuple(c["kernels"]), Path(c["repro"]).name if c.get("repro") else None)
                      for c in g.get("causes") or [])))
        for g in triage["signatures"]
    )


def _rows(triage: dict) -> list[tuple]:
    return sorted((r["kernel"], r["outcome"], tuple(r.get("ids") or ())) for r in triage["units"])


def _suite(repros: Path) -> dict[str, str]:
    return {str(p.relative_to(repros)): p.read_text() for p in sorted(repros.rglob("*.mlir"))}


def _entries(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "state.jsonl").read_text().splitlines()]


def _reductions(out: Path) -> list[str]:
    return sorted(f"{e['id']}/{e['kernel']}" for e in _entries(out) if e["kind"] == "reduce")


def test_ray_sweep_matches_the_local_one_and_resumes(cluster: LocalCluster, tmp_path: Path) -> None:
    capture = _capture(tmp_path, ROOT / "examples" / "launch_all.py")
    local = _sweep(capture, tmp_path / "local", tmp_path / "repros-local")
    ray = _sweep(capture, tmp_path / "ray", tmp_path / "repros-ray", "--ray", cluster.address)
    assert ray["summary"]["executor"] == "ray" and local["summary"]["executor"] == "local"
    assert ray["summary"]["lost"] == 0
    assert len(ray["signatures"]) >= 3
    assert _findings(ray) == _findings(local)
    assert _suite(tmp_path / "repros-ray") == _suite(tmp_path / "repros-local")
    assert _rows(ray) == _rows(local)
    # The remote reductions' files were sent back and kept where a local sweep keeps them.
    assert sorted(p.name for p in (tmp_path / "ray" / "reduced").iterdir()) == sorted(
        p.name for p in (tmp_path / "local" / "reduced").iterdir()
    )
    sidecars = [p.read_text() for p in (tmp_path / "ray" / "reduced").glob("*.json")]
    assert sidecars and not any("reducer-task-" in text for text in sidecars)

    before = _reductions(tmp_path / "ray")
    again = _sweep(capture, tmp_path / "ray", tmp_path / "repros-ray", "--ray", cluster.address)
    assert again["summary"]["resumed"] == again["summary"]["files"] and again["summary"]["replayed"] == 0
    assert _reductions(tmp_path / "ray") == before  # nothing done twice
    assert _findings(again) == _findings(ray)
    # The state file is the same format either way: a local run resumes a Ray run's state.
    local_again = _sweep(capture, tmp_path / "ray", tmp_path / "repros-ray")
    assert local_again["summary"]["resumed"] == local_again["summary"]["files"]
    assert _reductions(tmp_path / "ray") == before


@pytest.fixture(scope="module")
def project(cluster: LocalCluster, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """examples/project captured once, and its local sweep: what every Ray sweep of it must match."""
    base = tmp_path_factory.mktemp("project")
    capture = _capture(base, ROOT / "examples" / "project" / "run_ops.py")
    # The project's own reductions take seconds (its ub overflows are resource limits, not reduced): a 96-op
    # attention kernel with the same zero-stride bug as one of its kernels keeps a node busy long enough to be
    # killed or stopped mid-reduction.
    heavy = capture / "dump" / "attn"
    heavy.mkdir(parents=True)
    name = "attention_fwd_shared_bias.ttir"
    shutil.copyfile(ROOT / "examples" / "ir" / name, heavy / name)
    shutil.copytree(capture, base / "pristine")
    local = _sweep(capture, base / "local", base / "repros-local")
    return {"capture": base / "pristine", "local": local, "suite": _suite(base / "repros-local"),
            "reductions": _reductions(base / "local")}


def _reducing(cluster: LocalCluster, nodes: list) -> bool:
    return any(cluster.running(node, "reduce_job") for node in nodes if node.poll() is None)


def test_a_node_killed_during_a_reduction_loses_nothing(cluster: LocalCluster, project: dict, tmp_path: Path) -> None:
    capture = tmp_path / "capture"
    shutil.copytree(project["capture"], capture)
    assert cluster.alive() == 2
    victim = cluster.nodes[-1]
    killed, finished = threading.Event(), threading.Event()

    def kill_when_reducing() -> None:
        while not finished.is_set():
            if cluster.running(victim, "reduce_job"):
                cluster.kill(victim)
                killed.set()
                return
            time.sleep(0.2)

    watcher = threading.Thread(target=kill_when_reducing, daemon=True)
    watcher.start()
    try:
        ray = _sweep(capture, tmp_path / "ray", tmp_path / "repros-ray", "--ray", cluster.address)
    finally:
        finished.set()
        watcher.join(timeout=10)
    try:
        assert killed.is_set(), "the second node was never seen running a reduction"
        # Ray ran the killed node's reduction again elsewhere: same findings, same suite, one entry per reduction.
        assert ray["summary"]["lost"] == 0
        assert _findings(ray) == _findings(project["local"])
        assert _suite(tmp_path / "repros-ray") == project["suite"]
        done = _reductions(tmp_path / "ray")
        assert done == project["reductions"] and len(done) == len(set(done))
    finally:
        if victim.poll() is not None:
            cluster.add_node(2)  # the module's other tests keep two nodes


@pytest.mark.xfail(strict=False, reason="flaky on a 2-core machine since the project's reductions got short: the "
                   "stop can miss every reduction in flight, or a node misses its heartbeats (1 of 3 runs); to fix")
def test_ctrl_c_keeps_the_reductions_in_flight_and_a_rerun_finishes(
    cluster: LocalCluster, project: dict, tmp_path: Path
) -> None:
    capture = tmp_path / "capture"
    shutil.copytree(project["capture"], capture)
    # Without -q the status line comes every few seconds on stderr: stop once a reduction is in its search.
    args = [sys.executable, "-m", "reducer", "sweep", str(capture), "-o", str(tmp_path / "ray"), "--repros",
            str(tmp_path / "repros"), "-j", "2", "--max-time-per-bug", "120", "--no-fit", "--ray", cluster.address]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    searching = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            if "reduce " in line and ("pass-level:" in line or "full-stage:" in line):
                searching.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert searching.wait(300), "no reduction reached its search: " + "".join(lines[-5:])
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=300)
    reader.join(timeout=10)
    err = "".join(lines)
    assert proc.returncode == 130 and "Traceback" not in err, err
    stopped = [e for e in _entries(tmp_path / "ray") if e["kind"] == "reduce"]
    # The reductions running at the stop came back with their best result, recorded and kept on disk.
    assert any(e.get("stopped") for e in stopped), stopped
    assert all(e["reduced"] and Path(e["reduced"]).is_file() for e in stopped if e.get("stopped"))
    assert not _reducing(cluster, cluster.nodes)  # nothing left running on the cluster

    again = _sweep(capture, tmp_path / "ray", tmp_path / "repros", "--ray", cluster.address)
    assert again["summary"]["resumed"] == again["summary"]["files"] and again["summary"]["lost"] == 0
    done = _reductions(tmp_path / "ray")
    assert done == project["reductions"] and len(done) == len(set(done))  # each once: the stopped ones not redone
    assert [(g["id"], g["kernels"]) for g in again["signatures"]] == [
        (g["id"], g["kernels"]) for g in project["local"]["signatures"]
    ]


def test_a_task_whose_worker_always_dies_is_reported_lost_not_recorded(cluster: LocalCluster) -> None:
    # The executor itself, in this process: one task kills its worker at every try (a segfaulting extension, an
    # OOM kill); Ray retries it, then it comes back as TaskLost while the other tasks' results arrive as usual.
    from reducer.sweep.executor import TaskLost
    from reducer.sweep.ray_executor import RETRIES, RayExecutor

    def task(item: int, _channel: object) -> int:
        import os

        if item == 3:
            os._exit(1)
        return item * 2

    executor = RayExecutor(cluster.address)
    try:
        assert executor.capacity == 2 and executor.max_task_cpus == 1
        results = dict(executor.map(task, range(6), threading.Event()))
    finally:
        executor.close()
    assert isinstance(results.pop(3), TaskLost) and RETRIES >= 1
    assert results == {0: 0, 1: 2, 2: 4, 4: 8, 5: 10}
