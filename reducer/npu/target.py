"""Which NPU the stand-in is: the capture's target, with the core counts and memory sizes the installed compiler
gives it.

Ascend code sizes its grids from these counts (`num_vectorcore` programs, one per vector core), so they must be
the target's own: asked once from `bishengir-opt --hacc-append-device-spec`, the pass that writes them into every
kernel the compiler builds (the A5 build knows every target; the A2/A3 build only its own).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

TOTAL_MEMORY = 64 << 30  # HBM per device of the 910B / 910_93 parts the default targets name
_FALLBACK_CORES = (24, 48)  # (cube, vector) when no compiler answers


def name() -> str:
    from reducer.capture.record import ENV_TARGET
    from reducer.stage.options import DEFAULT_TARGET

    return os.environ.get(ENV_TARGET) or DEFAULT_TARGET


def _spec_tools() -> list[str]:
    found = importlib.util.find_spec("ascendnpuir")
    folders = [Path(p) / "bin" for p in (found.submodule_search_locations or [])] if found else []
    tools = [str(f / t) for f in folders for t in ("bishengir-opt-a5", "bishengir-opt") if (f / t).is_file()]
    return tools + [t for t in map(shutil.which, ("bishengir-opt-a5", "bishengir-opt")) if t]


@functools.cache
def spec(target: str | None = None) -> dict[str, int | str]:
    """The compiler's device spec of `target` (default: the capture's): core counts, and memory sizes in bits
    (UB_SIZE, L1_SIZE, L0A_SIZE, ...), as the pass writes them; empty when no compiler answers."""
    target = target or name()
    for tool in _spec_tools():
        try:
            done = subprocess.run(
                [tool, f"--hacc-append-device-spec=target={target}"],
                input="module {}\n", capture_output=True, text=True, timeout=30,
            )
        except (OSError, subprocess.SubprocessError):
            continue
        entries: dict[str, int | str] = {}
        for key, number, text in re.findall(r'dl_entry<"(\w+)", (?:(-?\d+) : i\d+|"([^"]*)")>', done.stdout):
            entries[key] = int(number) if number else text
        if "CUBE_CORE_COUNT" in entries and "VECTOR_CORE_COUNT" in entries:
            return entries
    return {}


def cores(target: str | None = None) -> tuple[int, int]:
    """(cube cores, vector cores) of `target` (default: the capture's)."""
    entries = spec(target)
    if not entries:
        return _FALLBACK_CORES
    return int(entries["CUBE_CORE_COUNT"]), int(entries["VECTOR_CORE_COUNT"])
