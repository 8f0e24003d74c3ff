"""Finding kernel IR: in dump folders, in a failure log, and by running the user's own launch code.

Three entry points, one result shape (`CapturedIR`: a kernel, one IR file, the stage that file replays):

- `discover(folder)`: TRITON_KERNEL_DUMP / TRITON_DEBUG folders and the Triton cache (`<hash>/<kernel>.ttir`).
- `parse_log(text)`: the `MLIRCompilationError`s in a pytest or console log, each matched to dumped IR.
- `run_command(argv, out)`: the user's command with a `sitecustomize` that, without an NPU, turns every
  `kernel[grid](...)` into a compile for the Ascend target (`install_hook`, which runs inside the user's
  process and so imports nothing heavy at module level) and records one folder per specialised kernel.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reducer import atomic
from reducer.toolchain import Stage

ENV_DIR = "REDUCER_CAPTURE_DIR"
ENV_TARGET = "REDUCER_CAPTURE_TARGET"
INDEX = "index.json"
RECORD = "record.json"
FORMAT = "reducer-capture/1"

# Capture outcomes. "frontend-error" is Triton's Python frontend failing (not a compiler bug to reduce).
PASSED = "passed"
FAILED = "failed"
FRONTEND_ERROR = "frontend-error"
INCOMPLETE = "incomplete"  # the process died while compiling (the record was written before the compile)

_MAX_IR_BYTES = 64 * 1024 * 1024


# --- what a file is -----------------------------------------------------------------------------


def ir_kind(name: str) -> str | None:
    """'ttir' (replayed by triton-adapter-opt), 'ttadapter' (replayed by bishengir-compile) or None."""
    if name.endswith((".ttir", ".ttir.mlir")):
        return "ttir"
    if name.endswith((".ttadapter", ".ttadapter.mlir")):
        return "ttadapter"
    return None


def stage_of(kind: str) -> Stage:
    return Stage.ADAPTER if kind == "ttir" else Stage.BISHENGIR


_SYMBOL = re.compile(r'(?:tt\.func|func\.func)\s+(?:public\s+|private\s+)?@([\w$.]+)|sym_name\s*=\s*"([\w$.]+)"')


def symbol_name(text: str) -> str | None:
    """The kernel's function symbol in TTIR or linalg (custom or generic form)."""
    m = _SYMBOL.search(text)
    return (m.group(1) or m.group(2)) if m else None


def kernel_name(path: Path, text: str) -> str:
    """`<kernel>.ttir` names itself; the TRITON_DEBUG copies are all called `kernel.*`, so ask the symbol."""
    stem = path.name.split(".")[0]
    if stem != "kernel":
        return stem
    return symbol_name(text) or stem


@dataclass(frozen=True)
class CapturedIR:
    kernel: str
    path: Path
    kind: str
    digest: str
    size: int
    outcome: str | None = None  # known when a reducer capture recorded the compile
    failed_stage: str | None = None
    duplicates: tuple[Path, ...] = ()

    @property
    def stage(self) -> Stage:
        return stage_of(self.kind)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kernel": self.kernel,
            "path": str(self.path),
            "kind": self.kind,
            "replays": self.stage.value,
            "tool": self.stage.tool_name,
            "bytes": self.size,
            "sha1": self.digest,
            "outcome": self.outcome,
            "failed_stage": self.failed_stage,
            "duplicates": [str(p) for p in self.duplicates],
        }


def _walk(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "sweep")
        for name in sorted(files):
            if ir_kind(name) is not None:
                yield Path(folder) / name


def discover(root: Path) -> list[CapturedIR]:
    """Every kernel IR file under `root`, identical copies (dump + debug + cache) folded into one entry."""
    found: dict[str, CapturedIR] = {}
    for path in _walk(root):
        kind = ir_kind(path.name)
        assert kind is not None
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if not data.strip() or len(data) > _MAX_IR_BYTES or b"\0" in data:
            continue
        text = data.decode("utf-8", "replace")
        digest = hashlib.sha1(kind.encode() + b"\0" + data).hexdigest()
        if digest in found:
            old = found[digest]
            # Show the copy whose file name names the kernel; `kernel.*` are TRITON_DEBUG copies.
            main, extra = (path, old.path) if old.path.name.startswith("kernel.") else (old.path, path)
            found[digest] = CapturedIR(old.kernel, main, old.kind, old.digest, old.size, old.outcome,
                                       old.failed_stage, old.duplicates + (extra,))
            continue
        record = _read_record(path.parent / RECORD)
        found[digest] = CapturedIR(
            kernel=record.get("kernel") or kernel_name(path, text),
            path=path,
            kind=kind,
            digest=digest,
            size=len(data),
            outcome=record.get("outcome"),
            failed_stage=record.get("failed_stage"),
        )
    return sorted(found.values(), key=lambda c: (c.kernel, c.kind, str(c.path)))


def _read_record(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_records(root: Path) -> list[dict[str, Any]]:
    """The per-kernel records of a `reducer capture -- COMMAND` folder (empty for other dump folders)."""
    records = []
    for path in sorted(root.glob(f"*/{RECORD}")):
        data = _read_record(path)
        if data:
            data["folder"] = str(path.parent)
            records.append(data)
    return records


def is_capture_dir(root: Path) -> bool:
    return _read_record(root / INDEX).get("format") == FORMAT


# --- logs -----------------------------------------------------------------------------------------

_STAGE_TAGS = {"ConvertTritonIRToLinalgIR": Stage.ADAPTER, "ConvertLinalgRToBinary": Stage.BISHENGIR}
_TAG = re.compile(r"\[(ConvertTritonIRToLinalgIR|ConvertLinalgRToBinary)\]")
_PYTEST_PREFIX = re.compile(r"^E {2,}|^E\t", re.M)
_CACHE_DIR = re.compile(r"The compiled kernel cache is in (\S+)")
_LAUNCH = re.compile(r"\b([A-Za-z_]\w*)\s*\[\s*[^\]\n]*\]\s*\(")
_SOURCE_LOC = re.compile(r"([^\s:\"']+\.py):(\d+):\d+: (?:error|remark|note|warning)")
_END = "[ERROR][Triton][END]"


@dataclass
class LogFailure:
    """One MLIRCompilationError found in a log."""

    stage: Stage
    line: int  # 1-based line in the log where the stage tag is
    message: str
    kernel: str | None
    cache_dir: str | None
    locations: list[tuple[str, int]] = field(default_factory=list)
    matches: list[CapturedIR] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage.value,
            "tag": _tag_of(self.stage),
            "line": self.line,
            "kernel": self.kernel,
            "message": self.message,
            "cache_dir": self.cache_dir,
            "locations": [f"{f}:{n}" for f, n in self.locations],
            "matches": [m.to_dict() for m in self.matches],
        }


def _tag_of(stage: Stage) -> str:
    return next(t for t, s in _STAGE_TAGS.items() if s is stage)


def looks_like_log(text: str) -> bool:
    return bool(_TAG.search(text)) or "MLIRCompilationError" in text


def parse_log(text: str) -> list[LogFailure]:
    """Each `[ConvertTritonIRToLinalgIR]` / `[ConvertLinalgRToBinary]` block with what it tells about the kernel."""
    text = _PYTEST_PREFIX.sub("", text)
    lines = text.splitlines()
    failures = []
    covered = -1
    for i, line in enumerate(lines):
        m = _TAG.search(line)
        if not m or i <= covered:
            continue
        end = next((j for j in range(i, min(len(lines), i + 5000)) if _END in lines[j]), min(len(lines), i + 400))
        covered = end
        block = lines[i : end + 1]
        window = "\n".join(lines[max(0, i - 200) : i])
        failures.append(
            LogFailure(
                stage=_STAGE_TAGS[m.group(1)],
                line=i + 1,
                message=_first_error(block),
                kernel=_launched_kernel(window),
                cache_dir=next((c.group(1) for b in lines[i : end + 20] if (c := _CACHE_DIR.search(b))), None),
                locations=_dedup((f, int(n)) for f, n in _SOURCE_LOC.findall("\n".join(block))),
            )
        )
    return failures


def _first_error(block: list[str]) -> str:
    keys = ("error:", "Assertion", "UNREACHABLE", "LLVM ERROR", "Stack dump")
    for line in block[1:]:
        if any(k in line for k in keys) and "hivmc" not in line:
            return line.strip()[:300]
    return ""


def _launched_kernel(traceback: str) -> str | None:
    """The last `name[grid](` in the traceback above the error: the launch that failed."""
    names = [m.group(1) for m in _LAUNCH.finditer(traceback) if m.group(1) not in ("self", "kwargs", "args")]
    return names[-1] if names else None


def _dedup(items: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    seen: dict[tuple[str, int], None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


def match_log(failures: list[LogFailure], dumps: Sequence[Path]) -> None:
    """Point each failure at the IR its stage replays: same kernel name, cache folder, or source lines in loc()."""
    candidates: list[CapturedIR] = []
    for folder in dumps:
        candidates += discover(folder)
    for failure in failures:
        if failure.cache_dir:
            cache = Path(failure.cache_dir)
            local = [c for c in candidates if cache.name and _under(c, cache.name)]
            if cache.is_dir() and not local:
                local = discover(cache)
            for c in local:
                if c.kind == _kind_for(failure.stage) and failure.kernel is None:
                    failure.kernel = c.kernel
        scored = []
        for c in candidates:
            if c.kind != _kind_for(failure.stage):
                continue
            score = 0
            if failure.kernel and c.kernel == failure.kernel:
                score += 4
            if failure.cache_dir and _under(c, Path(failure.cache_dir).name):
                score += 8
            if failure.locations:
                score += 2 * _loc_hits(c.path, failure.locations)
            if score:
                scored.append((score, c))
        scored.sort(key=lambda sc: (-sc[0], sc[1].size))
        failure.matches = [c for _, c in scored[:5]]
        if failure.kernel is None and failure.matches:
            failure.kernel = failure.matches[0].kernel


def _under(ir: CapturedIR, folder_name: str) -> bool:
    return any(folder_name in p.parts for p in (ir.path, *ir.duplicates))


def _kind_for(stage: Stage) -> str:
    return "ttir" if stage is Stage.ADAPTER else "ttadapter"


def _loc_hits(path: Path, locations: list[tuple[str, int]]) -> int:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return 0
    hits = 0
    for file, line in locations:
        if f'{Path(file).name}":{line}:' in text:
            hits += 1
    return min(hits, 3)


# --- running the user's command -------------------------------------------------------------------


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
        out = subprocess.run([python, "-c", probe], capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and out.stdout.strip().isdigit() and int(out.stdout.strip()) > 0


def default_out(cwd: Path) -> Path:
    return cwd / f"capture-{time.strftime('%Y%m%d-%H%M%S')}"


_SITECUSTOMIZE = '''"""Written by `reducer capture`: patch Triton launches here, then run any other sitecustomize."""
import importlib.machinery
import importlib.util
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
try:
    if importlib.util.find_spec("reducer") is None:
        sys.path.append({reducer_parent!r})
    from reducer.capture import install_hook

    install_hook()
except Exception as _err:  # never break the user's program
    sys.stderr.write(f"reducer capture: launch hook not installed: {{_err}}\\n")

_rest = [p for p in sys.path if os.path.abspath(p or ".") != _here]
_spec = importlib.machinery.PathFinder.find_spec("sitecustomize", _rest)
if _spec is not None and _spec.loader is not None:
    _mod = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_mod)
'''


def capture_env(out: Path, target: str, compile_only: bool, base: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    env.pop("TRITON_ASCEND_COMPILE_SPEED_OPT", None)  # else a kernel that failed once is not recompiled
    env["TRITON_ALWAYS_COMPILE"] = "1"
    if not compile_only:
        env["TRITON_KERNEL_DUMP"] = "1"
        env["TRITON_DUMP_DIR"] = str(out / "dump")
        return env
    boot = out / ".bootstrap"
    reducer_parent = str(Path(__file__).resolve().parent.parent)
    atomic.write_text(boot / "sitecustomize.py", _SITECUSTOMIZE.format(reducer_parent=reducer_parent))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(boot), env.get("PYTHONPATH", "")) if p)
    env[ENV_DIR] = str(out)
    env[ENV_TARGET] = target
    return env


def run_command(
    argv: Sequence[str], out: Path, target: str, *, npu: bool | None = None, timeout: float | None = None
) -> CaptureRun:
    """Run the user's command with capture on; return what was recorded (also written to index.json)."""
    out.mkdir(parents=True, exist_ok=True)
    compile_only = not (npu_present() if npu is None else npu)
    env = capture_env(out, target, compile_only)
    t0 = time.monotonic()
    try:
        code = subprocess.run(list(argv), env=env, timeout=timeout, check=False).returncode
    except subprocess.TimeoutExpired:
        code = -1
    seconds = time.monotonic() - t0
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


# --- inside the user's process ----------------------------------------------------------------------


class _PatchAfterImport(importlib.machinery.PathFinder):
    """A meta-path hook: patch `triton.runtime.jit` / `.autotuner` right after they are imported (lazily)."""

    names = ("triton.runtime.jit", "triton.runtime.autotuner")

    @classmethod
    def find_spec(cls, fullname, path=None, target=None):  # type: ignore[override]
        if fullname not in cls.names:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        original = loader.exec_module

        def exec_module(module: Any) -> None:
            original(module)
            try:
                _patch(fullname, module)
            except Exception as err:
                sys.stderr.write(f"reducer capture: could not patch {fullname}: {err}\n")

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install_hook() -> None:
    """Called by the generated sitecustomize: only acts when `reducer capture` set the variables."""
    if not os.environ.get(ENV_DIR):
        return
    if "triton.runtime.jit" in sys.modules:
        _patch("triton.runtime.jit", sys.modules["triton.runtime.jit"])
        if "triton.runtime.autotuner" in sys.modules:
            _patch("triton.runtime.autotuner", sys.modules["triton.runtime.autotuner"])
        return
    sys.meta_path.insert(0, _PatchAfterImport)  # type: ignore[arg-type]


def _patch(name: str, module: Any) -> None:
    if name == "triton.runtime.jit" and not getattr(module.JITFunction, "_reducer_capture", False):
        module.JITFunction.run = _capturing_run
        module.JITFunction._reducer_capture = True
    elif name == "triton.runtime.autotuner" and not getattr(module.Autotuner, "_reducer_capture", False):
        module.Autotuner._bench = _compile_only_bench
        module.Autotuner._reducer_capture = True


def _compile_only_bench(self: Any, *args: Any, config: Any, **meta: Any) -> list[float]:
    """Autotuning without a device: compile (and record) every config; all 'time' the same."""
    current = dict(meta, **config.all_kwargs())
    self.fn.run(*args, **current)
    return [1.0, 1.0, 1.0]


_SEEN: set[str] = set()


def _capturing_run(self: Any, *args: Any, grid: Any, warmup: bool, **kwargs: Any) -> None:
    """Replacement for `JITFunction.run`: specialise like Triton does, compile for the target, record, never launch."""
    out = Path(os.environ[ENV_DIR])
    target = os.environ.get(ENV_TARGET, "Ascend910B3")
    record: dict[str, Any] = {
        "kernel": self.fn.__name__,
        "qualname": f"{self.fn.__module__}.{self.fn.__qualname__}",
        "source": _source_of(self.fn),
        "target": target,
        "pid": os.getpid(),
    }
    try:
        prepared = _specialise(self, target, args, kwargs)
    except Exception as err:  # e.g. a launch keyword the backend rejects (maxnreg=...)
        key = f"{record['qualname']}:{type(err).__name__}:{err}"
        record.update(outcome=FRONTEND_ERROR, failed_stage="launch", error=f"{type(err).__name__}: {err}")
        _write_once(out, record, key)
        return None
    fn_key, signature, constants, attrs, options, bound = prepared
    key = f"{record['qualname']}:{fn_key}:{target}"
    if key in _SEEN:
        return None
    record.update(
        signature=signature,
        constants={k: _jsonable(v) for k, v in constants.items()},
        attrs=str(attrs),
        options={k: _jsonable(v) for k, v in kwargs.items()},
        grid=_grid_of(grid, bound),
    )
    folder = _folder(out, record["kernel"], key)
    record["outcome"] = INCOMPLETE
    atomic.write_text(folder / RECORD, json.dumps(record, indent=2, sort_keys=True) + "\n")
    t0 = time.monotonic()
    result = _compile(self, signature, constants, attrs, target, options)
    record["seconds"] = round(time.monotonic() - t0, 3)
    record.update(_describe(result))
    if result.ttir is not None:
        atomic.write_text(folder / f"{record['kernel']}.ttir", result.ttir)
        record["ttir"] = f"{record['kernel']}.ttir"
    if result.ttadapter is not None:
        atomic.write_text(folder / f"{record['kernel']}.ttadapter.mlir", result.ttadapter)
        record["ttadapter"] = f"{record['kernel']}.ttadapter.mlir"
    atomic.write_text(folder / RECORD, json.dumps(record, indent=2, sort_keys=True) + "\n")
    _SEEN.add(key)
    return None


def _specialise(jit: Any, target: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """What `JITFunction.run` computes before compiling, with the Ascend backend instead of the active driver."""
    from triton.backends.compiler import GPUTarget
    from triton.compiler import make_backend
    from triton.runtime.jit import create_function_from_signature

    kwargs = dict(kwargs)
    kwargs["debug"] = kwargs.get("debug", False) or os.environ.get("TRITON_DEBUG", "0") == "1"
    backend = make_backend(GPUTarget("npu", target, 0))
    for hook in jit.pre_run_hooks:
        hook(*args, **kwargs)
    if getattr(jit, "bishengir_option", None):
        kwargs.update(jit.bishengir_option)
    binder = create_function_from_signature(jit.signature, jit.params, backend)
    bound_args, sig_and_spec, constexpr_vals, _non_constexpr, excess_kwargs = binder(*args, **kwargs)
    options = backend.parse_options(kwargs)
    for k in excess_kwargs:
        if k not in options.__dict__:
            raise KeyError(f"Keyword argument {k} was specified but unrecognised")
    key = "".join(sig_and_spec) + str((constexpr_vals, excess_kwargs))
    bound_vals = tuple(bound_args.values())
    non_constexpr = [i for i, p in enumerate(jit.params) if not p.is_constexpr]
    sigkeys = [jit.params[i].name for i in non_constexpr]
    signature = {k: ("*i8" if v == "none" else v) for k, v in zip(sigkeys, sig_and_spec[: len(sigkeys)], strict=True)}
    attrs = backend.get_attrs_descriptor(jit.params, bound_vals)
    constant_params = attrs.get_constants()
    constants = {
        p.name: v
        for v, p in zip(bound_vals, jit.params, strict=True)
        if p.is_constexpr or p.num in constant_params or v is None
    }
    return key, signature, constants, attrs, options, bound_args


def _compile(
    jit: Any, signature: dict[str, str], constants: dict[str, Any], attrs: Any, target: str, options: Any
) -> Any:
    """Compile with the launch's own specialisation (attrs), recording every stage."""
    from reducer.kernel_compile import compile_for_ascend

    return compile_for_ascend(jit, signature, constants, target, options.__dict__, attrs)


def _describe(result: Any) -> dict[str, Any]:
    from reducer import kernel_compile as kc

    if result.outcome != kc.OUTCOME_FAILED:
        return {"outcome": PASSED, "detail": result.outcome, "failed_stage": None, "replay": None}
    if result.failed_stage == kc.FRONTEND:
        return {"outcome": FRONTEND_ERROR, "failed_stage": "frontend", "error": result.error[-20000:], "replay": None}
    stage = Stage.ADAPTER if result.failed_stage == kc.TTADAPTER else Stage.BISHENGIR
    return {
        "outcome": FAILED,
        "failed_stage": stage.value,
        "error": result.error[-20000:],
        "returncode": result.returncode,
        "replay": stage.value,
    }


def _write_once(out: Path, record: dict[str, Any], key: str) -> None:
    if key in _SEEN:
        return
    _SEEN.add(key)
    atomic.write_text(_folder(out, record["kernel"], key) / RECORD, json.dumps(record, indent=2, sort_keys=True) + "\n")


def _folder(out: Path, kernel: str, key: str) -> Path:
    digest = hashlib.sha1(key.encode()).hexdigest()[:8]
    return out / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', kernel)}-{digest}"


def _source_of(fn: Any) -> str | None:
    code = getattr(fn, "__code__", None)
    return f"{code.co_filename}:{code.co_firstlineno}" if code else None


def _grid_of(grid: Any, bound: Any) -> Any:
    try:
        value = grid(bound) if callable(grid) else grid
        return [int(g) for g in value]
    except Exception:
        return repr(grid)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        return f"tensor{tuple(value.shape)} {value.dtype}"
    return repr(value)
