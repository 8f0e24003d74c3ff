"""Triton's active driver under the stand-in. With no NPU, triton-ascend finds no active driver and every
`triton.runtime.driver.active...` fails; Ascend host code asks it for the target and for the core counts it sizes
grids with (`utils.get_device_properties(dev)["num_vectorcore"]`), so this driver answers for the capture's
target. Launching a compiled binary is refused: capture's hook runs kernels instead.
"""

from __future__ import annotations

from typing import Any

import torch
from triton.backends.compiler import GPUTarget
from triton.backends.driver import DriverBase

from reducer.npu import Unsupported, target

_BENCH_CACHE_INTS = 1 << 18  # an L2 flush buffer is pointless on the CPU: keep it small


class _Utils:
    def get_device_properties(self, device: Any = None) -> dict[str, int]:
        cube, vector = target.cores()
        return {"max_shared_mem": 1, "num_aicore": cube, "num_vectorcore": vector}

    def get_aicore_num(self) -> int:
        return target.cores()[0]

    def get_aivector_core_num(self) -> int:
        return target.cores()[1]

    def get_arch(self) -> str:
        return target.name()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise Unsupported(f"triton.runtime.driver.active.utils.{name}")


class _Launcher:
    def __init__(self, *_: Any, **__: Any) -> None:
        raise Unsupported("launching a compiled kernel binary (triton.runtime.driver.active.launcher_cls)")


class StandinDriver(DriverBase):
    utils = _Utils()
    launcher_cls = _Launcher

    @classmethod
    def is_active(cls) -> bool:
        return True

    def get_current_target(self) -> GPUTarget:
        return GPUTarget("npu", target.name(), 0)

    def get_active_torch_device(self) -> torch.device:
        return torch.device("npu", torch.npu.current_device())

    def get_current_device(self) -> int:
        return torch.npu.current_device()

    def set_current_device(self, device: Any) -> None:
        torch.npu.set_device(device)

    def get_current_stream(self, device: Any = None) -> int:
        return 0

    def get_benchmarker(self) -> Any:
        from triton.testing import do_bench

        return do_bench

    def get_device_interface(self) -> Any:
        return torch.npu

    def get_empty_cache_for_benchmark(self) -> torch.Tensor:
        return torch.empty(_BENCH_CACHE_INTS, dtype=torch.int, device="npu")

    def clear_cache(self, cache: torch.Tensor) -> None:
        cache.zero_()
