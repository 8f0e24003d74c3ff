"""Fails in triton-adapter-opt (SIGABRT): a realistic two-pass LayerNorm with an early exit per row.

The row loops are fine on their own; the nested `if` on loaded per-row flags with an inner `return`
(skip rows already normalized) and a scalar set in the outer branch (per-row gain) is what brings down
the adapter.
"""

import triton
import triton.language as tl


@triton.jit
def layernorm_fwd_skip_rows(
    x_ptr,
    w_ptr,
    b_ptr,
    out_ptr,
    mean_ptr,
    rstd_ptr,
    row_valid_ptr,
    row_done_ptr,
    row_gain_ptr,
    n_cols,
    stride_x,
    stride_out,
    eps,
    BLOCK: tl.constexpr,
):
    row = tl.program_id(0)
    valid = tl.load(row_valid_ptr + row)
    x_row = x_ptr + row * stride_x
    o_row = out_ptr + row * stride_out
    gain = 1.0
    if valid != 0:
        done = tl.load(row_done_ptr + row)
        if done != 0:
            return
        gain = tl.load(row_gain_ptr + row)
    acc = tl.zeros([BLOCK], dtype=tl.float32)
    for start in range(0, n_cols, BLOCK):
        cols = start + tl.arange(0, BLOCK)
        acc += tl.load(x_row + cols, mask=cols < n_cols, other=0.0).to(tl.float32)
    mean = tl.sum(acc, axis=0) / n_cols
    var_acc = tl.zeros([BLOCK], dtype=tl.float32)
    for start in range(0, n_cols, BLOCK):
        cols = start + tl.arange(0, BLOCK)
        mask = cols < n_cols
        xc = tl.where(mask, tl.load(x_row + cols, mask=mask, other=0.0).to(tl.float32) - mean, 0.0)
        var_acc += xc * xc
    rstd = 1.0 / tl.sqrt(tl.sum(var_acc, axis=0) / n_cols + eps)
    tl.store(mean_ptr + row, mean)
    tl.store(rstd_ptr + row, rstd)
    for start in range(0, n_cols, BLOCK):
        cols = start + tl.arange(0, BLOCK)
        mask = cols < n_cols
        w = tl.load(w_ptr + cols, mask=mask, other=1.0)
        b = tl.load(b_ptr + cols, mask=mask, other=0.0)
        x = tl.load(x_row + cols, mask=mask, other=0.0).to(tl.float32)
        tl.store(o_row + cols, ((x - mean) * rstd * w + b) * gain, mask=mask)


SIGNATURE = {
    "x_ptr": "*fp32",
    "w_ptr": "*fp32",
    "b_ptr": "*fp32",
    "out_ptr": "*fp32",
    "mean_ptr": "*fp32",
    "rstd_ptr": "*fp32",
    "row_valid_ptr": "*i32",
    "row_done_ptr": "*i32",
    "row_gain_ptr": "*fp32",
    "n_cols": "i32",
    "stride_x": "i32",
    "stride_out": "i32",
    "eps": "fp32",
}
CONSTANTS = {"BLOCK": 256}


def run(torch):
    rows, cols = 6, 1000
    x = torch.randn(rows, cols)
    w = torch.ones(cols)
    b = torch.zeros(cols)
    out = torch.empty_like(x)
    mean = torch.empty(rows)
    rstd = torch.empty(rows)
    valid = torch.tensor([1, 1, 0, 1, 1, 0], dtype=torch.int32)
    done = torch.tensor([0, 1, 0, 0, 1, 0], dtype=torch.int32)
    gain = torch.full((rows,), 0.5)
    layernorm_fwd_skip_rows[(rows,)](
        x, w, b, out, mean, rstd, valid, done, gain, cols, x.stride(0), out.stride(0), 1e-5, BLOCK=CONSTANTS["BLOCK"]
    )
    return out
