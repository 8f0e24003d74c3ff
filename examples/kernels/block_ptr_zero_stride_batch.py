"""Fails in triton-adapter-opt (SIGABRT): a 3D block pointer with a constant zero batch stride.

Same bug as block_ptr_zero_stride (`strides must not be zero`), reached differently: one shared matrix
is read as if it were a batch, and added to a real batched tensor.
"""

import triton
import triton.language as tl


@triton.jit
def add_shared_matrix(
    x_ptr, w_ptr, out_ptr, B, M, N, stride_xb, stride_xm, BB: tl.constexpr, BM: tl.constexpr, BN: tl.constexpr
):
    pid_b = tl.program_id(0)
    pid_m = tl.program_id(1)
    x_blk = tl.make_block_ptr(
        x_ptr,
        shape=(B, M, N),
        strides=(stride_xb, stride_xm, 1),
        offsets=(pid_b * BB, pid_m * BM, 0),
        block_shape=(BB, BM, BN),
        order=(2, 1, 0),
    )
    w_blk = tl.make_block_ptr(
        w_ptr,
        shape=(B, M, N),
        strides=(0, N, 1),
        offsets=(pid_b * BB, pid_m * BM, 0),
        block_shape=(BB, BM, BN),
        order=(2, 1, 0),
    )
    o_blk = tl.make_block_ptr(
        out_ptr,
        shape=(B, M, N),
        strides=(stride_xb, stride_xm, 1),
        offsets=(pid_b * BB, pid_m * BM, 0),
        block_shape=(BB, BM, BN),
        order=(2, 1, 0),
    )
    x = tl.load(x_blk, boundary_check=(0, 1, 2))
    w = tl.load(w_blk, boundary_check=(0, 1, 2))
    tl.store(o_blk, x + w, boundary_check=(0, 1, 2))


SIGNATURE = {
    "x_ptr": "*fp16",
    "w_ptr": "*fp16",
    "out_ptr": "*fp16",
    "B": "i32",
    "M": "i32",
    "N": "i32",
    "stride_xb": "i32",
    "stride_xm": "i32",
}
CONSTANTS = {"BB": 2, "BM": 8, "BN": 64}


def run(torch):
    x = torch.randn(4, 16, 64, dtype=torch.float16)
    w = torch.randn(16, 64, dtype=torch.float16)
    out = torch.empty_like(x)
    grid = (triton.cdiv(4, CONSTANTS["BB"]), triton.cdiv(16, CONSTANTS["BM"]))
    add_shared_matrix[grid](x, w, out, 4, 16, 64, x.stride(0), x.stride(1), **CONSTANTS)
    return out
