"""The stage table: everything the tool knows about one compiler stage, in one row.

A stage is one subprocess of triton-ascend's npu backend (or any tool shaped like one): which binary, where
the wheel keeps it, how its input is recognised, the exact flags the backend passes, how its failing pass is
found, and which ending means "healthy". Every other module asks this table; a new stage is one `register`
call (here, or in a plugin module named by `REDUCER_STAGE_PLUGINS`).

The flag builders mirror triton-ascend 3.2.0's `ttir_to_linalg` and `linalg_to_bin_enable_npu_compile_*`:
a repro is only worth filing when it replays the exact stage the user's run executed.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reducer.errors import UsageError
from reducer.stage.targets import is_a5

if TYPE_CHECKING:
    from reducer.stage.options import Options

PLUGINS_ENV = "REDUCER_STAGE_PLUGINS"


@dataclass(frozen=True, eq=False)  # identity: one object per registered stage
class StageSpec:
    """One compiler stage. Names are what people see; the rest is what the tool needs to replay it."""

    name: str  # CLI `--stage`, signatures, repros/<name>/
    tool: str  # bare tool name: RUN lines, messages, frames
    wheel: str  # the PyPI distribution that ships the tool
    package: str  # its import name, located without importing it
    path_in_package: str  # the binary inside the package folder
    override_env: str  # an explicit binary path, checked first
    path_names: tuple[str, ...]  # names searched on PATH last (older builds' names included)
    input_name: str  # the backend's temp file names: some messages quote them
    output_name: str
    input_kind: str  # the backend stage whose output is this stage's input: the dump suffix (`.ttir`)
    input_label: str  # what people call that IR ("TTIR")
    backend_stage: str  # the backend stage (`add_stages` key) that runs this tool
    log_tag: str  # how the backend tags this stage's MLIRCompilationError
    tracker: str  # the upstream project that owns the tool
    tracker_url: str
    expected: str  # the correct behaviour, for an issue's "expected" field
    flags: Callable[[Options], list[str]]  # the stage's arguments between input and `-o`
    recognise: re.Pattern[str] | None = None  # IR text that feeds this stage (None: name the stage)
    # Flags that are a list of passes run in order (a suffix of them can be replayed alone); None when the
    # pipeline is internal to the tool.
    pass_flags: Callable[[Options], list[str]] | None = None
    # A sibling that parses and verifies with no pass run and replays `--pass-pipeline` (None: the tool itself).
    parser: str | None = None
    # The parser registers MLIR's generic cleanups (canonicalize, cse, symbol-dce): the `opt` reduction pass.
    optimizer: bool = False
    # The tool prints no "failed while executing" note: its local crash reproducer names the failing pass.
    pass_from_local_reproducer: bool = False
    # The tool catches crashes (its own, and a child's it ran) and exits 1: only a signal it died of is one.
    catches_crashes: bool = False
    prepare: Callable[[str], str] = lambda text: text  # what the backend does to the text before the tool
    healthy_end: str | None = None  # stderr that means the tool's own part finished (an external step is absent)
    # Where the ending differs per target (A5's binary calls another external tool): options -> its ending.
    healthy_end_for: Callable[[Options], str | None] | None = None
    # Every target's healthy ending (`healthy_end` included): a run showing one, and no error, passed its part.
    healthy_ends: tuple[str, ...] = ()
    # Tools the stage's binary calls that no wheel ships (CANN's): "Cannot find" one of them names no fault.
    external_tools: tuple[str, ...] = ()
    noise: re.Pattern[str] | None = None  # lines every run prints that name no bug
    wrapper_errors: re.Pattern[str] | None = None  # diagnostics every failure prints: they name no bug
    # NPUOptions fields passed as `flag=value` only when set (`Options.extra`): key -> (flag, value type).
    optional_flags: dict[str, tuple[str, type]] = field(default_factory=dict)
    needs_backend_path: bool = False  # the backend finds this tool only on PATH
    # Where the tool's project keeps a test of pass `name` (kebab case), relative to its repository root.
    test_dir: Callable[[str], str] = lambda name: "test"
    # How the upstream suite names its test files: "snake" after the op or feature (triton-ascend),
    # "kebab" after what goes wrong (AscendNPU-IR); see `repro.test_names`.
    test_name_style: str = "kebab"
    # Attributes the front end always puts on this stage's input; a reduced repro may lose them.
    front_end_attrs: tuple[str, ...] = ()

    def args(self, options: Options) -> list[str]:
        """Arguments after the input file, output included, as the backend passes them."""
        return [*self.flags(options), "-o", self.output_name]

    def healthy_ending(self, options: Options | None = None) -> str | None:
        """What a healthy run ends with for these options (the target's external step absent)."""
        if options is not None and self.healthy_end_for is not None:
            return self.healthy_end_for(options)
        return self.healthy_end

    def healthy_endings(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e for e in (self.healthy_end, *self.healthy_ends) if e))

    def input_suffixes(self) -> tuple[str, ...]:
        return (f".{self.input_kind}", f".{self.input_kind}.mlir")

    def matches_file(self, name: str) -> bool:
        return name.endswith(self.input_suffixes())


_REGISTRY: dict[str, StageSpec] = {}


def register(spec: StageSpec) -> StageSpec:
    """Add a stage (a plugin's or a test's); the last registration of a name wins."""
    _REGISTRY[spec.name] = spec
    return spec


def all_stages() -> list[StageSpec]:
    _load_plugins()
    return list(_REGISTRY.values())


def get(name: str) -> StageSpec:
    _load_plugins()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UsageError(f"unknown stage {name!r}", "known: " + ", ".join(_REGISTRY)) from None


def find(name: str) -> StageSpec | None:
    _load_plugins()
    return _REGISTRY.get(name)


def infer(text: str) -> StageSpec | None:
    """The first stage (in registry order) whose marker the IR holds."""
    return next((s for s in all_stages() if s.recognise is not None and s.recognise.search(text)), None)


def for_file(name: str) -> StageSpec | None:
    """The stage a dumped file feeds, from its suffix (`k.ttir` -> the stage whose input kind is ttir)."""
    return next((s for s in all_stages() if s.matches_file(name)), None)


def for_kind(kind: str) -> StageSpec | None:
    return next((s for s in all_stages() if s.input_kind == kind), None)


def for_backend_stage(key: str) -> StageSpec | None:
    return next((s for s in all_stages() if s.backend_stage == key), None)


def for_log_tag(tag: str) -> StageSpec | None:
    return next((s for s in all_stages() if s.log_tag == tag), None)


def optional_flags() -> dict[str, tuple[str, type]]:
    """Every stage's optional NPUOptions fields: the keys `Options.extra` may hold, with their flag and type."""
    merged: dict[str, tuple[str, type]] = {}
    for spec in all_stages():
        merged.update(spec.optional_flags)
    return merged


def tool_names() -> list[str]:
    """Every binary name the table knows (parsers and older names included): frames in these are ours."""
    found: list[str] = []
    for spec in all_stages():
        found += [spec.tool, *spec.path_names, *([spec.parser] if spec.parser else [])]
    return list(dict.fromkeys(found))


def ignores(spec: StageSpec, options: Options, key: str) -> bool:
    """Whether no value of option `key` changes `spec`'s command line for these options (their target)."""
    base = spec.args(options)
    return all(spec.args(variant) == base for variant in options.variants(key))


def refuse_ignored(spec: StageSpec | None, options: Options, items: Iterable[str]) -> None:
    """`--option KEY=VALUE` items the stage (any stage, without one) would drop: UsageError, never silence."""
    chosen = [spec] if spec is not None else all_stages()
    for key in dict.fromkeys(item.split("=", 1)[0].strip() for item in items):
        if key != "target" and all(ignores(s, options, key) for s in chosen):
            who = f"{spec.tool} has no such flag" if spec is not None else "no stage has such a flag"
            raise UsageError(
                f"--option {key}: {who} for {options.target}, so it would be dropped",
                "remove it, or choose the stage or target whose command line has it",
            )


def any_noise(line: str) -> bool:
    return any(s.noise is not None and s.noise.search(line) for s in all_stages())


_plugins_loaded: set[str] = set()


def _load_plugins() -> None:
    """Import the modules (or .py files) named by REDUCER_STAGE_PLUGINS; each registers its stages."""
    for item in filter(None, (p.strip() for p in os.environ.get(PLUGINS_ENV, "").split(","))):
        if item in _plugins_loaded:
            continue
        _plugins_loaded.add(item)
        try:
            if item.endswith(".py"):
                spec = importlib.util.spec_from_file_location(f"reducer_stage_plugin_{len(_plugins_loaded)}", item)
                if spec is None or spec.loader is None:
                    raise ImportError(f"cannot load {item}")
                spec.loader.exec_module(importlib.util.module_from_spec(spec))
            else:
                importlib.import_module(item)
        except Exception as err:
            raise UsageError(f"{PLUGINS_ENV}: cannot load {item} ({err})", "fix or unset the variable") from None


# --- the two stages of triton-ascend 3.2.0's npu backend -----------------------------------------


def _adapter_passes(opts: Options) -> list[str]:
    """triton-adapter-opt's pass flags, exactly as `ttir_to_linalg` builds them."""
    on95 = opts.compile_on_910_95
    simt = opts.force_simt_template
    args = ["--triton-linearize"] if opts.enable_linearize else []
    return args + [
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


# NPUOptions fields that map one-to-one onto a bishengir flag when set, with the field's type in NPUOptions.
_BISHENGIR_OPTIONAL: dict[str, tuple[str, type]] = {
    "enable_hivm_auto_cv_balance": ("--enable-hivm-auto-cv-balance", bool),
    "sync_solver": ("--enable-hivm-graph-sync-solver", bool),
    "unit_flag": ("--enable-hivm-unit-flag-sync", bool),
    "inject_barrier_all": ("--enable-hivm-inject-barrier-all-sync", bool),
    "inject_block_all": ("--enable-hivm-inject-block-all-sync", bool),
    "limit_auto_multi_buffer_only_for_local_buffer": ("--limit-auto-multi-buffer-only-for-local-buffer", bool),
    "set_workspace_multibuffer": ("--set-workspace-multibuffer", int),
    "tile_mix_vector_loop": ("--tile-mix-vector-loop", int),
    "tile_mix_cube_loop": ("--tile-mix-cube-loop", int),
    "limit_auto_multi_buffer_of_local_buffer": ("--limit-auto-multi-buffer-of-local-buffer", str),
    "disable_auto_inject_block_sync": ("--disable-auto-inject-block-sync", bool),
    # The backend's ENABLE_PRINT_UB_BITS: the A5 binary prints `Allocated UB size = N bits` (the fit search reads it).
    "print_ub_bits": ("--enable-print-memory-allocated-size", bool),
}
# Fields `linalg_to_bin_enable_npu_compile_910_95` never passes (the A2/A3 builder does).
_NOT_ON_910_95 = frozenset({"sync_solver", "inject_block_all", "disable_auto_inject_block_sync"})
# Fields only the A5 binary knows (the A2/A3 one refuses the flag).
_ONLY_ON_910_95 = frozenset({"print_ub_bits"})


def _bishengir_flags(opts: Options) -> list[str]:
    """bishengir-compile's flags, as `linalg_to_bin_enable_npu_compile_A2_A3` / `_910_95` build them (the
    backend picks the builder by `compile_on_910_95`; the binary picks its `-a5` sibling by the target)."""
    on95 = opts.compile_on_910_95
    args = [f"--target={opts.target}"]
    if opts.multibuffer is not None:
        args.append(f"--enable-auto-multi-buffer={opts.multibuffer}")
    if opts.enable_auto_bind_sub_block is not None:
        args.append(f"--enable-auto-bind-sub-block={opts.enable_auto_bind_sub_block}")
    args += [
        f"{flag}={opts.extra[key]}"
        for key, (flag, _) in _BISHENGIR_OPTIONAL.items()
        if key in opts.extra and not (on95 and key in _NOT_ON_910_95) and (on95 or key not in _ONLY_ON_910_95)
    ]
    args.append("--enable-hfusion-compile=true")
    if not on95:
        args.append("--enable-hivm-compile=true")
    args.append("--enable-triton-kernel-compile=true")
    return args


# Without CANN the MLIR pipeline ends looking for the external `hivmc`; A5's binary looks for `hivmc-a5`.
_HIVMC_END = "External hivmc run fails"
_HIVMC_A5_END = "Cannot find hivmc-a5 under $PATH"


def _bishengir_healthy_end(opts: Options) -> str:
    return _HIVMC_A5_END if is_a5(opts.target) else _HIVMC_END


_MIX_MODE = re.compile(r', mix_mode\s*=\s*"[^"]*"')
# How the two projects spell dialect names in folder names (`triton-to-hivm` -> `TritonToHIVM`).
_ACRONYMS = {"hivm": "HIVM", "hfusion": "HFusion", "hacc": "HACC", "llvm": "LLVM", "gpu": "GPU", "scf": "SCF",
             "cf": "CF", "npu": "NPU", "simt": "SIMT", "ir": "IR"}


def _camel(kebab: str) -> str:
    return "".join(_ACRONYMS.get(w, w.capitalize()) for w in kebab.split("-") if w)


def _adapter_test_dir(name: str) -> str:
    """triton-ascend 3.2.0 keeps a pass's tests in `ascend/test/Conversion/<PassName>/`."""
    return f"ascend/test/Conversion/{_camel(name)}"


def _bishengir_test_dir(name: str) -> str:
    """AscendNPU-IR: conversions in `bishengir/test/Conversion/<AToB>/`, a dialect's passes in
    `bishengir/test/Dialect/<Dialect>/`."""
    m = re.match(r"convert-(.+)-to-(.+)$", name)
    if m:
        return f"bishengir/test/Conversion/{_camel(m.group(1))}To{_camel(m.group(2))}"
    dialect = name.split("-", 1)[0]
    return f"bishengir/test/Dialect/{_ACRONYMS.get(dialect, dialect.capitalize())}"

ADAPTER = register(
    StageSpec(
        name="adapter",
        tool="triton-adapter-opt",
        wheel="triton-ascend",
        package="triton",
        path_in_package="backends/ascend/triton-adapter-opt",
        override_env="TRITON_ADAPTER_OPT",
        path_names=("triton-adapter-opt",),
        input_name="kernel.ttir.mlir",
        output_name="kernel.ttadapter.mlir",
        input_kind="ttir",
        input_label="TTIR",
        backend_stage="ttadapter",
        log_tag="ConvertTritonIRToLinalgIR",
        tracker="triton-ascend",
        tracker_url="https://gitcode.com/Ascend/triton-ascend/issues",
        expected=(
            "`triton-adapter-opt` lowers the TTIR to linalg and exits 0, or rejects an unsupported construct "
            "with a diagnostic that names it."
        ),
        flags=_adapter_passes,
        recognise=re.compile(r"\btt\.func\b|\"tt\.func\""),
        pass_flags=_adapter_passes,
        test_dir=_adapter_test_dir,
        test_name_style="snake",
    )
)

BISHENGIR = register(
    StageSpec(
        name="bishengir",
        tool="bishengir-compile",
        wheel="ascendnpu-ir",
        package="ascendnpuir",
        path_in_package="bin/bishengir-compile",
        override_env="BISHENGIR_COMPILE",
        path_names=("bishengir-compile", "npuc"),  # npuc: the name older builds used
        input_name="kernel.ttadapter.mlir",
        output_name="kernel",
        input_kind="ttadapter",
        input_label="linalg",
        backend_stage="npubin",
        log_tag="ConvertLinalgRToBinary",
        tracker="AscendNPU-IR",
        tracker_url="https://gitcode.com/Ascend/AscendNPU-IR/issues",
        expected=(
            "`bishengir-compile` runs its whole MLIR pipeline. (Without CANN it then stops with "
            "`External hivmc run fails`: that is expected on a machine without `hivmc`.)"
        ),
        flags=_bishengir_flags,
        recognise=re.compile(r"\bfunc\.func\b|\"func\.func\"|\blinalg\.|\bhivm\.|\bhacc\.|\bmemref\."),
        parser="bishengir-opt",
        optimizer=True,
        pass_from_local_reproducer=True,  # its pipeline is internal (~186 passes with retries)
        catches_crashes=True,  # "Stack dump:" then exit 1; an A5 target's `-a5` child aborting also ends in exit 1
        prepare=lambda text: _MIX_MODE.sub("", text),  # the backend deletes `, mix_mode = "..."` first
        healthy_end=_HIVMC_END,
        healthy_end_for=_bishengir_healthy_end,
        healthy_ends=(_HIVMC_A5_END,),
        external_tools=("hivmc", "hivmc-a5"),
        # `Executing:` is the A5 dispatcher naming the binary it ran (an absolute path).
        noise=re.compile(r"Cannot find hivmc|External hivmc run fails|hivmc --version|detect hivmc version|"
                         r"^\[ERROR\] Executing: "),
        # The A5 binary wraps each attempt's error in its own pipeline's name.
        wrapper_errors=re.compile(r"Failed to run BiShengHIR pipeline|Failed to run buildFinalHIVMPipelines pipeline"),
        optional_flags=_BISHENGIR_OPTIONAL,
        needs_backend_path=True,
        test_dir=_bishengir_test_dir,
        front_end_attrs=("global_kernel",),
    )
)
