"""The executor interface the sweep is written against, without a cluster: the local executor's contract, the
toolchain check every task result passes, and `--ray`'s one-line errors (no Ray cluster needed for these)."""

from __future__ import annotations

import shutil
import socket
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from reducer.cli.sweep import sweep
from reducer.sweep import run, tasks
from reducer.sweep.executor import LocalExecutor

from conftest import example


def _echo(item: int, _channel: object) -> int:
    time.sleep(0.01 * (item % 3))
    return item * 10


def test_local_executor_runs_every_item_once_and_takes_them_lazily() -> None:
    taken: list[int] = []

    def items():
        for i in range(40):
            taken.append(i)
            yield i

    ex = LocalExecutor(jobs=2)
    results = []
    for item, value in ex.map(_echo, items(), threading.Event()):
        # Never more than 2 x workers taken ahead of what came back: memory stays bounded on huge sweeps.
        assert len(taken) - len(results) <= 4
        results.append((item, value))
    assert sorted(results) == [(i, i * 10) for i in range(40)]


def test_local_executor_splits_its_cpus_between_tasks() -> None:
    running, peak = [0], [0]
    lock = threading.Lock()

    def task(_item: int, _channel: object) -> None:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1

    list(LocalExecutor(jobs=4).map(task, range(8), threading.Event(), cpus=2))
    assert peak[0] == 2  # 4 CPUs, 2 a task


def test_stop_starts_nothing_new_and_tells_running_tasks() -> None:
    stop = threading.Event()
    seen_stop = threading.Event()

    def task(item: int, channel) -> int:
        if item == 0:
            stop.set()
            deadline = time.monotonic() + 10
            while not channel.stopped() and time.monotonic() < deadline:
                time.sleep(0.05)
            if channel.stopped():
                seen_stop.set()
        return item

    done = [item for item, _ in LocalExecutor(jobs=1).map(task, range(100), stop)]
    assert seen_stop.is_set()
    assert 0 in done and len(done) <= 2  # the one running, at most one queued before the stop


def test_progress_lines_reach_the_driver_and_clear_when_done() -> None:
    seen: list[dict[str, str]] = []

    def task(item: int, channel) -> int:
        channel.show(f"t{item}", "halfway")
        time.sleep(1.5)
        channel.show(f"t{item}", "")
        return item

    list(LocalExecutor(jobs=1).map(task, [1], threading.Event(), tick=seen.append))
    assert {"t1": "halfway"} in seen
    assert seen[-1] == {}  # a finished task leaves no line behind


def _dump(tmp_path: Path) -> Path:
    folder = tmp_path / "dump" / "abc123"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(example("pointer_table_unused.ttir"), folder / "pointer_table_unused.ttir")
    return tmp_path / "dump"


def test_a_worker_with_other_compilers_stops_the_sweep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # What a task reports of its machine's compilers must match the driver's, or signatures do not compare: here
    # the driver is made to believe it has another build than the one the task really ran.
    monkeypatch.setattr(run, "toolchain_identity", lambda: {**tasks.toolchain_identity(), "adapter": "3.1 other"})
    result = CliRunner().invoke(sweep, [str(_dump(tmp_path)), "-o", str(tmp_path / "out"), "--repros",
                                        str(tmp_path / "repros"), "-q", "-j", "1"])
    assert result.exit_code != 0
    assert "a worker runs other compilers than this machine" in result.output
    assert "3.1 other here" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "repros").exists()


def test_ray_address_where_nothing_listens_is_one_line_at_once(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before the sweep tries it
    t0 = time.monotonic()
    result = CliRunner().invoke(sweep, [str(_dump(tmp_path)), "-o", str(tmp_path / "out"), "--ray",
                                        f"127.0.0.1:{port}", "-q"])
    assert result.exit_code != 0 and time.monotonic() - t0 < 30
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and f"cannot connect to the Ray cluster at 127.0.0.1:{port}" in lines[0], result.output
    result = CliRunner().invoke(sweep, [str(_dump(tmp_path)), "-o", str(tmp_path / "out"), "--ray", "head-node"])
    assert result.exit_code != 0 and "--ray head-node: not an address" in result.output


def test_ray_not_installed_says_which_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    result = CliRunner().invoke(sweep, [str(_dump(tmp_path)), "-o", str(tmp_path / "out"), "--ray", "auto"])
    assert result.exit_code != 0
    assert "--ray needs Ray, which is not installed" in result.output and ".[cluster]" in result.output


def test_tasks_need_nothing_of_the_drivers_files(tmp_path: Path) -> None:
    # On a cluster the driver's paths do not exist on the worker: the tasks get the IR as text and send results
    # back as values. Here the path they are given does not exist at all.
    from reducer.sweep.executor import Board
    from reducer.sweep.tasks import CheckJob, ReduceJob, check_job, reduce_job

    text = example("pointer_table_unused.ttir").read_text()
    gone = "/nonexistent/driver/pointer_table_unused.ttir"
    job = CheckJob("k1", "pointer_table_unused", gone, "adapter", {}, len(text), 60.0, text)
    entry = check_job(job, Board())
    assert entry["failure"] and entry["id"] and entry["path"] == gone
    out = tmp_path / "driver-side" / "reduced.mlir"  # where the driver will keep it: the task must not write there
    done = reduce_job(ReduceJob(entry["id"], "pointer_table_unused", gone, "adapter", {}, text, 1, 60.0, 60.0,
                                str(out)), Board())
    assert done.text and "ops" in done.fields, done.fields
    assert set(done.files) >= {"reduced.mlir", "reduced.mlir.json"}
    assert not out.parent.exists()
    # The sidecar names the files where the driver keeps them, not the worker's scratch folder.
    assert str(out) in done.files["reduced.mlir.json"] and "reducer-task-" not in done.files["reduced.mlir.json"]
