"""What a reduction is asked for, and the files it writes beside its output."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reducer.failure.signature import Expectation
from reducer.stage.options import Options
from reducer.stage.run_env import DEFAULT_ENV, RunEnv
from reducer.stage.source import Source

# The largest input `reduce` takes: its generic print (up to ~4x larger) is held by the search, the tool's output
# and each candidate in flight, within the 1 GB the reducer's own process may use. Beyond it, one line says so.
MAX_INPUT_BYTES = 16 * 1024 * 1024


@dataclass
class ReduceRequest:
    source: Source
    options: Options
    out: Path
    expect: Expectation | None = None
    test_script: Path | None = None
    strict: bool = False
    jobs: int = 1
    timeout: float = 120.0
    timeout_per_test: float | None = None
    max_time: float | None = None
    passes: Sequence[str] | None = None
    runs: int = 3
    allow_flaky: bool = False
    pass_level: bool = True
    inputs: tuple[Path, ...] = ()  # other files the run reads (an --expect file): never an output
    env: RunEnv = DEFAULT_ENV


def default_output(source: Source, cwd: Path) -> Path:
    stem = source.path.name.split(".")[0] if source.path else "input"
    return cwd / f"reduced-{stem}.mlir"


def level_path(out: Path) -> Path:
    """Where a reduction writing `out` keeps its pass-level result."""
    return out.with_name(out.stem + ".pass-level.mlir")
