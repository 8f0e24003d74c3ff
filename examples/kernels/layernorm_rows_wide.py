"""Healthy in ascendnpu-ir 1.2.0, but bishengir-compile 1.0.0 fails it with `ub overflow` (a LayerNorm over
4 rows x 4096 fp16 columns): `reducer matrix examples/ir/layernorm_rows_wide.ttadapter.mlir --expect <id>`
shows a bug that a later release fixed.
"""

import triton
import triton.language as tl


@triton.jit
def layernorm_rows(x_ptr, w_ptr, b_ptr, out_ptr, n_rows, n_cols, eps,
                   BLOCK_R: tl.constexpr, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    rows = pid * BLOCK_R + tl.arange(0, BLOCK_R)
    cols = tl.arange(0, BLOCK)
    inside = (rows[:, None] < n_rows) & (cols[None, :] < n_cols)
    x = tl.load(x_ptr + rows[:, None] * n_cols + cols[None, :], mask=inside, other=0.0).to(tl.float32)
    mean = tl.sum(x, axis=1) / n_cols
    centred = tl.where(inside, x - mean[:, None], 0.0)
    var = tl.sum(centred * centred, axis=1) / n_cols
    rstd = 1 / tl.sqrt(var + eps)
    w = tl.load(w_ptr + cols, mask=cols < n_cols, other=0.0).to(tl.float32)
    b = tl.load(b_ptr + cols, mask=cols < n_cols, other=0.0).to(tl.float32)
    y = centred * rstd[:, None] * w[None, :] + b[None, :]
    tl.store(out_ptr + rows[:, None] * n_cols + cols[None, :], y.to(out_ptr.dtype.element_ty), mask=inside)


SIGNATURE = {"x_ptr": "*fp16", "w_ptr": "*fp16", "b_ptr": "*fp16", "out_ptr": "*fp16", "n_rows": "i32",
             "n_cols": "i32", "eps": "fp32"}
CONSTANTS = {"BLOCK_R": 4, "BLOCK": 4096}


def run(torch):
    x = torch.randn(8, 4096, dtype=torch.float16)
    w = torch.ones(4096, dtype=torch.float16)
    b = torch.zeros(4096, dtype=torch.float16)
    out = torch.empty_like(x)
    layernorm_rows[(2,)](x, w, b, out, 8, 4096, 1e-5, **CONSTANTS)
    return out
