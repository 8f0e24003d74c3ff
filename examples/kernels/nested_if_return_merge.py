"""Fails in triton-adapter-opt (SIGABRT): a tensor updated under nested ifs with an inner early return.

The updated value flows into the join block as a block argument; the adapter destroys an op whose result
still has uses (`Cannot destroy a value that still has uses`, OpOperand).
"""

import triton
import triton.language as tl


@triton.jit
def maybe_bump(flags_ptr, x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    flag = tl.load(flags_ptr + pid)
    v = tl.load(x_ptr + offs)
    if flag > 0:
        skip = tl.load(flags_ptr + pid + 1)
        if skip > 0:
            return
        v = v + 1.0
    tl.store(out_ptr + offs, v)


SIGNATURE = {"flags_ptr": "*i32", "x_ptr": "*fp32", "out_ptr": "*fp32", "n": "i32"}
CONSTANTS = {"BLOCK": 128}


def run(torch):
    n = 256  # a multiple of BLOCK: the kernel has no tail mask
    grid = (triton.cdiv(n, CONSTANTS["BLOCK"]),)
    flags = torch.tensor([1, 0, 1], dtype=torch.int32)
    x = torch.randn(n)
    out = torch.empty(n)
    maybe_bump[grid](flags, x, out, n, BLOCK=CONSTANTS["BLOCK"])
    return out
