"""Fails in triton-adapter-opt (SIGABRT): assertion in `Casting.h:650`
(`dyn_cast<OpResult>` on a non-existent value).

`tl.where` picks, per element, between two tensors of pointers into different buffers (a "two sources,
one output" concat written as a select of pointers instead of a select of values).
"""

import triton
import triton.language as tl


@triton.jit
def concat_by_pointer_select(a_ptr, b_ptr, out_ptr, SPLIT: tl.constexpr, N: tl.constexpr):
    r = tl.arange(0, N)
    p = tl.where(r < SPLIT, a_ptr + r, b_ptr + (r - SPLIT))
    tl.store(out_ptr + r, tl.load(p))


SIGNATURE = {"a_ptr": "*fp32", "b_ptr": "*fp32", "out_ptr": "*fp32"}
CONSTANTS = {"SPLIT": 32, "N": 64}


def run(torch):
    a = torch.randn(32)
    b = torch.randn(32)
    out = torch.empty(64)
    concat_by_pointer_select[(1,)](a, b, out, **CONSTANTS)
    return out
