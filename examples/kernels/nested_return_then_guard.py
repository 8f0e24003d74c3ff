"""Fails in triton-adapter-opt (SIGABRT): `UNREACHABLE executed at .../TritonToLinalgPass.cpp:475`
(`Encounter unsupported control flow`, preceded by `error: Not all cf.cond_br converted!`).

An `if` whose then-branch holds a nested early `return` and whose else-branch does other work, FOLLOWED by a
second guard `if ...: return`. The frontend lowers both to cf blocks; the second `cf.cond_br` sits in the join
block, which is reached only through `cf.br`, so the adapter's cond_br-to-scf.if walk never visits it.
"""

import triton
import triton.language as tl


@triton.jit
def staged_update(flags_ptr, x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    mode = tl.load(flags_ptr + 0)
    if mode > 0:
        if mode > 5:
            return
        tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=mask), mask=mask)
    else:
        tl.atomic_add(x_ptr + offs, 1.0, mask=mask)
    stop = tl.load(flags_ptr + 1)
    if stop > 0:
        return
    tl.store(x_ptr + offs, tl.full([BLOCK], 3.0, tl.float32), mask=mask)


SIGNATURE = {"flags_ptr": "*i32", "x_ptr": "*fp32", "out_ptr": "*fp32", "n": "i32"}
CONSTANTS = {"BLOCK": 128}


def run(torch):
    n = 256
    grid = (triton.cdiv(n, CONSTANTS["BLOCK"]),)
    flags = torch.tensor([1, 0], dtype=torch.int32)
    x = torch.randn(n)
    out = torch.zeros(n)
    staged_update[grid](flags, x, out, n, BLOCK=CONSTANTS["BLOCK"])
    return out
