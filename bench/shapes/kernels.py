"""Kernels of the shapes other reducers beat us on (issue 28), written for the bench: none is a real project's.

- nested_returns_atomic / nested_returns_chain: early returns nested in `if` chains; triton-adapter-opt asserts
  ("Cannot destroy a value that still has uses!"): branch retargeting is what shrinks these.
- gather_pointer_select: an indexed gather through a select of two pointer tensors, fp16 loads widened to f32,
  a weighted sum: triton-adapter-opt asserts in TritonToUnstructure; casts, a reduce and address arithmetic.
- matmul_ub_overflow / paged_attention_cc_overflow: tt.dot in a loop with big tiles, a LoRA-shrink-like
  matmul and a paged prefix attention; bishengir-compile overflows ub / cc (resource limits, reduced as asked).

Regenerate the IR in bench/shapes/ (locations stay relative to the project's root):
    reducer capture -o shapes-cap -- python bench/shapes/kernels.py
"""

import torch
import triton
import triton.language as tl


@triton.jit
def nested_returns_atomic(x_ptr, y_ptr, lo, hi, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    flag = tl.load(x_ptr)
    if flag > 0:
        if flag > 3.0:
            return
        tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=mask) * 2.0, mask=mask)
    else:
        tl.atomic_add(y_ptr + offs, 1.0, mask=mask)
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=mask) + 1.0, mask=mask)


@triton.jit
def nested_returns_chain(x_ptr, y_ptr, lo, hi, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    a = tl.load(x_ptr)
    if a > 0:
        b = tl.load(x_ptr + 1)
        if b > 0:
            c = tl.load(x_ptr + 2)
            if c > 0:
                return
            tl.store(y_ptr + offs, tl.full([BLOCK], 2.0, tl.float32), mask=mask)
        tl.store(y_ptr + offs + n, tl.full([BLOCK], 3.0, tl.float32), mask=mask)
    v = tl.load(x_ptr + offs, mask=mask)
    if tl.sum(v.to(tl.int32), axis=0) > hi:
        return
    tl.store(y_ptr + offs, v, mask=mask)


@triton.jit
def gather_pointer_select(x_ptr, y_ptr, idx_ptr, w_ptr, out_ptr, D: tl.constexpr):
    row = tl.program_id(0)
    ds = tl.arange(0, D)
    idx = tl.load(idx_ptr + row).to(tl.int64)
    w = tl.load(w_ptr + row).to(tl.float32)
    pick = (ds % 2) == 0
    src = tl.where(pick, x_ptr + idx * D + ds, y_ptr + idx * D + ds)
    vals = tl.load(src).to(tl.float32)
    total = tl.sum(vals * w, axis=0)
    tl.store(out_ptr + row, total.to(tl.float16))


@triton.jit
def matmul_ub_overflow(x_ptr, w_ptr, out_ptr, M, K, N, stride_xm, stride_wk, stride_om, scale,
                BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr):
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    rm = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    rn = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    rk = tl.arange(0, BLOCK_K)
    acc = tl.zeros((BLOCK_M, BLOCK_N), tl.float32)
    for k in range(0, K, BLOCK_K):
        kk = k + rk
        a = tl.load(x_ptr + rm[:, None] * stride_xm + kk[None, :],
                    mask=(rm[:, None] < M) & (kk[None, :] < K), other=0.0)
        b = tl.load(w_ptr + kk[:, None] * stride_wk + rn[None, :],
                    mask=(kk[:, None] < K) & (rn[None, :] < N), other=0.0)
        acc += tl.dot(a, b)
    acc = acc * scale
    tl.store(out_ptr + rm[:, None] * stride_om + rn[None, :], acc.to(tl.float16),
             mask=(rm[:, None] < M) & (rn[None, :] < N))


@triton.jit
def paged_attention_cc_overflow(q_ptr, k_ptr, v_ptr, table_ptr, out_ptr, ctx_len, stride_qm, stride_kb, stride_kn,
                           stride_om, sm_scale, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, D: tl.constexpr):
    pid = tl.program_id(0)
    rm = pid * BLOCK_M + tl.arange(0, BLOCK_M)
    rn = tl.arange(0, BLOCK_N)
    rd = tl.arange(0, D)
    q = tl.load(q_ptr + rm[:, None] * stride_qm + rd[None, :])
    m_i = tl.full([BLOCK_M], float("-inf"), tl.float32)
    l_i = tl.zeros([BLOCK_M], tl.float32)
    acc = tl.zeros([BLOCK_M, D], tl.float32)
    for start in range(0, ctx_len, BLOCK_N):
        blk = tl.load(table_ptr + start // BLOCK_N)
        base = blk.to(tl.int64) * stride_kb
        k = tl.load(k_ptr + base + rn[:, None] * stride_kn + rd[None, :],
                    mask=(start + rn[:, None]) < ctx_len, other=0.0)
        s = tl.dot(q, tl.trans(k)) * sm_scale
        s = tl.where((start + rn[None, :]) < ctx_len, s, float("-inf"))
        m_new = tl.maximum(m_i, tl.max(s, 1))
        p = tl.exp(s - m_new[:, None])
        alpha = tl.exp(m_i - m_new)
        l_i = l_i * alpha + tl.sum(p, 1)
        v = tl.load(v_ptr + base + rn[:, None] * stride_kn + rd[None, :],
                    mask=(start + rn[:, None]) < ctx_len, other=0.0)
        acc = acc * alpha[:, None] + tl.dot(p.to(tl.float16), v)
        m_i = m_new
    acc = acc / l_i[:, None]
    tl.store(out_ptr + rm[:, None] * stride_om + rd[None, :], acc.to(tl.float16))

def main():
    n = 256
    x = torch.randn(n)
    y = torch.zeros(2 * n)
    for kernel in (nested_returns_atomic, nested_returns_chain):
        kernel[(4,)](x, y, 1, 2, n, BLOCK=64)
    xs = torch.randn(64, 16, dtype=torch.float16)
    ys = torch.randn(64, 16, dtype=torch.float16)
    idx = torch.randint(0, 64, (8,), dtype=torch.int32)
    w = torch.randn(8, dtype=torch.float16)
    out = torch.zeros(8, dtype=torch.float16)
    gather_pointer_select[(8,)](xs, ys, idx, w, out, D=16)
    a = torch.randn(256, 1024, dtype=torch.float16)
    b = torch.randn(1024, 512, dtype=torch.float16)
    c = torch.zeros(256, 512, dtype=torch.float16)
    matmul_ub_overflow[(1, 1)](a, b, c, 256, 1024, 512, 1024, 512, 512, 0.5, BLOCK_M=256, BLOCK_N=512, BLOCK_K=256)
    q = torch.randn(512, 128, dtype=torch.float16)
    kc = torch.randn(8, 256, 128, dtype=torch.float16)
    vc = torch.randn(8, 256, 128, dtype=torch.float16)
    table = torch.arange(8, dtype=torch.int32)
    o = torch.zeros(512, 128, dtype=torch.float16)
    paged_attention_cc_overflow[(2,)](q, kc, vc, table, o, 2048, 128, 256 * 128, 128, 128, 0.1,
                                      BLOCK_M=256, BLOCK_N=256, D=128)


if __name__ == "__main__":
    main()
