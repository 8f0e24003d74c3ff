"""Broadcasting one row over a block with a zero row stride crashes the compiler (written like a triton-ascend bug
report: run it as is on an NPU; with no NPU: `reducer sweep -- python broadcast_rows_repro.py`).
"""

import torch
import torch_npu  # noqa: F401
import triton
import triton.language as tl


@triton.jit
def broadcast_rows_kernel(row_ptr, out_ptr, M, N, stride_om, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
    pid = tl.program_id(0)
    # every row of the source block is the same row: row stride 0
    src = tl.make_block_ptr(row_ptr, shape=(M, N), strides=(0, 1), offsets=(pid * BLOCK_M, 0),
                            block_shape=(BLOCK_M, BLOCK_N), order=(1, 0))
    dst = tl.make_block_ptr(out_ptr, shape=(M, N), strides=(stride_om, 1), offsets=(pid * BLOCK_M, 0),
                            block_shape=(BLOCK_M, BLOCK_N), order=(1, 0))
    tl.store(dst, tl.load(src, boundary_check=(0, 1)) * 2.0, boundary_check=(0, 1))


if __name__ == "__main__":
    torch.npu.set_device(0)
    row = torch.randn(64, device="npu:0")
    out = torch.empty(48, 64, device="npu:0")
    broadcast_rows_kernel[(triton.cdiv(48, 16),)](row, out, 48, 64, out.stride(0), BLOCK_M=16, BLOCK_N=64)
    torch.npu.synchronize()
    torch.testing.assert_close(out, (row * 2.0).expand(48, 64))
    print("PASS")
