"""Fails in triton-adapter-opt (SIGABRT): a 2D block pointer whose row stride is the constant 0.

A user writes this to read one row and broadcast it to every output row (a "repeat rows" copy).
"""

import triton
import triton.language as tl


@triton.jit
def repeat_row(x_ptr, out_ptr, M, N, stride_out, BM: tl.constexpr, BN: tl.constexpr):
    pid = tl.program_id(0)
    src = tl.make_block_ptr(
        x_ptr, shape=(M, N), strides=(0, 1), offsets=(pid * BM, 0), block_shape=(BM, BN), order=(1, 0)
    )
    dst = tl.make_block_ptr(
        out_ptr, shape=(M, N), strides=(stride_out, 1), offsets=(pid * BM, 0), block_shape=(BM, BN), order=(1, 0)
    )
    tile = tl.load(src, boundary_check=(0, 1))
    tl.store(dst, tile * 2.0, boundary_check=(0, 1))


SIGNATURE = {"x_ptr": "*fp32", "out_ptr": "*fp32", "M": "i32", "N": "i32", "stride_out": "i32"}
CONSTANTS = {"BM": 16, "BN": 32}


def run(torch):
    x = torch.randn(32)
    out = torch.empty(40, 32)
    grid = (triton.cdiv(out.shape[0], CONSTANTS["BM"]),)
    repeat_row[grid](x, out, out.shape[0], out.shape[1], out.stride(0), **CONSTANTS)
    return out
