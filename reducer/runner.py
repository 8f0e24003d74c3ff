"""Run commands isolated and bounded; this module only executes what `toolchain` built.

Every subprocess the tool starts goes through `run_process`: its own process group, so a timeout kills
every child too. Compiler runs (`execute`) also get their own temp dir (named like the backend's files), a
clean environment, and by default ASLR off with LLVM's in-process symbolization disabled: stack addresses
are then stable module offsets and a crashing run costs ~10 ms instead of ~100 ms.
"""

from __future__ import annotations

import os
import platform
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reducer.toolchain import Invocation


@dataclass(frozen=True)
class RunEnv:
    """Knobs that change how often a nondeterministic crash fires."""

    aslr: bool = False
    malloc_perturb: int | None = None
    malloc_check: int | None = None

    def label(self) -> str:
        parts = ["aslr on" if self.aslr else "aslr off"]
        if self.malloc_perturb is not None:
            parts.append(f"MALLOC_PERTURB_={self.malloc_perturb}")
        if self.malloc_check is not None:
            parts.append(f"MALLOC_CHECK_={self.malloc_check}")
        return ", ".join(parts)


DEFAULT_ENV = RunEnv()


@dataclass
class ProcessResult:
    returncode: int | None  # None: timed out and killed
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False


@dataclass
class RunResult:
    returncode: int | None
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False
    argv: list[str] = field(default_factory=list)
    output_text: str | None = None
    files: dict[str, str] = field(default_factory=dict)

    @property
    def signal(self) -> int | None:
        if self.returncode is not None and self.returncode < 0:
            return -self.returncode
        return None


def run_process(
    argv: Sequence[str],
    *,
    timeout: float | None,
    cwd: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    capture: bool = True,
) -> ProcessResult:
    """Run `argv` in its own process group; on timeout the whole group is killed. No stdin."""
    out_to = subprocess.PIPE if capture else None
    start = time.monotonic()
    proc = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=dict(env) if env is not None else None,
        stdin=subprocess.DEVNULL,
        stdout=out_to,
        stderr=out_to,
        start_new_session=True,
    )
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        kill_group(proc)
        out, err = proc.communicate()
    except BaseException:  # Ctrl-C or a stopping sweep: leave no compiler behind
        kill_group(proc)
        proc.wait()
        raise
    return ProcessResult(
        None if timed_out else proc.returncode,
        (out or b"").decode(errors="replace"),
        (err or b"").decode(errors="replace"),
        time.monotonic() - start,
        timed_out,
    )


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def clean_environ(env: RunEnv) -> dict[str, str]:
    """Only what the tools need: user settings such as LLVM_* or MLIR_* must not leak in."""
    keep = {"PATH": "/usr/bin:/bin", "LANG": "C", "LC_ALL": "C"}
    if "HOME" in os.environ:
        keep["HOME"] = "/nonexistent"
    keep["LLVM_DISABLE_SYMBOLIZATION"] = "1"
    keep["LLVM_DISABLE_CRASH_REPORT"] = "1"
    if env.malloc_perturb is not None:
        keep["MALLOC_PERTURB_"] = str(env.malloc_perturb)
    if env.malloc_check is not None:
        keep["MALLOC_CHECK_"] = str(env.malloc_check)
    return keep


_SETARCH = shutil.which("setarch")


def _aslr_prefix(env: RunEnv) -> list[str]:
    # setarch (util-linux) is in every Debian base; without it we fall back to ASLR on.
    if env.aslr or _SETARCH is None:
        return []
    return [_SETARCH, platform.machine(), "-R"]


def execute(inv: Invocation, *, timeout: float, env: RunEnv = DEFAULT_ENV) -> RunResult:
    """Run one compiler invocation in a fresh temp dir holding its input; read back what it wrote."""
    with tempfile.TemporaryDirectory(prefix="reducer-run-") as tmp:
        Path(tmp, inv.input_name).write_text(inv.input_text)
        proc = run_process(_aslr_prefix(env) + inv.argv, timeout=timeout, cwd=tmp, env=clean_environ(env))
        produced = None
        if inv.output_name and not proc.timed_out:
            out_path = Path(tmp, inv.output_name)
            if out_path.is_file():
                produced = out_path.read_text(errors="replace")
        files = {name: Path(tmp, name).read_text(errors="replace") for name in inv.collect if Path(tmp, name).is_file()}
        return RunResult(
            returncode=proc.returncode,
            stdout=proc.stdout,
            stderr=proc.stderr,
            seconds=proc.seconds,
            timed_out=proc.timed_out,
            argv=inv.argv,
            output_text=produced,
            files=files,
        )
