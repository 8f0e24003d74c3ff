"""Where the compilers live and the exact command lines to run them: the only place argv is built.

Each command is an `Invocation` (argv + the file names the run needs); `runner.execute` only executes it.
What a stage's flags are comes from its row in `table.py`.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reducer.errors import ToolNotFound
from reducer.proc.run import run_process
from reducer.stage.options import Options
from reducer.stage.table import StageSpec, all_stages
from reducer.stage.targets import is_a5

REPRODUCER = "reproducer.mlir"


@dataclass(frozen=True)
class Tool:
    name: str
    path: Path
    version: str
    build: str = ""  # what --version says of the build: "Optimized build with assertions", "Release build"

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


@dataclass(frozen=True)
class Invocation:
    """One command: `input_text` is written to `input_name` in a fresh folder that becomes the cwd."""

    argv: list[str]
    input_name: str
    input_text: str
    output_name: str | None = None  # read back after the run
    collect: tuple[str, ...] = ()  # other files to read back (a crash reproducer)
    # Folders first on PATH: the binary's own, where it looks for its siblings (`bishengir-compile` hands an A5
    # target to `bishengir-compile-a5` found only through PATH).
    path_dirs: tuple[str, ...] = ()


# --- finding the tools -------------------------------------------------------------------------


def _package_dir(package: str) -> Path | None:
    """Locate an installed package without importing it (importing triton is slow)."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _candidates(spec: StageSpec) -> list[Path]:
    env = os.environ.get(spec.override_env)
    if env:
        return [Path(env)]
    found = []
    package_dir = _package_dir(spec.package) if spec.package else None
    if package_dir:
        found.append(package_dir / spec.path_in_package)
    found += [Path(p) for name in spec.path_names if (p := shutil.which(name))]
    return found


def _read_version(path: Path, tool: str) -> tuple[str, str]:
    """(version, build) from `--version`."""
    try:
        # A binary that hangs even on --version must not stall every command: give up, the group is killed.
        done = run_process([str(path), "--version"], timeout=5.0)
    except OSError:
        return "unknown", ""
    if done.timed_out:
        return "unknown", ""
    out = done.stdout
    built = re.search(r"^\s*((?:Optimized|Release|Debug)[\w ]* build[\w ]*?)\.?\s*$", out, re.M)
    build = built.group(1) if built else ""
    # "<tool> [version] 1.2.0 (<build root> <hash> <date>)"; an MlirOptMain says "LLVM version 20.0.0git"
    m = re.search(rf"{re.escape(tool)} (?:version )?(\d\S*)(?: \(\S+ (\w+) ([\d-]+)\))?", out)
    if m:
        return m.group(1) + (f" ({m.group(2)} {m.group(3)})" if m.group(2) else ""), build
    m = re.search(r"LLVM version (\S+)", out)
    if m:
        return f"LLVM {m.group(1)}", build
    return (out.strip().splitlines()[0] if out.strip() else "unknown"), build


@functools.cache
def _locate_cached(spec: StageSpec, env_key: str) -> Tool:
    del env_key  # part of the cache key only: overrides change the answer
    override = os.environ.get(spec.override_env)
    for path in _candidates(spec):
        if path.is_file() and os.access(path, os.X_OK):
            return Tool(spec.tool, path.resolve(), *_read_version(path, spec.tool))
    if override:
        why = "is not executable" if Path(override).is_file() else "does not exist"
        raise ToolNotFound(
            f"{spec.tool} not found: {spec.override_env}={override} {why}", f"fix or unset {spec.override_env}"
        )
    raise ToolNotFound(
        f"{spec.tool} not found", f"pip install {spec.wheel}, or point {spec.override_env} at the binary"
    )


def locate(spec: StageSpec) -> Tool:
    """Find a stage's binary: the override variable, then the installed wheel, then PATH."""
    return _locate_cached(spec, os.environ.get(spec.override_env, ""))


def locate_parser(spec: StageSpec, tool: Path | None = None, target: str | None = None) -> Path | None:
    """A binary that only parses and verifies the stage's input (and replays `--pass-pipeline`): the tool itself
    or its sibling, beside the installed tool or beside `tool` (another release's). For an A5 target, the A5
    build of the sibling (`bishengir-opt-a5`) where the release ships one: it knows the A5 passes and attributes."""
    path = tool or locate(spec).path
    if spec.parser is None:
        return path
    names = [f"{spec.parser}-a5", spec.parser] if target and is_a5(target) else [spec.parser]
    return next((path.with_name(n) for n in names if path.with_name(n).is_file()), None)


def locate_optimizer() -> Path | None:
    """An `*-opt` that registers canonicalize / cse / symbol-dce, from any stage that ships one."""
    for spec in all_stages():
        if not spec.optimizer:
            continue
        try:
            found = locate_parser(spec)
        except ToolNotFound:
            continue
        if found is not None:
            return found
    return None


def package_version(dist: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def versions() -> dict[str, str]:
    """The installed version of every stage's wheel: what artifacts record and reports print."""
    return {spec.wheel: package_version(spec.wheel) for spec in all_stages()}


def fingerprint(paths: bool = True) -> dict[str, str]:
    """Which binary (and build) each stage runs: two runs with equal fingerprints give equal outcomes. Without
    `paths`, what must agree between machines (the same wheels install to different folders)."""
    found = {}
    for spec in all_stages():
        try:
            tool = locate(spec)
        except ToolNotFound:
            found[spec.name] = "not found"
            continue
        found[spec.name] = f"{tool.version} {tool.build} {tool.path if paths else ''}".strip()
    return found


def find_helper(name: str) -> str | None:
    """Optional programs: llvm-symbolizer (readable frames), hivmc (CANN's last step)."""
    return shutil.which(name)


# --- the command lines -------------------------------------------------------------------------


def stage_invocation(
    spec: StageSpec,
    text: str,
    options: Options,
    *,
    pipeline: Sequence[str] | None = None,
    extra_args: Sequence[str] = (),
    keep_output: bool = False,
    collect: tuple[str, ...] = (),
    tool: Path | None = None,
) -> Invocation:
    """The stage as the backend runs it, or with `pipeline` (pass flags) in place of its own flags; with the
    installed tool, or `tool` (another release's binary)."""
    path = tool or locate(spec).path
    if pipeline is None:
        binary, args = path, spec.args(options)
    else:
        # A tool with an internal pipeline takes none on its command line; its parser registers the passes.
        binary = (locate_parser(spec, tool, options.target) or path) if spec.parser else path
        args = [*pipeline, "-o", spec.output_name]
    return Invocation(
        [str(binary), spec.input_name, *args, *extra_args],
        spec.input_name,
        spec.prepare(text),
        spec.output_name if keep_output else None,
        collect,
        (str(Path(binary).parent),),
    )


def reproducer_invocation(
    spec: StageSpec, text: str, options: Options, *, local: bool, pipeline: Sequence[str] | None = None
) -> Invocation:
    """The stage with MLIR's crash reproducer on; a local one (the IR just before the failing pass) needs
    threading off."""
    flags = [f"--mlir-pass-pipeline-crash-reproducer={REPRODUCER}"]
    if local:
        flags += ["--mlir-pass-pipeline-local-reproducer", "--mlir-disable-threading"]
    return stage_invocation(spec, text, options, pipeline=pipeline, extra_args=flags, collect=(REPRODUCER,))


def parse_invocation(
    spec: StageSpec,
    text: str,
    *,
    generic: bool = False,
    keep_output: bool = False,
    tool: Path | None = None,
    target: str | None = None,
) -> Invocation:
    """Parse and verify with no pass run; with `keep_output`, the tool's own printout (generic or custom)."""
    parser = locate_parser(spec, tool, target)
    if parser is None:
        raise ToolNotFound(f"{spec.parser} not found beside {spec.tool}", f"reinstall {spec.wheel}")
    argv = [str(parser), spec.input_name, "-o", "printed.mlir"]
    if generic:
        argv.append("--mlir-print-op-generic")
    return Invocation(argv, spec.input_name, text, "printed.mlir" if keep_output else None)


def optimizer_invocation(optimizer: Path, text: str, flags: Sequence[str]) -> Invocation:
    """canonicalize/cse/symbol-dce; `--allow-unregistered-dialect` lets it fold the generic parts of any IR."""
    argv = [str(optimizer), "input.mlir", "--allow-unregistered-dialect", *flags, "--mlir-print-op-generic"]
    return Invocation([*argv, "-o", "opt.mlir"], "input.mlir", text, "opt.mlir")

