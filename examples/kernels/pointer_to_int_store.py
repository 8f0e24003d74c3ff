"""Fails in triton-adapter-opt (exit 1): `'arith.index_cast' op failed to verify that input and output have
the same tensor dimensions`.

The kernel writes out the addresses of a block of elements (a tensor of pointers bitcast to int64), as a
user does to build a pointer table for a later grouped kernel.
"""

import triton
import triton.language as tl


@triton.jit
def write_addresses(x_ptr, out_ptr, N: tl.constexpr):
    r = tl.arange(0, N)
    p = x_ptr + r
    tl.store(out_ptr + r, p.to(tl.int64, bitcast=True))


SIGNATURE = {"x_ptr": "*fp32", "out_ptr": "*i64"}
CONSTANTS = {"N": 64}


def run(torch):
    x = torch.randn(CONSTANTS["N"])
    out = torch.empty(CONSTANTS["N"], dtype=torch.int64)
    write_addresses[(1,)](x, out, **CONSTANTS)
    return out
