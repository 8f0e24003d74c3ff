"""Fails in triton-adapter-opt (SIGABRT): early return in one inner branch, tensor updates in the others.

Assertion in llvm::cast<RankedTensorType> (Casting.h): a non-tensor type reaches a tensor-only path.
"""

import triton
import triton.language as tl


@triton.jit
def branchy_scale(flags_ptr, x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    flag = tl.load(flags_ptr + pid)
    acc = tl.load(x_ptr + offs, mask=mask)
    if flag > 0:
        stop = tl.load(flags_ptr + pid + 1)
        if stop > 0:
            return
        else:
            acc = acc * 3.0
    else:
        acc = acc + 1.0
    tl.store(out_ptr + offs, acc, mask=mask)


SIGNATURE = {"flags_ptr": "*i32", "x_ptr": "*fp32", "out_ptr": "*fp32", "n": "i32"}
CONSTANTS = {"BLOCK": 128}


def run(torch):
    n = 384
    grid = (triton.cdiv(n, CONSTANTS["BLOCK"]),)
    flags = torch.tensor([1, 0, -1, 1], dtype=torch.int32)
    x = torch.randn(n)
    out = torch.empty(n)
    branchy_scale[grid](flags, x, out, n, BLOCK=CONSTANTS["BLOCK"])
    return out
