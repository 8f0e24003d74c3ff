"""A heavy bishengir case (not in examples/ir, so the tests and the bench stay fast): a fused residual + RMSNorm +
gated activation + absmax quantisation over ROWS x N_COLS fp32, statically unrolled N_CHUNK times. The adapter's
linalg is ~4,800 ops; one bishengir-compile 1.2.0 run takes ~50 s (N_CHUNK=64; 11 s at 32, 1.4 s at 8) and fails
with `ub overflow` (a resource limit, 1a63f94adfa5). Reducing it in minutes needs the pass level to carry the work (issue 15).
Make its IR with `python examples/make_ir.py unrolled_rmsnorm_gate --out DIR`.
"""

import triton
import triton.language as tl


@triton.jit
def unrolled_rmsnorm_gate(x_ptr, r_ptr, g_ptr, w_ptr, out_ptr, res_ptr, n_rows, stride, eps,
                          ROWS: tl.constexpr, N_COLS: tl.constexpr, N_CHUNK: tl.constexpr):
    pid = tl.program_id(0)
    cols = tl.arange(0, N_COLS)
    w = tl.load(w_ptr + cols).to(tl.float32)
    for c in tl.static_range(N_CHUNK):
        rows = (pid * N_CHUNK + c) * ROWS + tl.arange(0, ROWS)
        mask = rows[:, None] < n_rows
        offs = rows[:, None] * stride + cols[None, :]
        x = tl.load(x_ptr + offs, mask=mask, other=0.0).to(tl.float32)
        r = tl.load(r_ptr + offs, mask=mask, other=0.0).to(tl.float32)
        g = tl.load(g_ptr + offs, mask=mask, other=0.0).to(tl.float32)
        h = x + r
        tl.store(res_ptr + offs, h, mask=mask)
        rstd = 1.0 / tl.sqrt(tl.sum(h * h, axis=1) / N_COLS + eps)
        y = h * rstd[:, None] * w[None, :]
        act = g * tl.sigmoid(g) * y + tl.exp(-tl.abs(y)) * 0.5
        amax = tl.max(tl.abs(act), axis=1)
        q = act / (amax[:, None] + 1e-6) * 127.0
        tl.store(out_ptr + offs, q, mask=mask)


SIGNATURE = {"x_ptr": "*fp32", "r_ptr": "*fp32", "g_ptr": "*fp32", "w_ptr": "*fp32", "out_ptr": "*fp32",
             "res_ptr": "*fp32", "n_rows": "i32", "stride": "i32", "eps": "fp32"}
CONSTANTS = {"ROWS": 4, "N_COLS": 8192, "N_CHUNK": 64}


def run(torch):
    n_rows, n_cols = 256, CONSTANTS["N_COLS"]
    x, r, g = (torch.randn(n_rows, n_cols) for _ in range(3))
    w = torch.randn(n_cols)
    out, res = torch.empty_like(x), torch.empty_like(x)
    grid = (triton.cdiv(n_rows, CONSTANTS["ROWS"] * CONSTANTS["N_CHUNK"]),)
    unrolled_rmsnorm_gate[grid](x, r, g, w, out, res, n_rows, x.stride(0), 1e-6,
                                ROWS=CONSTANTS["ROWS"], N_COLS=CONSTANTS["N_COLS"], N_CHUNK=CONSTANTS["N_CHUNK"])
    return out, res
