"""`torch.npu` (also `torch_npu.npu`) under the stand-in: the calls Ascend code makes, read from vLLM-Ascend,
sgl-kernel-npu, FlagGems' Ascend backend, Liger-Kernel's Ascend paths and triton-ascend's tutorials and tests.

One device per process by default (`device_count()` is 1; `set_device(n)` is accepted, as multi-rank scripts
pin their rank). Anything not here fails with one line naming it (`Unsupported`).
"""

from __future__ import annotations

import functools
import sys
import types
from dataclasses import dataclass
from typing import Any

import torch

from reducer.npu import Unsupported, target
from reducer.npu.standin import MEMORY
from reducer.npu.streams import (  # noqa: F401  (the module's API)
    CURRENT,
    Event,
    Generator,
    Stream,
    current_stream,
    default_stream,
    device_index,
    set_stream,
    stream,
)


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    raise Unsupported(f"torch.npu.{name}")


def is_available() -> bool:
    return True


def is_initialized() -> bool:
    return True


def init() -> None:
    return None


_lazy_init = init


def _is_in_bad_fork() -> bool:
    return False


def device_count() -> int:
    return 1


def current_device() -> int:
    return CURRENT["device"]


def set_device(device: Any) -> None:
    CURRENT["device"] = device_index(device)


class device:  # noqa: N801  (torch's name)
    """`with torch.npu.device(x.device):` selects a device for the block."""

    def __init__(self, device: Any) -> None:
        self.index = None if device is None or device == -1 else device_index(device)
        self.before = 0

    def __enter__(self) -> device:
        self.before = current_device()
        if self.index is not None:
            set_device(self.index)
        return self

    def __exit__(self, *exc: Any) -> None:
        set_device(self.before)


_DeviceGuard = device


def device_of(tensor: torch.Tensor) -> device:
    return device(tensor.device if tensor.device.type == "npu" else None)


def synchronize(device: Any = None) -> None:
    return None


def is_current_stream_capturing() -> bool:
    return False


@dataclass(frozen=True)
class DeviceProperties:
    name: str
    total_memory: int
    cube_core_num: int
    vector_core_num: int
    major: int = 0
    minor: int = 0
    is_integrated: bool = False

    @property
    def multi_processor_count(self) -> int:
        return self.cube_core_num


def get_device_properties(device: Any = None) -> DeviceProperties:
    cube, vector = target.cores()
    return DeviceProperties(target.name(), target.TOTAL_MEMORY, cube, vector)


def get_device_name(device: Any = None) -> str:
    return target.name()


# --- memory: live npu storages, as the caching allocator would report them with nothing cached -------------


def memory_allocated(device: Any = None) -> int:
    return MEMORY["current"]


def max_memory_allocated(device: Any = None) -> int:
    return MEMORY["peak"]


memory_reserved, max_memory_reserved = memory_allocated, max_memory_allocated


def reset_peak_memory_stats(device: Any = None) -> None:
    MEMORY["peak"] = MEMORY["current"]


reset_max_memory_allocated = reset_peak_memory_stats


def empty_cache() -> None:
    return None


def mem_get_info(device: Any = None) -> tuple[int, int]:
    return target.TOTAL_MEMORY - MEMORY["current"], target.TOTAL_MEMORY


def memory_stats(device: Any = None) -> dict[str, int]:
    now, peak = MEMORY["current"], MEMORY["peak"]
    return {f"{kind}_bytes.all.{when}": value for kind in ("allocated", "reserved", "active")
            for when, value in (("current", now), ("peak", peak))}


def memory_summary(device: Any = None, abbreviated: bool = False) -> str:
    return f"NPU stand-in: {MEMORY['current']} bytes allocated, peak {MEMORY['peak']}"


# --- random state: one generator per device; seeding one seeds the CPU's too (npu tensors are filled there) --

default_generators = (Generator(0),)


def manual_seed(seed: int) -> None:
    for g in default_generators:
        g.manual_seed(seed)
    torch.default_generator.manual_seed(int(seed))


manual_seed_all = manual_seed


def seed() -> None:
    default_generators[0].seed()


seed_all = seed


def initial_seed() -> int:
    return default_generators[0].initial_seed()


def get_rng_state(device: Any = "npu") -> torch.Tensor:
    return default_generators[0].get_state()


def set_rng_state(new_state: torch.Tensor, device: Any = "npu") -> None:
    default_generators[0].set_state(new_state)


def get_rng_state_all() -> list[torch.Tensor]:
    return [g.get_state() for g in default_generators]


def set_rng_state_all(states: list[torch.Tensor]) -> None:
    for g, s in zip(default_generators, states, strict=False):
        g.set_state(s)


# --- amp, modes and flags ---------------------------------------------------------------------------------------


def get_amp_supported_dtype() -> list[torch.dtype]:
    return [torch.float16, torch.bfloat16]


def is_bf16_supported() -> bool:
    return True


def set_compile_mode(**_: Any) -> None:
    return None


def _namespace(name: str, **attrs: Any) -> types.ModuleType:
    """A sub-namespace (`torch.npu.amp`, `torch_npu.npu.utils`, ...) that refuses unknown names like this one."""
    module = types.ModuleType(f"torch.npu.{name}")
    module.__dict__.update(attrs)

    def missing(attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        raise Unsupported(f"torch.npu.{name}.{attr}")

    module.__getattr__ = missing  # type: ignore[method-assign]
    return module


amp = _namespace(
    "amp",
    autocast=functools.partial(torch.autocast, "npu"),
    custom_fwd=functools.partial(torch.amp.custom_fwd, device_type="npu"),
    custom_bwd=functools.partial(torch.amp.custom_bwd, device_type="npu"),
)
matmul = _namespace("matmul", allow_hf32=False)
conv = _namespace("conv", allow_hf32=True)
config = _namespace("config", allow_internal_format=False)
_this = sys.modules[__name__]
utils = _namespace("utils", **{n: getattr(_this, n) for n in (
    "is_available", "device_count", "current_device", "set_device", "synchronize", "get_device_name",
    "get_device_properties", "device", "device_of", "manual_seed", "manual_seed_all", "empty_cache",
)})
memory = _namespace("memory", **{n: getattr(_this, n) for n in (
    "memory_allocated", "max_memory_allocated", "memory_reserved", "max_memory_reserved", "empty_cache",
    "mem_get_info", "memory_stats", "memory_summary", "reset_peak_memory_stats",
)})
