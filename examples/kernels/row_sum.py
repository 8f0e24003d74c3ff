"""Healthy: sum of each row of a 2D fp32 matrix, one program per block of rows."""

import triton
import triton.language as tl


@triton.jit
def row_sum(x_ptr, out_ptr, n_rows, n_cols, stride_row, BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr):
    pid = tl.program_id(0)
    rows = pid * BLOCK_R + tl.arange(0, BLOCK_R)
    cols = tl.arange(0, BLOCK_C)
    acc = tl.zeros([BLOCK_R], dtype=tl.float32)
    for start in range(0, n_cols, BLOCK_C):
        c = start + cols
        mask = (rows[:, None] < n_rows) & (c[None, :] < n_cols)
        tile = tl.load(x_ptr + rows[:, None] * stride_row + c[None, :], mask=mask, other=0.0)
        acc += tl.sum(tile, axis=1)
    tl.store(out_ptr + rows, acc, mask=rows < n_rows)


SIGNATURE = {"x_ptr": "*fp32", "out_ptr": "*fp32", "n_rows": "i32", "n_cols": "i32", "stride_row": "i32"}
CONSTANTS = {"BLOCK_R": 16, "BLOCK_C": 64}


def run(torch):
    x = torch.randn(50, 300)
    out = torch.empty(50)
    grid = (triton.cdiv(x.shape[0], CONSTANTS["BLOCK_R"]),)
    row_sum[grid](x, out, x.shape[0], x.shape[1], x.stride(0), **CONSTANTS)
    return out
