"""Regenerate examples/ir/ from the kernels in examples/kernels/.

For each kernel this writes ``ir/<name>.ttir`` (the input of triton-adapter-opt) and, when that stage
passed, ``ir/<name>.ttadapter.mlir`` (its output as the backend produces it, ``mix_mode`` still in).
Absolute source paths in ``loc(...)`` are rewritten relative to the repository root.

Usage: python examples/make_ir.py [NAME ...] [--out DIR] [--kernels DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
KERNELS = HERE / "kernels"
sys.path.insert(0, str(ROOT))

from reducer.capture.kernel_compile import CompileRecord, compile_for_ascend  # noqa: E402

_ABS_LOC = re.compile(r'loc\("(/[^"]*/)([^"/]+)"')


def load_module(path: Path) -> ModuleType:
    """Import one kernel file by path (the kernels folder is not a package)."""
    spec = importlib.util.spec_from_file_location(f"example_kernels.{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def find_kernel(module: ModuleType) -> Any:
    """The @triton.jit function whose parameters are exactly SIGNATURE + CONSTANTS (helpers are skipped)."""
    from triton.runtime.jit import JITFunction

    wanted = set(module.SIGNATURE) | set(module.CONSTANTS)
    for value in vars(module).values():
        if isinstance(value, JITFunction) and set(inspect.signature(value.fn).parameters) == wanted:
            return value
    raise LookupError(f"{module.__name__}: no @triton.jit function takes exactly {sorted(wanted)}")


def strip_paths(text: str) -> str:
    """Make loc() paths relative to the repository root; any other absolute path keeps its file name only."""
    text = text.replace(f"{ROOT}/", "")
    return _ABS_LOC.sub(r'loc("\2"', text)


def compile_file(path: Path) -> CompileRecord:
    """Compile the kernel defined in ``path`` with its module-level settings."""
    module = load_module(path)
    return compile_for_ascend(
        find_kernel(module),
        module.SIGNATURE,
        module.CONSTANTS,
        target=getattr(module, "TARGET", "Ascend910B3"),
        options=getattr(module, "OPTIONS", None),
    )


def write_ir(name: str, record: CompileRecord, out: Path) -> None:
    """Write the TTIR and, if the adapter stage passed, its linalg output; drop stale files otherwise."""
    out.mkdir(parents=True, exist_ok=True)
    ttir = out / f"{name}.ttir"
    linalg = out / f"{name}.ttadapter.mlir"
    for kind, path in (("ttir", ttir), ("ttadapter", linalg)):
        if kind in record.ir:
            path.write_text(strip_paths(record.ir[kind]))
        else:
            path.unlink(missing_ok=True)


def first_error_line(record: CompileRecord) -> str:
    """The line a human would quote: the first one that looks like an error, assertion or note."""
    keys = ("error", "Assertion", "UNREACHABLE", "LLVM ERROR", "ub overflow", "Stack dump")
    for line in record.error.splitlines():
        if any(k in line for k in keys) and "hivmc" not in line:
            return strip_paths(line.strip())[:200]
    return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="kernel names (file stems); default: all")
    parser.add_argument("--out", type=Path, default=HERE / "ir")
    parser.add_argument("--kernels", type=Path, default=KERNELS, help="folder of kernel files")
    args = parser.parse_args(argv)
    paths = sorted(args.kernels.glob("*.py"))
    if args.names:
        paths = [p for p in paths if p.stem in set(args.names)]
    for path in paths:
        record = compile_file(path)
        write_ir(path.stem, record, args.out)
        stage = record.failed_stage or "-"
        print(f"{path.stem:32} {record.outcome:24} {stage:10} rc={record.returncode} {first_error_line(record)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
