"""Launch example kernels as a user's script would: CPU torch tensors, `kernel[grid](...)`, one after another.

Without an NPU these launches cannot run; under `reducer capture -- python examples/launch_all.py` each one
compiles for the Ascend target instead and is recorded. A launch that fails is reported and the script goes
on, so one run exercises failing and healthy kernels alike.

Usage: python examples/launch_all.py [NAME ...] [--all] [--no-frontend]
  default: a mix of healthy kernels, two kernels hitting the same adapter bug, and two other bugs;
  the frontend cases (a `maxnreg=` launch keyword, `tl.dot(input_precision=None)`) are added unless --no-frontend.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import traceback
from pathlib import Path
from types import ModuleType

import triton
import triton.language as tl

HERE = Path(__file__).resolve().parent
KERNELS = HERE / "kernels"

DEFAULT = (
    "vector_add",  # healthy
    "softmax_row",  # healthy
    "block_ptr_zero_stride",  # adapter assertion: strides must not be zero
    "block_ptr_zero_stride_batch",  # the same bug in another kernel
    "nested_if_return",  # adapter assertion: use_empty
    "multi_return_helper_loop",  # adapter diagnostic: unresolved materialization
)


def load(name: str) -> ModuleType:
    path = KERNELS / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"example_kernels.{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@triton.jit
def dot_precision_none(a_ptr, b_ptr, c_ptr, BM: tl.constexpr):
    """triton-ascend 3.2.0's frontend raises AttributeError (default_dot_input_precision) on input_precision=None."""
    offs = tl.arange(0, BM)
    a = tl.load(a_ptr + offs[:, None] * BM + offs[None, :])
    b = tl.load(b_ptr + offs[:, None] * BM + offs[None, :])
    c = tl.dot(a, b, input_precision=None)
    tl.store(c_ptr + offs[:, None] * BM + offs[None, :], c)


def frontend_cases(torch):  # noqa: ANN001, ANN201 - torch is passed in like the examples' run(torch)
    """Launches that fail in Triton's own Python frontend, not in a compiler binary."""
    vector_add = load("vector_add")
    x = torch.randn(256)
    out = torch.empty_like(x)

    def launch_maxnreg():
        # A CUDA-only launch keyword: the Ascend backend rejects it before compiling anything.
        vector_add.vector_add[(1,)](x, x, out, 256, BLOCK=256, maxnreg=128)

    def launch_dot():
        a = torch.randn(16, 16)
        dot_precision_none[(1,)](a, a, torch.empty_like(a), BM=16)

    return [("maxnreg", launch_maxnreg), ("dot_precision_none", launch_dot)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="kernel file stems under examples/kernels")
    parser.add_argument("--all", action="store_true", help="launch every example kernel")
    parser.add_argument("--no-frontend", action="store_true", help="skip the frontend-error launches")
    args = parser.parse_args(argv)
    import torch

    names = args.names or (sorted(p.stem for p in KERNELS.glob("*.py")) if args.all else list(DEFAULT))
    launches = [(name, lambda name=name: load(name).run(torch)) for name in names]
    if not args.no_frontend:
        launches += frontend_cases(torch)
    failed = 0
    for name, launch in launches:
        try:
            launch()
            print(f"launched {name}")
        except Exception as err:  # keep going: a user's sweep script would too
            failed += 1
            first = (str(err).strip().splitlines() or [""])[0]
            print(f"FAILED   {name}: {type(err).__name__}: {first}")
            if "-v" in sys.argv:
                traceback.print_exc()
    print(f"{len(launches)} launches, {failed} failed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
