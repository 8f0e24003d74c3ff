"""The `torch_npu` package under the stand-in, and the submodules real Ascend code imports (`torch_npu.npu` is
`torch.npu`, see `api`): `.contrib.transfer_to_npu`, `._C`, `.profiler`, `.version`, `.utils`,
`._inductor`. Any other submodule, and any name not defined here, is refused with one line.

torch_npu's own operators (`npu_rms_norm`, `npu_fusion_attention`, ...) are not emulated: they import (libraries
import them once they see an NPU) and a call is refused in one line. Only the two layout calls almost every caller
makes (`npu_format_cast`, `get_npu_format`) run, as no-ops on an ND-only device.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import types
from collections.abc import Callable
from typing import Any

import torch

from reducer.npu import Unsupported
from reducer.npu.served import module_from

ACL_FORMAT_ND = 2


def make(name: str) -> types.ModuleType:
    """The module `name` ("torch_npu" or one of its submodules), refused if the stand-in has none."""
    return module_from(name, _MODULES, _PACKAGES, fallback=_operator_of)


def _operator_of(module: str, attr: str) -> Callable[..., Any] | None:
    return _operator(attr) if module == "torch_npu" and attr.startswith("npu_") else None


def _operator(name: str) -> Callable[..., Any]:
    """A torch_npu operator is importable, as on an NPU (libraries import them when they see an NPU, e.g.
    transformers' fused attention), and refused in one line when called: it is not emulated."""

    def operator(*_: Any, **__: Any) -> Any:
        raise Unsupported(f"torch_npu.{name} (a torch_npu operator, called)")

    operator.__name__ = operator.__qualname__ = name
    operator.__module__ = "torch_npu"
    return operator


def _package() -> dict[str, Any]:
    """torch_npu under reducer's NPU stand-in (no NPU on this machine)."""

    def npu_format_cast(tensor: torch.Tensor, acl_format: Any = ACL_FORMAT_ND, **_: Any) -> torch.Tensor:
        return tensor

    return {
        "__version__": torch.__version__.split("+")[0],
        "npu": torch.npu,
        "npu_format_cast": npu_format_cast,
        "npu_format_cast_": npu_format_cast,
        "get_npu_format": lambda tensor: ACL_FORMAT_ND,
        "_autoload": lambda: None,  # torch's device-backend autoload entry point
    }


def _C() -> dict[str, Any]:  # noqa: N802  (the module's name)
    """Raw stream handles for launchers: 0, there is no device."""
    return {
        "_npu_getCurrentRawStream": lambda device=None: 0,
        "_npu_getCurrentRawStreamNoWait": lambda device=None: 0,
    }


def _version() -> dict[str, Any]:
    """Version strings."""
    return {"__version__": torch.__version__.split("+")[0], "git_version": "reducer-npu-standin"}


def _empty() -> dict[str, Any]:
    """Imported for its side effects on a real NPU; nothing to do here."""
    return {}


class ProfilerActivity(enum.Enum):
    CPU = "CPU"
    NPU = "NPU"


class ProfilerLevel(enum.Enum):
    Level0 = "Level0"
    Level1 = "Level1"
    Level2 = "Level2"
    Level_none = "Level_none"


class AiCMetrics(enum.Enum):
    PipeUtilization = "PipeUtilization"
    ArithmeticUtilization = "ArithmeticUtilization"
    Memory = "Memory"
    L2Cache = "L2Cache"
    AiCoreNone = "AiCoreNone"


class ExportType(enum.Enum):
    Text = "text"
    Db = "db"


class _Profile(contextlib.AbstractContextManager):
    """Records nothing: there is no device timeline to read."""

    def __init__(self, *_: Any, **__: Any) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None

    def start(self) -> None:
        return None

    def stop(self) -> None:
        return None

    def step(self) -> None:
        return None


def _profiler() -> dict[str, Any]:
    """A profiler that records nothing."""
    return {
        "profile": _Profile,
        "schedule": lambda *a, **k: (lambda step: None),
        "tensorboard_trace_handler": lambda *a, **k: (lambda prof: None),
        "_ExperimentalConfig": lambda *a, **k: None,
        "ProfilerActivity": ProfilerActivity,
        "ProfilerLevel": ProfilerLevel,
        "AiCMetrics": AiCMetrics,
        "ExportType": ExportType,
        "supported_activities": lambda: {ProfilerActivity.CPU, ProfilerActivity.NPU},
    }


_CUDA_NAMES = (
    "is_available", "device_count", "current_device", "set_device", "synchronize", "get_device_name",
    "get_device_properties", "Stream", "Event", "current_stream", "default_stream", "stream", "device",
    "empty_cache", "manual_seed", "manual_seed_all", "memory_allocated", "max_memory_allocated",
    "memory_reserved", "mem_get_info", "reset_peak_memory_stats",
)
_FACTORIES = (
    "empty", "zeros", "ones", "full", "rand", "randn", "randint", "randperm", "arange", "linspace", "eye",
    "tensor", "as_tensor", "empty_strided", "empty_like", "zeros_like", "ones_like", "full_like", "rand_like",
    "randn_like",
)


def _on_npu(device: Any) -> Any:
    if isinstance(device, str) and device.startswith("cuda"):
        return "npu" + device[4:]
    if isinstance(device, torch.device) and device.type == "cuda":
        return torch.device("npu", device.index)
    return device


def _device_swapped(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        if "device" in kwargs:
            kwargs["device"] = _on_npu(kwargs["device"])
        return fn(*args, **kwargs)

    return call


def _transfer_to_npu() -> dict[str, Any]:
    """Code written for CUDA runs on the npu: torch.cuda's device calls, `.cuda()`, device="cuda" in factories."""
    if getattr(torch, "_reducer_transferred", False):
        return {}
    for name in _CUDA_NAMES:
        setattr(torch.cuda, name, getattr(torch.npu, name))
    for name in _FACTORIES:
        setattr(torch, name, _device_swapped(getattr(torch, name)))
    to = torch.Tensor.to
    torch.Tensor.to = functools.wraps(to)(  # type: ignore[method-assign]
        lambda self, *args, **kwargs: to(self, *map(_on_npu, args), **{k: _on_npu(v) for k, v in kwargs.items()})
    )
    torch.Tensor.cuda = lambda self, device=None, non_blocking=False, **_: self.npu(  # type: ignore[method-assign]
        device, non_blocking=non_blocking
    )
    torch._reducer_transferred = True  # type: ignore[attr-defined]
    return {}


_MODULES: dict[str, Callable[[], dict[str, Any]]] = {
    "torch_npu": _package,
    "torch_npu._C": _C,
    "torch_npu.version": _version,
    "torch_npu.profiler": _profiler,
    "torch_npu.contrib": _empty,
    "torch_npu.contrib.transfer_to_npu": _transfer_to_npu,
    "torch_npu.utils": _empty,
    "torch_npu._inductor": _empty,
}
_PACKAGES = {"torch_npu", "torch_npu.contrib", "torch_npu.utils", "torch_npu._inductor"}
