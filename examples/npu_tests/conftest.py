"""Written the way Ascend test suites set up their device: one NPU per session."""

import pytest
import torch
import torch_npu  # noqa: F401


@pytest.fixture(scope="session", autouse=True)
def npu_device():
    torch.npu.set_device(0)
    yield torch.device("npu", 0)
    torch.npu.synchronize()
