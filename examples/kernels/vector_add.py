"""Healthy: elementwise add of two fp32 vectors with a tail mask."""

import triton
import triton.language as tl


@triton.jit
def vector_add(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    a = tl.load(x_ptr + offs, mask=mask, other=0.0)
    b = tl.load(y_ptr + offs, mask=mask, other=0.0)
    tl.store(out_ptr + offs, a + b, mask=mask)


SIGNATURE = {"x_ptr": "*fp32", "y_ptr": "*fp32", "out_ptr": "*fp32", "n": "i32"}
CONSTANTS = {"BLOCK": 1024}


def run(torch):
    n = 3000
    x = torch.randn(n)
    y = torch.randn(n)
    out = torch.empty_like(x)
    grid = (triton.cdiv(n, CONSTANTS["BLOCK"]),)
    vector_add[grid](x, y, out, n, BLOCK=CONSTANTS["BLOCK"])
    return out
