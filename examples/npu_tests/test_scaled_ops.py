"""Ascend-style pytest cases: host tensors moved with `.npu()`, a Triton kernel, a check against torch."""

import pytest
import torch
import triton
import triton.language as tl


@triton.jit
def scaled_sub_kernel(a_ptr, b_ptr, out_ptr, n, scale, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    a = tl.load(a_ptr + offs, mask=mask)
    b = tl.load(b_ptr + offs, mask=mask)
    tl.store(out_ptr + offs, (a - b) * scale, mask=mask)


@triton.jit
def row_max_kernel(x_ptr, out_ptr, N, BLOCK_N: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK_N)
    x = tl.load(x_ptr + row * N + cols, mask=cols < N, other=-float("inf"))
    tl.store(out_ptr + row, tl.max(x, axis=0))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
@pytest.mark.parametrize("n", [100, 4096])
def test_scaled_sub(dtype, n):
    a = torch.randn(n, dtype=dtype).npu()
    b = torch.randn(n, dtype=dtype).npu()
    out = torch.empty_like(a)
    scaled_sub_kernel[(triton.cdiv(n, 256),)](a, b, out, n, 0.5, BLOCK=256)
    torch.testing.assert_close(out.cpu(), ((a - b) * 0.5).cpu(), rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("shape", [(8, 100), (32, 512)])
def test_row_max(shape):
    x = torch.randn(shape).npu()
    out = torch.empty(shape[0], device="npu")
    row_max_kernel[(shape[0],)](x, out, shape[1], BLOCK_N=triton.next_power_of_2(shape[1]))
    assert torch.equal(out.cpu(), x.cpu().max(dim=1).values)
