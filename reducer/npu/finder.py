"""Installing the stand-in lazily: nothing is imported until the program imports it itself.

- `torch_npu` and its submodules (and `torch.npu.<namespace>`) are served by the stand-in, and so is CANN's
  `tbe.common.platform` (the chip's figures);
- `torch`, right after it is imported, gets the "npu" backend: torch >= 2.5 loads torch_npu with torch on a real
  NPU machine (the device-backend autoload), so code that only imports torch still finds `torch.npu`;
- `triton.runtime.driver`, right after it is imported, gets the stand-in driver (no device: no active driver).

An uncaught refusal prints its one line instead of a traceback.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
import types
from collections.abc import Callable
from typing import Any

from reducer.npu import Unsupported, UnsupportedModule


def _backend(_torch: Any) -> None:
    from reducer.npu import api, standin

    api.__path__ = []  # type: ignore[attr-defined]  # `import torch_npu.npu.utils` needs a package
    standin.setup(api)


def _driver(module: Any) -> None:
    from reducer.npu.driver import StandinDriver

    module.driver.set_active(StandinDriver())


_AFTER: dict[str, Callable[[Any], None]] = {"torch": _backend, "triton.runtime.driver": _driver}


def _served(name: str) -> types.ModuleType:
    """The stand-in's module `name`: `torch.npu` itself, one of its namespaces, or a torch_npu module."""
    import torch

    if name == "torch_npu.npu":
        return torch.npu
    head, _, attr = name.rpartition(".")
    if head in ("torch_npu.npu", "torch.npu") and isinstance(getattr(torch.npu, attr, None), types.ModuleType):
        return getattr(torch.npu, attr)
    if name.split(".")[0] == "tbe":
        from reducer.npu import cann_module

        return cann_module.make(name)
    from reducer.npu.torch_npu_module import make

    return make(name)


class _Serve:
    @staticmethod
    def create_module(spec: Any) -> types.ModuleType:
        return _served(spec.name)

    @staticmethod
    def exec_module(module: types.ModuleType) -> None:
        return None


def _then(spec: Any, action: Callable[[Any], None]) -> None:
    loader = spec.loader
    imported = loader.exec_module

    def exec_module(module: Any) -> None:
        imported(module)
        try:
            action(module)
        except Exception as err:  # the program runs on without the stand-in
            sys.stderr.write(f"reducer: NPU stand-in not installed for {spec.name}: {type(err).__name__}: {err}\n")

    loader.exec_module = exec_module


class Finder:
    @classmethod
    def find_spec(cls, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname.split(".")[0] in ("torch_npu", "tbe") or fullname.startswith("torch.npu."):
            return importlib.util.spec_from_loader(fullname, _Serve, is_package=True)  # type: ignore[arg-type]
        action = _AFTER.get(fullname)
        if action is None:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is not None and spec.loader is not None:
            _then(spec, action)
        return spec


def install() -> None:
    """Called by the generated sitecustomize (no NPU): from now on, imports meet the stand-in."""
    if Finder in sys.meta_path:
        return
    sys.meta_path.insert(0, Finder)  # type: ignore[arg-type]
    for name, action in _AFTER.items():
        if name in sys.modules:
            action(sys.modules[name])
    sys.excepthook = _one_line(sys.excepthook)


def _one_line(hook: Any) -> Any:
    def excepthook(kind: type[BaseException], value: BaseException, tb: Any) -> None:
        if isinstance(value, (Unsupported, UnsupportedModule)):
            sys.stderr.write(f"{value}\n")
            return
        hook(kind, value, tb)

    return excepthook
