"""Running the user's command with capture on: a `sitecustomize` installs the hook in their process (no
NPU), or the dump variables are set (with an NPU); `index.json` lists what was recorded."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reducer.capture.discovery import discover, read_records
from reducer.capture.record import ENV_DIR, ENV_OPTIONS, ENV_STAGE_TIMEOUT, ENV_TARGET, FORMAT, INDEX
from reducer.capture.shims import ENV_NO_SHIMS
from reducer.errors import UsageError
from reducer.proc import atomic
from reducer.proc.run import run_process


@dataclass
class CaptureRun:
    out: Path
    returncode: int
    mode: str  # "compile-only" (no NPU: launches compile for the target) or "npu" (dump variables only)
    seconds: float
    kernels: list[dict[str, Any]]


def npu_present(python: str = sys.executable) -> bool:
    """torch_npu importable and at least one device: then launches can really run."""
    if importlib.util.find_spec("torch_npu") is None:
        return False
    probe = "import torch, torch_npu; print(torch.npu.device_count())"
    try:
        out = run_process([python, "-c", probe], timeout=120)
    except OSError:
        return False
    return out.returncode == 0 and out.stdout.strip().isdigit() and int(out.stdout.strip()) > 0


def default_out(cwd: Path) -> Path:
    return cwd.absolute() / f"capture-{time.strftime('%Y%m%d-%H%M%S')}"


_SITECUSTOMIZE = '''"""Written by `reducer capture`: patch Triton launches here, then run any other sitecustomize."""
import importlib.machinery
import importlib.util
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
try:
    if importlib.util.find_spec("reducer") is None:
        sys.path.append({reducer_parent!r})
    from reducer.capture.hook import install_hook

    install_hook()
except Exception as _err:  # never break the user's program
    sys.stderr.write(f"reducer capture: launch hook not installed: {{_err}}\\n")
try:  # this file is written only when no NPU is present: `import torch_npu` and device="npu" meet the stand-in
    from reducer.npu.finder import install as _install_npu_standin

    _install_npu_standin()
except Exception as _err:
    sys.stderr.write(f"reducer capture: NPU stand-in not installed: {{_err}}\\n")

_rest = [p for p in sys.path if os.path.abspath(p or ".") != _here]
_spec = importlib.machinery.PathFinder.find_spec("sitecustomize", _rest)
if _spec is not None and _spec.loader is not None:
    _mod = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_mod)
'''


def capture_env(
    out: Path,
    target: str,
    compile_only: bool,
    base: dict[str, str] | None = None,
    shims: bool = True,
    options: dict[str, Any] | None = None,
    stage_timeout: float | None = None,
) -> dict[str, str]:
    # Every path handed to the process is absolute: a program that changes directory (os.chdir, pytest's
    # monkeypatch.chdir, a child started with cwd=) still records into this folder.
    out = out.absolute()
    env = dict(os.environ if base is None else base)
    env.pop(ENV_NO_SHIMS, None)
    if not shims:
        env[ENV_NO_SHIMS] = "1"
    env.pop("TRITON_ASCEND_COMPILE_SPEED_OPT", None)  # else a kernel that failed once is not recompiled
    env["TRITON_ALWAYS_COMPILE"] = "1"
    if not compile_only:
        env["TRITON_KERNEL_DUMP"] = "1"
        env["TRITON_DUMP_DIR"] = str(out / "dump")
        return env
    boot = out / ".bootstrap"
    reducer_parent = str(Path(__file__).resolve().parents[2])
    atomic.write_text(boot / "sitecustomize.py", _SITECUSTOMIZE.format(reducer_parent=reducer_parent))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(boot), env.get("PYTHONPATH", "")) if p)
    env[ENV_DIR] = str(out)
    env[ENV_TARGET] = target
    env.pop(ENV_OPTIONS, None)
    if stage_timeout is not None:
        env[ENV_STAGE_TIMEOUT] = str(stage_timeout)
    if options:
        env[ENV_OPTIONS] = json.dumps(options, sort_keys=True)
    return env


def run_command(
    argv: Sequence[str],
    out: Path,
    target: str,
    *,
    npu: bool | None = None,
    timeout: float | None = None,
    shims: bool = True,
    options: dict[str, Any] | None = None,
    stage_timeout: float | None = None,
) -> CaptureRun:
    """Run the user's command with capture on; return what was recorded (also written to index.json).

    `options` (what `--option` said) win over every launch's own keywords; only compile-only capture compiles
    the launches itself, so with an NPU they are refused rather than silently not applied."""
    out = out.absolute()  # the process may change directory before its first launch
    compile_only = not (npu_present() if npu is None else npu)
    if options and not compile_only:
        raise UsageError(
            f"--option {', '.join(sorted(options))}: on an NPU the launches compile in Triton as the program says",
            "drop --option, or capture with --no-npu (compile-only) to apply it",
        )
    out.mkdir(parents=True, exist_ok=True)
    env = capture_env(out, target, compile_only, shims=shims, options=options, stage_timeout=stage_timeout)
    done = run_process(list(argv), env=env, timeout=timeout, capture=False)  # the command prints as usual
    code = -1 if done.returncode is None else done.returncode
    seconds = done.seconds
    mode = "compile-only" if compile_only else "npu"
    kernels = write_index(out, mode=mode, command=list(argv), target=target, returncode=code, seconds=seconds)
    return CaptureRun(out, code, mode, seconds, kernels)


def write_index(out: Path, **meta: Any) -> list[dict[str, Any]]:
    """index.json: one entry per recorded kernel (compile-only) or per dumped IR file (npu mode)."""
    kernels = read_records(out)
    if not kernels:
        kernels = [c.to_dict() for c in discover(out)]
    data = {"format": FORMAT, **meta, "kernels": kernels}
    atomic.write_text(out / INDEX, json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")
    return kernels
