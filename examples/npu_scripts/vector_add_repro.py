"""Vector add gives wrong results for a length that is not a multiple of BLOCK_SIZE (written like a triton-ascend
bug report: run it as is; reducer runs it unmodified with no NPU: `reducer capture -- python vector_add_repro.py`).
"""

import torch
import torch_npu  # noqa: F401
import triton
import triton.language as tl


@triton.jit
def masked_add_kernel(x_ptr, y_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    y = tl.load(y_ptr + offsets, mask=mask)
    tl.store(out_ptr + offsets, x * 2.0 + y, mask=mask)


def masked_add(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    n = out.numel()
    grid = lambda meta: (triton.cdiv(n, meta["BLOCK_SIZE"]),)  # noqa: E731
    masked_add_kernel[grid](x, y, out, n, BLOCK_SIZE=256)
    return out


if __name__ == "__main__":
    torch.npu.set_device(0)
    torch.manual_seed(0)
    size = 98432
    x = torch.rand(size, device="npu:0")
    y = torch.rand(size, device="npu:0")
    out = masked_add(x, y)
    torch.npu.synchronize()
    ref = x * 2.0 + y
    print("max diff:", torch.max(torch.abs(out - ref)).item())
    torch.testing.assert_close(out, ref)
    print("PASS")
