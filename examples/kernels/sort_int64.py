"""Fails in bishengir-compile (exit 1): `'hivm.hir.vsort' op failed to verify that operand at idx 0 and 1
should have element type 16-bit float or 32-bit float` (the adapter passes; the sort reaches HIVM with i64).
"""

import triton
import triton.language as tl


@triton.jit
def sort_keys(x_ptr, out_ptr, N: tl.constexpr):
    r = tl.arange(0, N)
    tl.store(out_ptr + r, tl.sort(tl.load(x_ptr + r)))


SIGNATURE = {"x_ptr": "*i64", "out_ptr": "*i64"}
CONSTANTS = {"N": 256}


def run(torch):
    x = torch.randint(0, 1 << 40, (CONSTANTS["N"],), dtype=torch.int64)
    out = torch.empty_like(x)
    sort_keys[(1,)](x, out, **CONSTANTS)
    return out
