"""Fails in triton-adapter-opt (SIGABRT): `error: invalid memref element type`, then an assertion in
`StorageUniquerSupport.h:180` (`MemRefType`).

The kernel takes a pointer-table argument (`**fp32`) but this variant never reads it (e.g. a code path
compiled out by the user). The adapter turns the unused argument into a memref of pointers.
"""

import triton
import triton.language as tl


@triton.jit
def bump_in_place(ptrs_ptr, x_ptr, N: tl.constexpr):
    r = tl.arange(0, N)
    tl.store(x_ptr + r, tl.load(x_ptr + r) + 1)


SIGNATURE = {"ptrs_ptr": "**fp32", "x_ptr": "*fp32"}
CONSTANTS = {"N": 64}


def run(torch):
    x = torch.randn(CONSTANTS["N"])
    ptrs = torch.tensor([x.data_ptr()], dtype=torch.int64)
    bump_in_place[(1,)](ptrs, x, **CONSTANTS)
    return x
