"""What launches do to the IR on an Ascend host: Triton compiles each kernel for the device under the variables
`reducer capture --npu` sets (TRITON_KERNEL_DUMP=1, TRITON_DUMP_DIR, TRITON_ALWAYS_COMPILE), and triton-ascend's
own compile code writes the dumps. With no NPU here, only the device lookups are patched and nothing is launched.

Usage: python npu_host_compile.py [KERNEL_FILE_STEM ...]   (stems under examples/kernels)
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import triton  # noqa: E402
from triton.backends.compiler import GPUTarget  # noqa: E402

from reducer.capture.kernel_compile import ascend_backend_without_npu  # noqa: E402
from reducer.stage.options import DEFAULT_TARGET  # noqa: E402


def kernel_of(stem: str):
    path = ROOT / "examples" / "kernels" / f"{stem}.py"
    spec = importlib.util.spec_from_file_location(f"npu_host.{stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fn = next(v for v in vars(module).values() if isinstance(v, triton.runtime.JITFunction))
    return fn, module.SIGNATURE, module.CONSTANTS


def main(stems: list[str]) -> int:
    for stem in stems:
        fn, signature, constants = kernel_of(stem)
        full = {**signature, **{k: "constexpr" for k in constants}}
        with ascend_backend_without_npu(DEFAULT_TARGET):
            try:
                triton.compile(triton.compiler.ASTSource(fn, full, dict(constants)),
                               target=GPUTarget("npu", DEFAULT_TARGET, 0))
                print(f"compiled {stem}")
            except Exception as err:  # noqa: BLE001 - a failing compile is what the dump is for
                print(f"failed   {stem}: {type(err).__name__}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["block_ptr_zero_stride", "vector_add", "ub_overflow_elementwise"]))
