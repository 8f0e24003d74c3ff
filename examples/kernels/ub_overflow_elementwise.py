"""Fails in bishengir-compile (exit 1): an elementwise kernel whose block is too large for the UB.

Five 64Ki-element fp32 tensors are live at once; bishengir reports `ub overflow` and gives up after retrying.
"""

import triton
import triton.language as tl


@triton.jit
def fused_elementwise(a_ptr, b_ptr, c_ptr, d_ptr, out_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    a = tl.load(a_ptr + offs, mask=mask, other=0.0)
    b = tl.load(b_ptr + offs, mask=mask, other=0.0)
    c = tl.load(c_ptr + offs, mask=mask, other=0.0)
    d = tl.load(d_ptr + offs, mask=mask, other=1.0)
    r = tl.exp(a) * b + tl.sqrt(c * c + 1.0) / (d + 2.0) + a * d
    tl.store(out_ptr + offs, r, mask=mask)


SIGNATURE = {"a_ptr": "*fp32", "b_ptr": "*fp32", "c_ptr": "*fp32", "d_ptr": "*fp32", "out_ptr": "*fp32", "n": "i32"}
CONSTANTS = {"BLOCK": 65536}


def run(torch):
    n = 100000
    a, b, c, d = (torch.randn(n) for _ in range(4))
    out = torch.empty(n)
    grid = (triton.cdiv(n, CONSTANTS["BLOCK"]),)
    fused_elementwise[grid](a, b, c, d, out, n, BLOCK=CONSTANTS["BLOCK"])
    return out
