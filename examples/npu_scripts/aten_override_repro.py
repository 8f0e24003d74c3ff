"""A library-style aten override: `torch.relu` on npu tensors is served by a Triton kernel registered for the
PrivateUse1 key (the way FlagGems plugs its kernels into torch), then compared with the CPU result.
"""

import torch
import torch_npu  # noqa: F401
import triton
import triton.language as tl


@triton.jit
def relu_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask)
    tl.store(out_ptr + offs, tl.where(x > 0, x, 0.0), mask=mask)


def relu(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    n = x.numel()
    relu_kernel[(triton.cdiv(n, 1024),)](x, out, n, BLOCK=1024)
    return out


_lib = torch.library.Library("aten", "IMPL")
_lib.impl("relu", relu, "PrivateUse1")

if __name__ == "__main__":
    x = torch.randn(4096, device="npu:0")
    y = torch.relu(x)
    torch.npu.synchronize()
    torch.testing.assert_close(y.cpu(), torch.relu(x.cpu()))
    print("PASS")
