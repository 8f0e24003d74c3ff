"""Fails in triton-adapter-opt (SIGABRT): a flash-attention forward with a key-position bias.

The bias is one row per head shared by every query, read through a block pointer whose query stride is
the constant 0 (`strides must not be zero`), inside the online-softmax loop over key blocks.
"""

import triton
import triton.language as tl


@triton.jit
def attention_fwd_shared_bias(
    q_ptr,
    k_ptr,
    v_ptr,
    bias_ptr,
    out_ptr,
    lse_ptr,
    seq_len,
    stride_h,
    stride_s,
    stride_bias_h,
    sm_scale,
    BLOCK_M: tl.constexpr,
    BLOCK_N: tl.constexpr,
    HEAD_DIM: tl.constexpr,
    CAUSAL: tl.constexpr,
):
    pid_m = tl.program_id(0)
    head = tl.program_id(1)
    base = head * stride_h
    q_blk = tl.make_block_ptr(
        q_ptr + base,
        shape=(seq_len, HEAD_DIM),
        strides=(stride_s, 1),
        offsets=(pid_m * BLOCK_M, 0),
        block_shape=(BLOCK_M, HEAD_DIM),
        order=(1, 0),
    )
    k_blk = tl.make_block_ptr(
        k_ptr + base,
        shape=(HEAD_DIM, seq_len),
        strides=(1, stride_s),
        offsets=(0, 0),
        block_shape=(HEAD_DIM, BLOCK_N),
        order=(0, 1),
    )
    v_blk = tl.make_block_ptr(
        v_ptr + base,
        shape=(seq_len, HEAD_DIM),
        strides=(stride_s, 1),
        offsets=(0, 0),
        block_shape=(BLOCK_N, HEAD_DIM),
        order=(1, 0),
    )
    b_blk = tl.make_block_ptr(
        bias_ptr + head * stride_bias_h,
        shape=(seq_len, seq_len),
        strides=(0, 1),
        offsets=(pid_m * BLOCK_M, 0),
        block_shape=(BLOCK_M, BLOCK_N),
        order=(1, 0),
    )
    q = tl.load(q_blk, boundary_check=(0,))
    m_i = tl.full([BLOCK_M], float("-inf"), dtype=tl.float32)
    l_i = tl.zeros([BLOCK_M], dtype=tl.float32)
    acc = tl.zeros([BLOCK_M, HEAD_DIM], dtype=tl.float32)
    for start_n in range(0, seq_len, BLOCK_N):
        k = tl.load(k_blk, boundary_check=(1,))
        s = tl.dot(q, k) * sm_scale
        s += tl.load(b_blk, boundary_check=(0, 1)).to(tl.float32)
        cols = start_n + tl.arange(0, BLOCK_N)
        rows = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
        keep = cols[None, :] < seq_len
        if CAUSAL:
            keep = keep & (cols[None, :] <= rows[:, None])
        s = tl.where(keep, s, float("-inf"))
        m_new = tl.maximum(m_i, tl.max(s, axis=1))
        alpha = tl.exp(m_i - m_new)
        p = tl.exp(s - m_new[:, None])
        l_i = l_i * alpha + tl.sum(p, axis=1)
        v = tl.load(v_blk, boundary_check=(0,))
        acc = acc * alpha[:, None] + tl.dot(p.to(v.dtype), v)
        m_i = m_new
        k_blk = tl.advance(k_blk, (0, BLOCK_N))
        v_blk = tl.advance(v_blk, (BLOCK_N, 0))
        b_blk = tl.advance(b_blk, (0, BLOCK_N))
    acc = acc / l_i[:, None]
    rows = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    tl.store(lse_ptr + head * seq_len + rows, m_i + tl.log(l_i), mask=rows < seq_len)
    o_blk = tl.make_block_ptr(
        out_ptr + base,
        shape=(seq_len, HEAD_DIM),
        strides=(stride_s, 1),
        offsets=(pid_m * BLOCK_M, 0),
        block_shape=(BLOCK_M, HEAD_DIM),
        order=(1, 0),
    )
    tl.store(o_blk, acc.to(out_ptr.dtype.element_ty), boundary_check=(0,))


SIGNATURE = {
    "q_ptr": "*fp16",
    "k_ptr": "*fp16",
    "v_ptr": "*fp16",
    "bias_ptr": "*fp16",
    "out_ptr": "*fp16",
    "lse_ptr": "*fp32",
    "seq_len": "i32",
    "stride_h": "i32",
    "stride_s": "i32",
    "stride_bias_h": "i32",
    "sm_scale": "fp32",
}
CONSTANTS = {"BLOCK_M": 32, "BLOCK_N": 32, "HEAD_DIM": 64, "CAUSAL": True}


def run(torch):
    heads, seq, dim = 2, 100, CONSTANTS["HEAD_DIM"]
    q, k, v = (torch.randn(heads, seq, dim, dtype=torch.float16) for _ in range(3))
    bias = torch.randn(heads, seq, dtype=torch.float16)
    out = torch.empty_like(q)
    lse = torch.empty(heads, seq)
    grid = (triton.cdiv(seq, CONSTANTS["BLOCK_M"]), heads)
    attention_fwd_shared_bias[grid](
        q, k, v, bias, out, lse, seq, q.stride(0), q.stride(1), bias.stride(0), dim**-0.5, **CONSTANTS
    )
    return out
