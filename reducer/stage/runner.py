"""Running a compiler: the policy every compiler run gets on top of `proc.run.run_process`.

Each run gets its own temp dir (named like the backend's files), a clean environment, an address-space cap,
and by default ASLR off with LLVM's in-process symbolization disabled: stack addresses are then stable module
offsets and a crashing run costs ~10 ms instead of ~100 ms. This module only executes what `toolchain` built.
"""

from __future__ import annotations

import os
import platform
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reducer.proc import groups as procs
from reducer.proc.run import run_process
from reducer.stage.run_env import DEFAULT_ENV, RunEnv

if TYPE_CHECKING:
    from reducer.stage.toolchain import Invocation


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


def clean_environ(env: RunEnv, path_dirs: tuple[str, ...] = ()) -> dict[str, str]:
    """Only what the tools need: user settings such as LLVM_* or MLIR_* must not leak in (`run_process` adds
    the owner marker). `path_dirs` (the binary's own folder) come first on PATH: its siblings are found there."""
    keep = {"PATH": os.pathsep.join([*path_dirs, "/usr/bin", "/bin"]), "LANG": "C", "LC_ALL": "C"}
    if "HOME" in os.environ:
        keep["HOME"] = "/nonexistent"
    # LLVM prints frames as (module+offset) through a symbolizer that knows no names: stable with ASLR on, the
    # same form on every architecture, ~20 ms per crash (a real symbolizer finds nothing in stripped binaries).
    keep["LLVM_SYMBOLIZER_PATH"] = str(STUB_SYMBOLIZER)
    keep["LLVM_DISABLE_CRASH_REPORT"] = "1"
    keep.update(env.variables())
    return keep


STUB_SYMBOLIZER = Path(__file__).resolve().parents[1] / "stub_symbolizer" / "llvm-symbolizer"
_SETARCH = shutil.which("setarch")
_PRLIMIT = shutil.which("prlimit")
# A compiler run's address space. They peak near 100 MB; a heap bug (or an old release) can instead allocate
# until the machine swaps: capped, it fails at once with `LLVM ERROR: out of memory`. Override in bytes.
MEMORY_LIMIT = int(os.environ.get("REDUCER_MEMORY_LIMIT", str(6 << 30)))


def _prefix(env: RunEnv) -> list[str]:
    """setarch -R (ASLR off) and prlimit --as (the memory cap), both util-linux, in every Debian base; a
    machine without them runs with ASLR on and uncapped."""
    prefix = [_PRLIMIT, f"--as={MEMORY_LIMIT}", "--"] if _PRLIMIT and MEMORY_LIMIT > 0 else []
    if not env.aslr and _SETARCH is not None:
        prefix += [_SETARCH, platform.machine(), "-R"]
    return prefix


def execute(inv: Invocation, *, timeout: float, env: RunEnv = DEFAULT_ENV) -> RunResult:
    """Run one compiler invocation in a fresh temp dir holding its input; read back what it wrote."""
    # Named with our pid: if this tool is SIGKILLed, the next run removes the folder.
    with procs.owned_tempdir("run") as tmp:
        Path(tmp, inv.input_name).write_text(inv.input_text)
        proc = run_process(_prefix(env) + inv.argv, timeout=timeout, cwd=tmp, env=clean_environ(env, inv.path_dirs))
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
