"""Fails in triton-adapter-opt (exit 1): `failed to legalize unresolved materialization from
('memref<?xf32>') to '!tt.ptr<f32>' that remained live after conversion`.

A `@triton.jit(noinline=True)` row-sum helper receives a pointer (a scalar, so noinline is allowed) and loops
over the row; the pointer argument of the separate `tt.func` is left half-converted.
"""

import triton
import triton.language as tl


@triton.jit(noinline=True)
def _row_sum(x_ptr, row, n, BLOCK: tl.constexpr):
    acc = tl.zeros([BLOCK], dtype=tl.float32)
    for start in range(0, n, BLOCK):
        offs = start + tl.arange(0, BLOCK)
        acc += tl.load(x_ptr + row * n + offs, mask=offs < n, other=0.0)
    return tl.sum(acc, axis=0)


@triton.jit
def row_sums(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    tl.store(out_ptr + pid, _row_sum(x_ptr, pid, n, BLOCK))


SIGNATURE = {"x_ptr": "*fp32", "out_ptr": "*fp32", "n": "i32"}
CONSTANTS = {"BLOCK": 64}


def run(torch):
    rows, n = 3, 300
    x = torch.randn(rows, n)
    out = torch.zeros(rows)
    row_sums[(rows,)](x, out, n, BLOCK=CONSTANTS["BLOCK"])
    return out
