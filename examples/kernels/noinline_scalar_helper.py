"""Fails in triton-adapter-opt (exit 1): `'tt.call' op '_pick_scale__i32__' does not reference a valid
function`.

A `@triton.jit(noinline=True)` helper taking only a scalar (noinline helpers must take scalars) stays a
separate `tt.func` called with `tt.call`; the adapter drops the callee but keeps the call.
"""

import triton
import triton.language as tl


@triton.jit(noinline=True)
def _pick_scale(flag):
    if flag > 0:
        return 2.0
    else:
        return 0.5


@triton.jit
def scale_by_flag(flags_ptr, x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    s = _pick_scale(tl.load(flags_ptr + pid))
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=mask) * s, mask=mask)


SIGNATURE = {"flags_ptr": "*i32", "x_ptr": "*fp32", "out_ptr": "*fp32", "n": "i32"}
CONSTANTS = {"BLOCK": 128}


def run(torch):
    n = 384
    grid = (triton.cdiv(n, CONSTANTS["BLOCK"]),)
    flags = torch.tensor([1, -2, 0], dtype=torch.int32)
    x = torch.randn(n)
    out = torch.zeros(n)
    scale_by_flag[grid](flags, x, out, n, BLOCK=CONSTANTS["BLOCK"])
    return out
