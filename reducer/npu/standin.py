"""The PrivateUse1 backend behind `device="npu"`: CPU memory, an "npu" device, PrivateUse1 dispatch.

torch's CPU build cannot allocate on PrivateUse1 by itself, so allocation, cross-device copies and every op with
no PrivateUse1 kernel go through one Python fallback: it views the npu tensors' memory as CPU tensors (same
bytes, no copy), runs the op there, and views the results as npu tensors again. A library's own PrivateUse1
kernel (FlagGems registers its aten overrides there) is found by the dispatcher before the fallback, as on a real
NPU. Each npu storage keeps the CPU storage it views alive (an attribute on the storage's Python object, which
torch preserves as long as the storage lives), so memory is freed when the last tensor using it dies.
"""

from __future__ import annotations

import warnings
import weakref
from typing import Any

import torch
from torch.utils._pytree import tree_map

_CPU = torch.device("cpu")
_CPU_KEYS = torch._C.DispatchKeySet(torch._C.DispatchKey.CPU)
_LIBRARIES: list[Any] = []  # the fallback's registration lives as long as the process
# Bytes held by live npu storages (what torch.npu.memory_allocated answers) and their peak.
MEMORY = {"current": 0, "peak": 0}


def setup(module: Any) -> None:
    """Make "npu" the PrivateUse1 backend with `module` as `torch.npu`; once per process."""
    if _LIBRARIES:
        return
    from torch.utils.backend_registration import _setup_privateuseone_for_python_backend

    _setup_privateuseone_for_python_backend("npu", backend_module=module)
    lib = torch.library.Library("_", "IMPL")
    lib.fallback(_fallback, "PrivateUse1")
    # No autocast kernels: inside `torch.npu.amp.autocast` ops run in the dtypes they are given.
    lib.fallback(torch.library.fallthrough_kernel, "AutocastPrivateUse1")
    # With an accelerator registered, CPU pinning asks it for a pinned allocator a Python backend cannot give:
    # pinned memory is ordinary memory here (`torch.empty(..., pin_memory=True)` still fails).
    pinning = torch.library.Library("aten", "IMPL")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "overriding a previously registered kernel"
        pinning.impl("_pin_memory", lambda self, device=None: self.clone(), "CPU")
        pinning.impl("is_pinned", lambda self, device=None: False, "CPU")
    _LIBRARIES.extend((lib, pinning))


def is_npu(value: Any) -> bool:
    return isinstance(value, torch.Tensor) and value.device.type == "npu"


def _freed(nbytes: int) -> None:
    MEMORY["current"] -= nbytes


def _npu_storage(host: torch.UntypedStorage, index: int) -> torch.UntypedStorage:
    storage = torch._C._construct_storage_from_data_pointer(host.data_ptr(), torch.device("npu", index), host.nbytes())
    storage._reducer_host = host  # type: ignore[attr-defined]
    MEMORY["current"] += host.nbytes()
    MEMORY["peak"] = max(MEMORY["peak"], MEMORY["current"])
    weakref.finalize(storage, _freed, host.nbytes())
    return storage


def _rebind(t: torch.Tensor, storage: Any, offset: int, size: Any, stride: Any) -> torch.Tensor:
    """Point `t` at `storage` with this geometry (the CPU kernel of `set_` only moves pointers)."""
    torch.ops.aten.set_.source_Storage_storage_offset.redispatch(_CPU_KEYS, t, storage, offset, size, stride)
    return t


def _over(storage: Any, offset: int, size: Any, stride: Any, dtype: torch.dtype) -> torch.Tensor:
    return _rebind(torch._C._acc.create_empty_tensor((0,), dtype), storage, offset, size, stride)


def to_npu(host: torch.Tensor, index: int = 0) -> torch.Tensor:
    """An npu tensor over `host`'s memory (which it keeps alive)."""
    storage = _npu_storage(host.untyped_storage(), index)
    return _over(storage, host.storage_offset(), host.shape, host.stride(), host.dtype)


def _host_storage(storage: torch.UntypedStorage) -> torch.UntypedStorage:
    return torch._C._construct_storage_from_data_pointer(storage.data_ptr(), _CPU, storage.nbytes())


def host_view(t: torch.Tensor) -> torch.Tensor:
    """A CPU tensor over an npu tensor's memory: valid while `t`'s storage lives."""
    host = _host_storage(t.untyped_storage())
    return torch.empty(0, dtype=t.dtype).set_(host, t.storage_offset(), t.shape, t.stride())


def _host(value: Any) -> Any:
    return host_view(value) if is_npu(value) else value


def _index(device: Any) -> int:
    return device.index if device.index is not None else torch.npu.current_device()


class _HostCall:
    """One op run on the CPU: npu arguments in as CPU views, results out as npu tensors."""

    def __init__(self) -> None:
        self.pairs: list[tuple[torch.Tensor, torch.Tensor]] = []
        self.cpu_args: set[int] = set()
        self.index: int | None = None

    def inward(self, value: Any) -> Any:
        if is_npu(value):
            self.index = value.device.index if self.index is None else self.index
            # An empty storage cannot be viewed; a fresh CPU tensor may grow (an `out=` the op resizes).
            host = host_view(value) if value.untyped_storage().nbytes() else torch.empty(value.shape, dtype=value.dtype)
            self.pairs.append((value, host))
            return host
        if isinstance(value, torch.device) and value.type == "npu":
            self.index = _index(value) if self.index is None else self.index
            return _CPU
        if isinstance(value, torch.Tensor):
            self.cpu_args.add(id(value))
        return value

    def settle(self) -> dict[int, torch.Tensor]:
        """Carry what the op did to an argument's geometry (or storage, if it grew from empty) back to it."""
        by_storage: dict[int, torch.Tensor] = {}
        for npu, host in self.pairs:
            geometry = (host.storage_offset(), host.shape, host.stride())
            if not npu.untyped_storage().nbytes():
                if host.untyped_storage().nbytes():
                    _rebind(npu, _npu_storage(host.untyped_storage(), npu.device.index or 0), *geometry)
            elif geometry != (npu.storage_offset(), npu.shape, npu.stride()):
                _rebind(npu, npu.untyped_storage(), *geometry)
            if npu.untyped_storage().nbytes():
                by_storage.setdefault(host.untyped_storage().data_ptr(), npu)
        return by_storage

    def outward(self, out: Any) -> Any:
        by_id = {id(host): npu for npu, host in self.pairs}
        by_storage = self.settle()

        def back(value: Any) -> Any:
            if not isinstance(value, torch.Tensor) or id(value) in self.cpu_args or value.device.type != "cpu":
                return value
            if id(value) in by_id:
                return by_id[id(value)]
            owner = by_storage.get(value.untyped_storage().data_ptr()) if value.untyped_storage().nbytes() else None
            if owner is not None:  # a view of an argument: the same npu storage
                return _over(owner.untyped_storage(), value.storage_offset(), value.shape, value.stride(), value.dtype)
            return to_npu(value, self.index or 0)

        return tree_map(back, out)


def _copy_from(op: Any, src: torch.Tensor, dst: torch.Tensor, non_blocking: bool = False) -> torch.Tensor:
    _host(dst).copy_(_host(src))
    return dst


def _copy_from_and_resize(op: Any, src: torch.Tensor, dst: torch.Tensor) -> torch.Tensor:
    if dst.shape != src.shape:
        dst.resize_(src.shape)
    return _copy_from(op, src, dst)


def _resize(op: Any, t: torch.Tensor, size: Any, memory_format: Any = None) -> torch.Tensor:
    """Grow the storage first when needed (a CPU view of npu memory cannot), then resize as the CPU does."""
    needed = (t.storage_offset() + max(1, _numel(size))) * t.element_size()
    old = t.untyped_storage()
    if needed > old.nbytes():
        grown = torch.zeros(needed, dtype=torch.uint8)
        if old.nbytes():
            grown[: old.nbytes()].copy_(torch.empty(0, dtype=torch.uint8).set_(_host_storage(old)))
        _rebind(t, _npu_storage(grown.untyped_storage(), t.device.index or 0), t.storage_offset(), t.shape, t.stride())
    return op.redispatch(_CPU_KEYS, t, size, memory_format=memory_format)


def _numel(size: Any) -> int:
    n = 1
    for s in size:
        n *= int(s)
    return n


def _pointers_only(op: Any, *args: Any, **kwargs: Any) -> Any:
    """`set_` moves pointers and geometry only: the CPU kernel does it for npu tensors as well."""
    return op.redispatch(_CPU_KEYS, *args, **kwargs)


_SPECIAL = {
    "aten::_copy_from": _copy_from,
    "aten::_copy_from_and_resize": _copy_from_and_resize,
    "aten::resize_": _resize,
    "aten::set_": _pointers_only,
}


def _fallback(op: Any, *args: Any, **kwargs: Any) -> Any:
    special = _SPECIAL.get(op._schema.name)
    if special is not None:
        return special(op, *args, **kwargs)
    call = _HostCall()
    host_args, host_kwargs = tree_map(call.inward, (args, kwargs))
    return call.outward(op(*host_args, **host_kwargs))
