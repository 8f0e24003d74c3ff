"""Fails in triton-adapter-opt (SIGABRT): nested ifs on a loaded flag, the inner one returning early.

The frontend lowers the early return to cf.cond_br blocks; the adapter destroys a block that is still a
branch target (`Cannot destroy a value that still has uses`, BlockOperand).
"""

import triton
import triton.language as tl


@triton.jit
def gated_copy(flags_ptr, x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    mode = tl.load(flags_ptr + pid)
    if mode != 0:
        if mode > 1:
            return
        else:
            tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=mask), mask=mask)
    else:
        tl.store(out_ptr + offs, tl.zeros([BLOCK], dtype=tl.float32), mask=mask)


SIGNATURE = {"flags_ptr": "*i32", "x_ptr": "*fp32", "out_ptr": "*fp32", "n": "i32"}
CONSTANTS = {"BLOCK": 128}


def run(torch):
    n = 500
    grid = (triton.cdiv(n, CONSTANTS["BLOCK"]),)
    flags = torch.tensor([0, 1, 2, 1], dtype=torch.int32)
    x = torch.randn(n)
    out = torch.full((n,), -1.0)
    gated_copy[grid](flags, x, out, n, BLOCK=CONSTANTS["BLOCK"])
    return out
