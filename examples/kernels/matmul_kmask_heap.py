"""A textbook tiled matmul (fp16 x fp16 -> fp32 accumulator, K-masked loads, pointers advanced each K step,
a 128x256x64 tile) that makes triton-adapter-opt corrupt its heap: a clean replay (ASLR off) passes 0/100, a few
runs in a hundred die with ASLR on, and under MALLOC_PERTURB_=204 it aborts every time (`LLVM ERROR: out of
memory`) once `--triton-to-unstructure` has run. `reducer check --runs 20` finds the knob.
"""

import triton
import triton.language as tl


@triton.jit
def matmul_kmask(a_ptr, b_ptr, c_ptr, M, N, K, sam, sak, sbk, sbn, scm, scn,
                 BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr):
    pid = tl.program_id(0)
    tiles_n = tl.cdiv(N, BLOCK_N)
    pid_m = pid // tiles_n
    pid_n = pid % tiles_n
    rows = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    cols = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    ks = tl.arange(0, BLOCK_K)
    a_tile = a_ptr + rows[:, None] * sam + ks[None, :] * sak
    b_tile = b_ptr + ks[:, None] * sbk + cols[None, :] * sbn
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for step in range(0, tl.cdiv(K, BLOCK_K)):
        left = K - step * BLOCK_K
        a = tl.load(a_tile, mask=ks[None, :] < left, other=0)
        b = tl.load(b_tile, mask=ks[:, None] < left, other=0)
        acc += tl.dot(a, b)
        a_tile += BLOCK_K * sak
        b_tile += BLOCK_K * sbk
    out = acc.to(c_ptr.dtype.element_ty)
    tl.store(c_ptr + rows[:, None] * scm + cols[None, :] * scn, out, mask=(rows[:, None] < M) & (cols[None, :] < N))


SIGNATURE = {
    "a_ptr": "*fp16", "b_ptr": "*fp16", "c_ptr": "*fp16", "M": "i32", "N": "i32", "K": "i32",
    "sam": "i32", "sak": "i32", "sbk": "i32", "sbn": "i32", "scm": "i32", "scn": "i32",
}
CONSTANTS = {"BLOCK_M": 128, "BLOCK_N": 256, "BLOCK_K": 64}


def run(torch):
    m, n, k = 256, 512, 192
    a = torch.randn(m, k, dtype=torch.float16)
    b = torch.randn(k, n, dtype=torch.float16)
    c = torch.empty(m, n, dtype=torch.float16)
    grid = (triton.cdiv(m, CONSTANTS["BLOCK_M"]) * triton.cdiv(n, CONSTANTS["BLOCK_N"]),)
    matmul_kmask[grid](a, b, c, m, n, k, *a.stride(), *b.stride(), *c.stride(), **CONSTANTS)
    return c
