"""Fails in triton-adapter-opt: SIGSEGV with no message (stack dump only), different frames from
pointer_table_copy.

A block of G source pointers is loaded at once from a `**fp16` table and used as a 2D tensor of pointers
(`srcs[:, None] + cols[None, :]`), gathering G rows from G different tensors.
"""

import triton
import triton.language as tl


@triton.jit
def gather_rows_from_tensors(ptrs_ptr, out_ptr, G: tl.constexpr, N: tl.constexpr):
    g = tl.arange(0, G)
    srcs = tl.load(ptrs_ptr + g)
    cols = tl.arange(0, N)
    x = tl.load(srcs[:, None] + cols[None, :])
    tl.store(out_ptr + g[:, None] * N + cols[None, :], x)


SIGNATURE = {"ptrs_ptr": "**fp16", "out_ptr": "*fp16"}
CONSTANTS = {"G": 4, "N": 32}


def run(torch):
    G, N = CONSTANTS["G"], CONSTANTS["N"]
    tensors = [torch.randn(N, dtype=torch.float16) for _ in range(G)]
    ptrs = torch.tensor([t.data_ptr() for t in tensors], dtype=torch.int64)
    out = torch.empty(G, N, dtype=torch.float16)
    gather_rows_from_tensors[(1,)](ptrs, out, **CONSTANTS)
    return out
