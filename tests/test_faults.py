"""Faults around the compiler runs: huge output, hangs, signals to the tool, leftovers of a killed run.

Fake compilers are shell scripts in `tmp_path`, pointed to by TRITON_ADAPTER_OPT; they hand `--version` (and,
where the test needs a real result, the run itself) to the real triton-adapter-opt. Each fake exports a unique
token, so the processes it leaves are found by their environment. Every CLI run gets its own TMPDIR, so its
temp dirs are checked without seeing other runs'.
"""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from reducer.cli.guard import run_interruptibly
from reducer.proc import groups as procs
from reducer.proc.capped_output import HEAD, TAIL, CappedStream
from reducer.proc.run import run_process
from reducer.stage import table as stages
from reducer.stage import toolchain

from conftest import example, run_cli

TOKEN_VAR = "REDUCER_TEST_FAKE"


# --- helpers ----------------------------------------------------------------------------------


def _real_adapter() -> Path:
    return toolchain.locate(stages.ADAPTER).path


def _fake(tmp_path: Path, body: str) -> tuple[Path, str]:
    """An executable fake compiler; `--version` goes to the real one. Returns (path, token)."""
    token = uuid.uuid4().hex
    path = tmp_path / f"fake-opt-{token[:8]}"
    path.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "--version" ]; then exec {_real_adapter()} "$@"; fi\n'
        f"export {TOKEN_VAR}={token}\n" + body.replace("REAL", str(_real_adapter()))
    )
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path, token


HANG = "sleep 300 &\nsleep 300\n"


def _env(tmp_path: Path, fake: Path | None = None, **extra: str) -> dict[str, str]:
    tmp = tmp_path / "tmp"
    tmp.mkdir(exist_ok=True)
    env = dict(os.environ, TMPDIR=str(tmp), **extra)
    if fake is not None:
        env["TRITON_ADAPTER_OPT"] = str(fake)
    return env


def _fake_pids(token: str) -> list[int]:
    """Live processes carrying the token (a killed one is a zombie with an empty environ until reaped)."""
    needle = f"{TOKEN_VAR}={token}".encode()
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                if needle in Path(f"/proc/{name}/environ").read_bytes():
                    found.append(int(name))
            except OSError:
                pass
    return found


def _wait_for(cond: Callable[[], object], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return bool(cond())


def _marked_or_gone(proc: subprocess.Popen[bytes]) -> bool:
    try:
        if procs.OWNER_ENV.encode() in Path(f"/proc/{proc.pid}/environ").read_bytes():
            return True
    except (ProcessLookupError, FileNotFoundError):
        pass
    return proc.poll() is not None  # killed already (a zombie's environ reads empty)


def _no_fakes_left(token: str) -> None:
    assert _wait_for(lambda: not _fake_pids(token), 3), f"fake processes left: {_fake_pids(token)}"


def _run_dirs(tmp_path: Path, pid: int | None = None) -> list[str]:
    pattern = f"reducer-*-{pid}-*" if pid is not None else "reducer-*"
    return sorted(p.name for p in (tmp_path / "tmp").glob(pattern))


def _default_sigint() -> None:
    # A shell starts background jobs with SIGINT ignored and children inherit that (a CI script run with `&`):
    # the tool under test gets Ctrl-C as a terminal's foreground job does.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(args: list[str], env: dict[str, str], cwd: Path | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "reducer", *args], env=env, cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_default_sigint)


def _vm_hwm_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


# --- bounded output ---------------------------------------------------------------------------


def test_capped_stream_keeps_head_and_tail_and_counts_the_cut() -> None:
    read_end, write_end = os.pipe()
    lines = [f"line {i:07d}\n".encode() for i in range(300_000)]  # 3.6 MB
    data = b"".join(lines)
    stream = CappedStream(os.fdopen(read_end, "rb"), "stderr")
    with os.fdopen(write_end, "wb") as w:
        w.write(data)
    stream.join(10)
    text = stream.text()
    cut = len(data) - HEAD - TAIL
    assert text.startswith(data[:HEAD].decode())
    assert text.endswith(data[-TAIL:].decode())
    assert f"[reducer: {cut} bytes of stderr cut here; first {HEAD} and last {TAIL} kept]" in text
    assert len(text) < HEAD + TAIL + 200


def test_small_output_is_kept_whole() -> None:
    done = run_process([sys.executable, "-c", "import sys; print('out'); print('err', file=sys.stderr)"], timeout=30)
    assert (done.returncode, done.stdout, done.stderr) == (0, "out\n", "err\n")


def test_without_pidfd_the_wait_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pidfd(pid: int) -> int:
        raise OSError("no pidfd here")

    monkeypatch.setattr("reducer.proc.run.os.pidfd_open", no_pidfd)
    assert run_process(["sh", "-c", "exit 3"], timeout=30).returncode == 3
    t0 = time.monotonic()
    slow = run_process(["sleep", "30"], timeout=0.5)
    assert slow.timed_out and slow.returncode is None and time.monotonic() - t0 < 5


def test_run_process_marks_the_child_with_its_owner() -> None:
    done = run_process([sys.executable, "-c", f"import os; print(os.environ['{procs.OWNER_ENV}'])"], timeout=30,
                       env={"PATH": "/usr/bin:/bin"})
    assert done.stdout.strip() == str(os.getpid())


def test_200_mb_of_stderr_costs_little_memory_and_keeps_the_signature(tmp_path: Path) -> None:
    noise = "yes 'compiler noise: warning: nothing to see' | head -c 200000000 >&2\n"
    fake, _ = _fake(tmp_path, noise + 'exec REAL "$@"\n')
    file = str(example("block_ptr_zero_stride.ttir"))
    proc = _start(["check", "--json", file], _env(tmp_path, fake))
    peak = 0
    while proc.poll() is None:  # VmHWM only grows: the last reading before exit is the peak
        peak = max(peak, _vm_hwm_kib(proc.pid))
        time.sleep(0.02)
    stdout, stderr = proc.communicate()
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert peak < 200 * 1024, f"reducer check peaked at {peak // 1024} MB"
    real = run_cli("check", "--json", file, env=_env(tmp_path))
    assert json.loads(stdout)["id"] == json.loads(real.stdout)["id"]


# --- hangs ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_hang_ends_with_exit_3_and_nothing_left(tmp_path: Path) -> None:
    fake, token = _fake(tmp_path, HANG)
    t0 = time.monotonic()
    proc = run_cli("check", "--timeout", "2", str(example("block_ptr_zero_stride.ttir")), env=_env(tmp_path, fake),
                   timeout=60)
    seconds = time.monotonic() - t0
    assert proc.returncode == 3, proc.stderr
    assert "did not finish within 2s" in proc.stderr
    assert seconds < 10
    _no_fakes_left(token)
    assert _run_dirs(tmp_path) == []


@pytest.mark.slow
def test_hang_on_version_is_given_up_after_5_seconds(tmp_path: Path) -> None:
    token = uuid.uuid4().hex
    fake = tmp_path / "fake-opt"
    fake.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "--version" ]; then export {TOKEN_VAR}={token}; sleep 300 & sleep 300; fi\n'
        f'exec {_real_adapter()} "$@"\n'
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    t0 = time.monotonic()
    proc = run_cli("check", "--timeout", "2", str(example("block_ptr_zero_stride.ttir")), env=_env(tmp_path, fake),
                   timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert time.monotonic() - t0 < 15
    _no_fakes_left(token)


def test_writer_still_writing_at_timeout_leaves_no_dir_and_no_traceback(tmp_path: Path) -> None:
    # The old cleanup raised "Directory not empty" when the compiler kept creating files in its folder.
    fake, token = _fake(tmp_path, 'i=0\nwhile :; do i=$((i+1)); mkdir -p "d$i"; : > "d$i/f"; done\n')
    proc = run_cli("check", "--timeout", "1", str(example("block_ptr_zero_stride.ttir")), env=_env(tmp_path, fake),
                   timeout=60)
    assert proc.returncode == 3, proc.stderr
    _no_fakes_left(token)
    assert _run_dirs(tmp_path) == []


# --- signals to the tool ----------------------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["INT", "TERM", "KILL"])
def test_signal_to_check_leaves_no_compiler_and_no_temp_dir(tmp_path: Path, signum: signal.Signals) -> None:
    fake, token = _fake(tmp_path, HANG)
    env = _env(tmp_path, fake)
    proc = _start(["check", "--timeout", "120", str(example("block_ptr_zero_stride.ttir"))], env)
    assert _wait_for(lambda: _fake_pids(token), 30), "the fake never started"
    t0 = time.monotonic()
    proc.send_signal(signum)
    _, stderr = proc.communicate(timeout=30)
    assert time.monotonic() - t0 < 5
    assert "Traceback" not in stderr
    if signum == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
        assert _fake_pids(token), "nothing ran at exit, so the fake must still be there"
        assert _run_dirs(tmp_path, proc.pid)
        later = run_cli("doctor", env=env, timeout=60)  # any next command cleans up after the dead run
        assert "Traceback" not in later.stderr
    else:
        assert proc.returncode == 130, stderr
        assert "reducer: interrupted" in stderr
    _no_fakes_left(token)
    assert _run_dirs(tmp_path, proc.pid) == []


def test_exit_kills_marked_children_even_untracked(tmp_path: Path) -> None:
    # A child started just as Ctrl-C came is in no registry; its marker still names us.
    token = uuid.uuid4().hex
    script = (
        "import subprocess; from reducer.proc import groups as procs\n"
        f"env = dict(procs.marked(None), {TOKEN_VAR}='{token}')\n"
        "subprocess.Popen(['sleep', '300'], env=env, start_new_session=True)\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    _no_fakes_left(token)


def test_next_run_spares_live_owners_and_unmarked_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    sleep = ["sleep", "300"]
    orphan = subprocess.Popen(sleep, env={procs.OWNER_ENV: str(dead.pid)}, start_new_session=True)
    owned = subprocess.Popen(sleep, env={procs.OWNER_ENV: str(os.getpid())}, start_new_session=True)
    plain = subprocess.Popen(sleep, start_new_session=True)
    tmp = tmp_path / "tmp"
    for name in (f"reducer-run-{dead.pid}-x", f"reducer-test-{dead.pid}-y", f"reducer-run-{os.getpid()}-z"):
        (tmp / name / "sub").mkdir(parents=True)
    monkeypatch.setattr("tempfile.tempdir", str(tmp))
    try:
        # Another test's reducer run (the other xdist worker) may sweep the orphan first: that is the
        # behaviour under test too, and the wait below still fails if no sweep kills it.
        assert _wait_for(lambda: _marked_or_gone(orphan), 5)
        procs.sweep_orphans()
        assert orphan.wait(timeout=5) == -signal.SIGKILL
        assert owned.poll() is None and plain.poll() is None
        assert _run_dirs(tmp_path) == [f"reducer-run-{os.getpid()}-z"]
    finally:
        for p in (orphan, owned, plain):
            p.kill()
            p.wait()


# --- Ctrl-C during reduce ---------------------------------------------------------------------


def _interrupt_reduce(tmp_path: Path, signals: list[signal.Signals], fake: Path | None = None,
                      before_signals: Callable[[], object] = lambda: None,
                      ) -> tuple[subprocess.Popen[str], str, str, Path]:
    """Start a reduction, signal it once it has improved OUT (the whole run takes ~3 s here), wait for it."""
    out = tmp_path / "out.mlir"
    proc = _start(["reduce", str(example("layernorm_fwd_skip_rows.ttir")), "-o", str(out)], _env(tmp_path, fake),
                  cwd=tmp_path)
    assert _wait_for(out.exists, 60)
    first = out.stat().st_size
    assert _wait_for(lambda: out.stat().st_size < first, 60), "the reduction made no progress"
    before_signals()
    for signum in signals:
        proc.send_signal(signum)
        time.sleep(0.3)
    stdout, stderr = proc.communicate(timeout=120)
    assert "Traceback" not in stderr
    return proc, stdout, stderr, out


def _summary_ops(stdout: str) -> tuple[int, int]:
    m = re.search(r"^ops\s+(\d+) -> (\d+)$", stdout, re.M)
    assert m, stdout
    return int(m.group(1)), int(m.group(2))


@pytest.mark.slow
@pytest.mark.parametrize("attempt", range(5))
def test_ctrl_c_during_reduce_writes_the_finished_result(tmp_path: Path, attempt: int) -> None:
    proc, stdout, stderr, out = _interrupt_reduce(tmp_path, [signal.SIGINT])
    assert proc.returncode == 130, stderr
    assert "best result so far" in stderr
    sidecar = json.loads(out.with_name(out.name + ".json").read_text())
    runs = sidecar["final_check"]
    assert runs != "0/0" and runs.split("/")[0] == runs.split("/")[1], runs
    before, after = _summary_ops(stdout)
    assert after < before and after == sidecar["output"]["ops"]


@pytest.mark.slow
def test_sigterm_during_reduce_takes_the_ctrl_c_path(tmp_path: Path) -> None:
    proc, stdout, stderr, out = _interrupt_reduce(tmp_path, [signal.SIGTERM])
    assert proc.returncode == 130, stderr
    assert json.loads(out.with_name(out.name + ".json").read_text())["final_check"] != "0/0"


@pytest.mark.slow
def test_second_ctrl_c_still_waits_for_the_result(tmp_path: Path) -> None:
    # Once the signals come, every compile waits 0.5 s first: the final check alone outlasts all three.
    slow = tmp_path / "slow"
    fake, _ = _fake(tmp_path, f'if [ -e {slow} ]; then sleep 0.5; fi\nexec REAL "$@"\n')
    proc, stdout, stderr, out = _interrupt_reduce(tmp_path, [signal.SIGINT] * 3, fake, before_signals=slow.touch)
    assert proc.returncode == 130, stderr
    assert stderr.count("still stopping") == 1 and stderr.count("keeping the best result") == 1
    assert json.loads(out.with_name(out.name + ".json").read_text())["final_check"] != "0/0"
    _summary_ops(stdout)


def test_run_interruptibly_waits_for_the_worker(capsys: pytest.CaptureFixture[str]) -> None:
    stop = threading.Event()
    finished = []

    def work() -> None:
        os.kill(os.getpid(), signal.SIGINT)
        assert stop.wait(5)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.5)  # the main thread sees the second signal while the work still runs
        finished.append(True)

    assert run_interruptibly(work, stop) is True
    assert finished == [True]
    err = capsys.readouterr().err
    assert err.count("keeping the best result") == 1 and err.count("still stopping") == 1
