"""Where the compilers live and how triton-ascend's backend calls them.

The command lines mirror triton-ascend 3.2.0's `ttir_to_linalg` and
`linalg_to_bin_enable_npu_compile_*`: a repro is only worth filing when it replays
the exact stage the user's run executed.
"""

from __future__ import annotations

import enum
import functools
import importlib.util
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from reducer.errors import ToolNotFound, UsageError

DEFAULT_TARGET = "Ascend910B3"

# Targets the 3.2.0 backend accepts; Ascend310B4 and friends are rejected by it.
_TARGET_RE = re.compile(r"^Ascend(910B[1-4]|910_93\d\d|910_95\d*|950\w*)$")


class Stage(str, enum.Enum):
    """The two subprocess stages of the npu backend."""

    ADAPTER = "adapter"  # triton-adapter-opt: TTIR -> linalg
    BISHENGIR = "bishengir"  # bishengir-compile: linalg -> NPU binary

    @property
    def tool_name(self) -> str:
        return "triton-adapter-opt" if self is Stage.ADAPTER else "bishengir-compile"

    @property
    def input_name(self) -> str:
        # The backend's own temp file names: some messages quote them.
        return "kernel.ttir.mlir" if self is Stage.ADAPTER else "kernel.ttadapter.mlir"

    @property
    def output_name(self) -> str:
        return "kernel.ttadapter.mlir" if self is Stage.ADAPTER else "kernel"


@dataclass(frozen=True)
class Tool:
    name: str
    path: Path
    version: str

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


def _package_dir(package: str) -> Path | None:
    """Locate an installed package without importing it (importing triton is slow)."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _candidates(stage: Stage) -> list[Path]:
    if stage is Stage.ADAPTER:
        env = os.environ.get("TRITON_ADAPTER_OPT")
        if env:
            return [Path(env)]
        found = []
        triton_dir = _package_dir("triton")
        if triton_dir:
            found.append(triton_dir / "backends" / "ascend" / "triton-adapter-opt")
        on_path = shutil.which("triton-adapter-opt")
        if on_path:
            found.append(Path(on_path))
        return found
    env = os.environ.get("BISHENGIR_COMPILE")
    if env:
        return [Path(env)]
    found = []
    npuir_dir = _package_dir("ascendnpuir")
    if npuir_dir:
        found.append(npuir_dir / "bin" / "bishengir-compile")
    for name in ("bishengir-compile", "npuc"):  # npuc: the name older builds used
        on_path = shutil.which(name)
        if on_path:
            found.append(Path(on_path))
    return found


def _read_version(path: Path) -> str:
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    # bishengir: "bishengir-compile 1.2.0 (<build root> <hash> <date>)"; adapter: "LLVM version 20.0.0git"
    m = re.search(r"bishengir-compile (\S+)(?: \(\S+ (\w+) ([\d-]+)\))?", out)
    if m:
        extra = f" ({m.group(2)} {m.group(3)})" if m.group(2) else ""
        return m.group(1) + extra
    m = re.search(r"LLVM version (\S+)", out)
    if m:
        return f"LLVM {m.group(1)}"
    return out.strip().splitlines()[0] if out.strip() else "unknown"


@functools.cache
def _locate_cached(stage: Stage, env_key: str) -> Tool:
    del env_key  # part of the cache key only: overrides change the answer
    for path in _candidates(stage):
        if path.is_file() and os.access(path, os.X_OK):
            return Tool(stage.tool_name, path.resolve(), _read_version(path))
    override = "TRITON_ADAPTER_OPT" if stage is Stage.ADAPTER else "BISHENGIR_COMPILE"
    wheel = "triton-ascend" if stage is Stage.ADAPTER else "ascendnpu-ir"
    raise ToolNotFound(
        f"{stage.tool_name} not found",
        f"pip install {wheel}, or point {override} at the binary",
    )


def locate(stage: Stage) -> Tool:
    """Find the binary for a stage: env override, then the installed wheel, then PATH."""
    key = os.environ.get("TRITON_ADAPTER_OPT", "") + "|" + os.environ.get("BISHENGIR_COMPILE", "")
    return _locate_cached(stage, key)


def package_version(dist: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def find_helper(name: str) -> str | None:
    """Optional programs: llvm-symbolizer (readable frames), hivmc (CANN's last step)."""
    return shutil.which(name)


@dataclass(frozen=True)
class StageOptions:
    """The NPUOptions fields that reach the command lines, with 3.2.0's defaults."""

    target: str = DEFAULT_TARGET
    compile_on_910_95: bool = False
    force_simt_template: bool = False
    enable_nd2nz_on_vector: bool = False
    enable_select_analysis: bool = False
    enable_linearize: bool = False
    named_ops: bool = True
    multibuffer: bool | None = True
    enable_auto_bind_sub_block: bool | None = True
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not _TARGET_RE.match(self.target):
            raise UsageError(
                f"unknown target {self.target!r}",
                "use an Ascend910B1..B4, Ascend910_93xx, Ascend910_95xx or Ascend950 name",
            )

    def as_dict(self) -> dict[str, object]:
        return {
            "target": self.target,
            "compile_on_910_95": self.compile_on_910_95,
            "force_simt_template": self.force_simt_template,
            "enable_nd2nz_on_vector": self.enable_nd2nz_on_vector,
            "enable_select_analysis": self.enable_select_analysis,
            "enable_linearize": self.enable_linearize,
            "named_ops": self.named_ops,
            "multibuffer": self.multibuffer,
            "enable_auto_bind_sub_block": self.enable_auto_bind_sub_block,
            **self.extra,
        }


# NPUOptions fields that map one-to-one onto a bishengir flag when set (None = not passed).
_BISHENGIR_OPTIONAL_FLAGS = {
    "enable_hivm_auto_cv_balance": "--enable-hivm-auto-cv-balance",
    "sync_solver": "--enable-hivm-graph-sync-solver",
    "unit_flag": "--enable-hivm-unit-flag-sync",
    "inject_barrier_all": "--enable-hivm-inject-barrier-all-sync",
    "inject_block_all": "--enable-hivm-inject-block-all-sync",
    "limit_auto_multi_buffer_only_for_local_buffer": "--limit-auto-multi-buffer-only-for-local-buffer",
    "set_workspace_multibuffer": "--set-workspace-multibuffer",
    "tile_mix_vector_loop": "--tile-mix-vector-loop",
    "tile_mix_cube_loop": "--tile-mix-cube-loop",
    "limit_auto_multi_buffer_of_local_buffer": "--limit-auto-multi-buffer-of-local-buffer",
    "disable_auto_inject_block_sync": "--disable-auto-inject-block-sync",
}


def adapter_pipeline(opts: StageOptions) -> list[str]:
    """triton-adapter-opt's pass flags, exactly as `ttir_to_linalg` builds them."""
    on95 = opts.compile_on_910_95
    simt = opts.force_simt_template
    args = ["--triton-linearize"] if opts.enable_linearize else []
    args += [
        f"--discrete-mask-access-conversion=compile-on-910-95={on95} force-simt-template={simt}",
        "--triton-to-annotation",
        f"--triton-to-unstructure=compile-on-910-95={on95} force-simt-template={simt}",
        "--triton-to-hivm",
        "--triton-to-hfusion",
        "--triton-to-llvm",
        "--bubble-up-operation",
        f"--triton-to-linalg=global-kernel=false named-ops={opts.named_ops} "
        f"enable-nd2nz-on-vector={opts.enable_nd2nz_on_vector} "
        f"enable-select-analysis={opts.enable_select_analysis} compile-on-910-95={on95}",
    ]
    return args


def bishengir_flags(opts: StageOptions) -> list[str]:
    """bishengir-compile's flags, as `linalg_to_bin_enable_npu_compile_A2_A3` / `_910_95` build them."""
    args = [f"--target={opts.target}"]
    if opts.multibuffer is not None:
        args.append(f"--enable-auto-multi-buffer={opts.multibuffer}")
    if opts.enable_auto_bind_sub_block is not None:
        args.append(f"--enable-auto-bind-sub-block={opts.enable_auto_bind_sub_block}")
    for key, flag in _BISHENGIR_OPTIONAL_FLAGS.items():
        if key in opts.extra:
            args.append(f"{flag}={opts.extra[key]}")
    args.append("--enable-hfusion-compile=true")
    if not opts.compile_on_910_95:
        args.append("--enable-hivm-compile=true")
    args.append("--enable-triton-kernel-compile=true")
    return args


def stage_args(stage: Stage, opts: StageOptions) -> list[str]:
    """Arguments after the input file, output included, as the backend passes them."""
    if stage is Stage.ADAPTER:
        return adapter_pipeline(opts) + ["-o", stage.output_name]
    return bishengir_flags(opts) + ["-o", stage.output_name]


_MIX_MODE_RE = re.compile(r', mix_mode\s*=\s*"[^"]*"')


def prepare_input(stage: Stage, text: str) -> str:
    """What the backend hands the tool: for bishengir it first deletes `, mix_mode = "..."`."""
    if stage is Stage.BISHENGIR:
        return _MIX_MODE_RE.sub("", text)
    return text


def locate_parser(stage: Stage) -> Path | None:
    """A binary that only parses and verifies the stage's input: settles "invalid input"."""
    tool = locate(stage)
    if stage is Stage.ADAPTER:
        return tool.path
    sibling = tool.path.with_name("bishengir-opt")
    return sibling if sibling.is_file() else None
