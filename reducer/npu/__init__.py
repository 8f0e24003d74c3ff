"""The NPU stand-in: with no NPU, a user's Ascend code runs as written (`import torch_npu`, `device="npu:0"`,
`torch.npu.synchronize()`), on CPU memory behind tensors whose device is "npu" and which dispatch on PrivateUse1.

Runs inside the user's process, installed by capture's generated `sitecustomize` (never with a real NPU):

- `finder`: the import hook: a `torch_npu` import is served by the stand-in; torch, once imported, gets the
  backend; `triton.runtime.driver`, once imported, gets a driver that answers for the capture's target;
- `standin`: the PrivateUse1 backend: allocation, cross-device copies, and a fallback that runs every op with no
  PrivateUse1 kernel on the CPU (a library's own PrivateUse1 overrides are called first, as on a real NPU);
- `api`: the `torch.npu` functions Ascend code calls; `streams`: streams, events, generators;
- `torch_npu_module`: the `torch_npu` package and its submodules; `cann_module`: CANN's `tbe.common.platform`
  (the chip's figures), both built from a table by `served`; `driver`: Triton's active driver.

An API outside the stand-in fails with one line naming it (`Unsupported`, `UnsupportedModule`).
This package itself imports nothing; its modules may import `reducer.npu` and, lazily, `reducer.capture.record`
and `reducer.stage.options` (names only), torch and triton.
"""

from __future__ import annotations

# Kernel launches seen so far in this process: the capture hook increments it; refusals quote it.
LAUNCHES = 0


def refusal(api: str) -> str:
    return f"reducer: {api} is not provided by reducer's NPU stand-in ({LAUNCHES} kernel launches so far)"


class Unsupported(AttributeError):
    """An attribute of `torch.npu` / `torch_npu` the stand-in does not provide (hasattr() answers False)."""

    def __init__(self, api: str) -> None:
        super().__init__(refusal(api))
        self.api = api


class UnsupportedModule(ModuleNotFoundError):
    """A `torch_npu` submodule the stand-in does not provide."""

    def __init__(self, api: str) -> None:
        super().__init__(refusal(api))  # no `name`: a from-import passes it on as is
        self.api = api
