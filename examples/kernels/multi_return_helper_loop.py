"""Fails in triton-adapter-opt (exit 1): a jit helper with two returns, called inside a loop.

Diagnostic: failed to legalize unresolved materialization from memref to tensor.
"""

import triton
import triton.language as tl


@triton.jit
def _scale_or_shift(v, step):
    if step % 2 == 0:
        return v * 0.5
    else:
        return v + 1.0


@triton.jit
def accumulate_steps(x_ptr, out_ptr, n, n_steps, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    acc = tl.zeros([BLOCK], dtype=tl.float32)
    for step in range(n_steps):
        v = tl.load(x_ptr + step * n + offs, mask=mask, other=0.0)
        acc += _scale_or_shift(v, step)
    tl.store(out_ptr + offs, acc, mask=mask)


SIGNATURE = {"x_ptr": "*fp32", "out_ptr": "*fp32", "n": "i32", "n_steps": "i32"}
CONSTANTS = {"BLOCK": 256}


def run(torch):
    steps, n = 4, 1000
    x = torch.randn(steps, n)
    out = torch.empty(n)
    grid = (triton.cdiv(n, CONSTANTS["BLOCK"]),)
    accumulate_steps[grid](x, out, n, steps, BLOCK=CONSTANTS["BLOCK"])
    return out
