"""Fails in bishengir-compile (exit 1, deterministic): `ub overflow` in a fused residual-add + RMSNorm +
per-token int8 quantization kernel that keeps one whole 8192-wide row in registers.

Realistic shape: LLM decode-time "fused_add_rms_norm + dynamic quant" with the row held in one block, a
second pass over smaller chunks for the smooth-quant scales.
"""

import triton
import triton.language as tl


@triton.jit
def fused_add_rmsnorm_quant(
    x_ptr, res_ptr, w_ptr, b_ptr, smooth_ptr, res_out_ptr, q_ptr, scale_ptr,
    n_cols, stride_x, stride_r, stride_q, eps, clip,
    BLOCK_N: tl.constexpr, CHUNK: tl.constexpr,
):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK_N)
    mask = cols < n_cols
    x = tl.load(x_ptr + row * stride_x + cols, mask=mask, other=0.0).to(tl.float32)
    r = tl.load(res_ptr + row * stride_r + cols, mask=mask, other=0.0).to(tl.float32)
    h = x + r
    tl.store(res_out_ptr + row * stride_r + cols, h.to(tl.float16), mask=mask)

    var = tl.sum(h * h, axis=0) / n_cols
    rstd = 1.0 / tl.sqrt(var + eps)
    w = tl.load(w_ptr + cols, mask=mask, other=0.0)
    b = tl.load(b_ptr + cols, mask=mask, other=0.0)
    y = h * rstd * w + b
    y = tl.minimum(tl.maximum(y, -clip), clip)

    # smooth-quant: divide by per-column smoothing factors, then per-token symmetric int8
    sm = tl.load(smooth_ptr + cols, mask=mask, other=1.0)
    ys = y / sm
    amax = tl.max(tl.where(mask, tl.abs(ys), 0.0), axis=0)
    scale = tl.maximum(amax / 127.0, 1e-8)
    q = ys / scale
    q = tl.where(q >= 0, tl.floor(q + 0.5), tl.ceil(q - 0.5))
    q = tl.minimum(tl.maximum(q, -128.0), 127.0)
    tl.store(q_ptr + row * stride_q + cols, q.to(tl.int8), mask=mask)
    tl.store(scale_ptr + row, scale)

    # second pass in chunks: dequantization error per chunk, folded into the scale slot
    err = tl.zeros([CHUNK], dtype=tl.float32)
    for c0 in range(0, n_cols, CHUNK):
        cc = c0 + tl.arange(0, CHUNK)
        cm = cc < n_cols
        qv = tl.load(q_ptr + row * stride_q + cc, mask=cm, other=0).to(tl.float32)
        hv = tl.load(res_out_ptr + row * stride_r + cc, mask=cm, other=0.0).to(tl.float32)
        wv = tl.load(w_ptr + cc, mask=cm, other=0.0)
        bv = tl.load(b_ptr + cc, mask=cm, other=0.0)
        sv = tl.load(smooth_ptr + cc, mask=cm, other=1.0)
        ref = tl.minimum(tl.maximum(hv * rstd * wv + bv, -clip), clip) / sv
        err += tl.where(cm, tl.abs(qv * scale - ref), 0.0)
    tl.store(scale_ptr + tl.num_programs(0) + row, tl.max(err, axis=0))


SIGNATURE = {
    "x_ptr": "*fp16", "res_ptr": "*fp16", "w_ptr": "*fp32", "b_ptr": "*fp32", "smooth_ptr": "*fp32",
    "res_out_ptr": "*fp16", "q_ptr": "*i8", "scale_ptr": "*fp32",
    "n_cols": "i32", "stride_x": "i32", "stride_r": "i32", "stride_q": "i32", "eps": "fp32", "clip": "fp32",
}
CONSTANTS = {"BLOCK_N": 8192, "CHUNK": 1024}


def run(torch):
    rows, cols = 4, 8000
    x = torch.randn(rows, cols, dtype=torch.float16)
    res = torch.randn(rows, cols, dtype=torch.float16)
    w = torch.rand(cols)
    b = torch.zeros(cols)
    smooth = torch.rand(cols) + 0.5
    res_out = torch.empty(rows, cols, dtype=torch.float16)
    q = torch.empty(rows, cols, dtype=torch.int8)
    scale = torch.empty(2 * rows)
    fused_add_rmsnorm_quant[(rows,)](
        x, res, w, b, smooth, res_out, q, scale,
        cols, x.stride(0), res.stride(0), q.stride(0), 1e-6, 50.0, **CONSTANTS,
    )
    return q, scale
