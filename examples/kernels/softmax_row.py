"""Healthy: numerically stable softmax over each row (one program per row, row fits one block)."""

import triton
import triton.language as tl


@triton.jit
def softmax_row(x_ptr, out_ptr, n_cols, stride_x, stride_out, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < n_cols
    x = tl.load(x_ptr + row * stride_x + cols, mask=mask, other=-float("inf"))
    x = x - tl.max(x, axis=0)
    e = tl.exp(x)
    y = e / tl.sum(e, axis=0)
    tl.store(out_ptr + row * stride_out + cols, y, mask=mask)


SIGNATURE = {"x_ptr": "*fp32", "out_ptr": "*fp32", "n_cols": "i32", "stride_x": "i32", "stride_out": "i32"}
CONSTANTS = {"BLOCK": 256}


def run(torch):
    x = torch.randn(8, 200)
    out = torch.empty_like(x)
    softmax_row[(x.shape[0],)](x, out, x.shape[1], x.stride(0), out.stride(0), BLOCK=CONSTANTS["BLOCK"])
    return out
