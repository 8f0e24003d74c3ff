"""Fails in triton-adapter-opt: SIGSEGV with no message (stack dump only).

A "grouped" copy: the kernel gets a table of source pointers (`**fp32`, as in grouped GEMM / multi-tensor
apply), loads its row's pointer and copies from it. The loaded scalar pointer crashes the adapter.
"""

import triton
import triton.language as tl


@triton.jit
def grouped_copy(ptrs_ptr, out_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    src = tl.load(ptrs_ptr + pid)
    offs = tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(src + offs, mask=mask, other=0.0)
    tl.store(out_ptr + pid * n + offs, x, mask=mask)


SIGNATURE = {"ptrs_ptr": "**fp32", "out_ptr": "*fp32", "n": "i32"}
CONSTANTS = {"BLOCK": 128}


def run(torch):
    n = 100
    a = torch.randn(n)
    b = torch.randn(n)
    ptrs = torch.tensor([a.data_ptr(), b.data_ptr()], dtype=torch.int64)
    out = torch.zeros(2, n)
    grouped_copy[(2,)](ptrs, out, n, BLOCK=CONSTANTS["BLOCK"])
    return out
