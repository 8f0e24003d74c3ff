"""Run one compiler stage on one input, isolated and bounded.

Each run gets its own temp dir (named like the backend's files), a clean environment,
a timeout that kills the whole process group, and by default ASLR off with LLVM's
in-process symbolization disabled: stack addresses are then stable module offsets and a
crashing run costs ~10 ms instead of ~100 ms.
"""

from __future__ import annotations

import os
import platform
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from reducer.toolchain import Stage, StageOptions, locate, locate_parser, prepare_input, stage_args


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


def run_tool(
    argv: list[str],
    *,
    input_name: str,
    input_text: str,
    timeout: float,
    env: RunEnv = DEFAULT_ENV,
    output_name: str | None = None,
    collect: tuple[str, ...] = (),
) -> RunResult:
    """Run `argv` with `input_name` written into a fresh temp dir that becomes its cwd."""
    with tempfile.TemporaryDirectory(prefix="reducer-run-") as tmp:
        Path(tmp, input_name).write_text(input_text)
        full = _aslr_prefix(env) + argv
        start = time.monotonic()
        proc = subprocess.Popen(
            full,
            cwd=tmp,
            env=clean_environ(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # own process group: a timeout kills every child too
        )
        timed_out = False
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            out, err = proc.communicate()
        seconds = time.monotonic() - start
        produced = None
        if output_name and not timed_out:
            out_path = Path(tmp, output_name)
            if out_path.is_file():
                produced = out_path.read_text(errors="replace")
        files = {name: Path(tmp, name).read_text(errors="replace") for name in collect if Path(tmp, name).is_file()}
        return RunResult(
            returncode=None if timed_out else proc.returncode,
            stdout=out.decode(errors="replace"),
            stderr=err.decode(errors="replace"),
            seconds=seconds,
            timed_out=timed_out,
            argv=argv,
            output_text=produced,
            files=files,
        )


def run_stage(
    stage: Stage,
    text: str,
    opts: StageOptions,
    *,
    timeout: float = 120.0,
    env: RunEnv = DEFAULT_ENV,
    extra_args: list[str] | None = None,
    keep_output: bool = False,
    pipeline: tuple[str, ...] | None = None,
    collect: tuple[str, ...] = (),
) -> RunResult:
    """Replay `stage` on `text` the way the backend would (or with `pipeline` instead of its passes)."""
    binary = locate(stage).path
    if pipeline is not None and stage is Stage.BISHENGIR:
        # bishengir-compile takes no pass pipeline; bishengir-opt registers the same passes.
        binary = locate_parser(stage) or binary
    args = [*pipeline, "-o", stage.output_name] if pipeline is not None else stage_args(stage, opts)
    argv = [str(binary), stage.input_name] + args + (extra_args or [])
    return run_tool(
        argv,
        input_name=stage.input_name,
        input_text=prepare_input(stage, text),
        timeout=timeout,
        env=env,
        output_name=stage.output_name if keep_output else None,
        collect=collect,
    )
