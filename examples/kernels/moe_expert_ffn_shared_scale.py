"""Fails in triton-adapter-opt (SIGABRT): zero-stride block pointer inside a fused MoE expert FFN.

Per block of tokens routed to one expert: input RMSNorm statistics, gate/up projections (K loop over block
pointers), SiLU gating, routing-weight scaling,
then a per-expert output scale read with a block pointer whose row stride is 0
(the user broadcasts one scale row to every token row), a shared-expert path, residual add and output RMSNorm.
"""

import triton
import triton.language as tl


@triton.jit
def moe_expert_ffn(
    x_ptr, norm_w_ptr, w_gate_ptr, w_up_ptr, w_down_ptr, w_shared_ptr, w_shared_down_ptr, scale_ptr, route_w_ptr,
    expert_ids_ptr, out_ptr,
    num_tokens, hidden, inter,
    stride_xm, stride_we, stride_wk, stride_de, stride_dk, stride_om,
    BM: tl.constexpr, BK: tl.constexpr, BI: tl.constexpr, BH: tl.constexpr,
):
    pid_m = tl.program_id(0)
    pid_h = tl.program_id(1)
    expert = tl.load(expert_ids_ptr + pid_m)
    if expert < 0:
        expert = 0
    offs_m = pid_m * BM + tl.arange(0, BM)
    row_mask = offs_m < num_tokens
    route_w = tl.load(route_w_ptr + offs_m, mask=row_mask, other=0.0)

    # input RMSNorm statistics
    sq_x = tl.zeros([BM], dtype=tl.float32)
    for h0 in range(0, hidden, BK):
        offs_k = h0 + tl.arange(0, BK)
        xv = tl.load(x_ptr + offs_m[:, None] * stride_xm + offs_k[None, :],
                     mask=row_mask[:, None] & (offs_k[None, :] < hidden), other=0.0).to(tl.float32)
        sq_x += tl.sum(xv * xv, axis=1)
    rstd_x = tl.rsqrt(sq_x / hidden + 1e-6)

    out_acc = tl.zeros([BM, BH], dtype=tl.float32)
    for i0 in range(0, inter, BI):
        x_blk = tl.make_block_ptr(
            x_ptr, shape=(num_tokens, hidden), strides=(stride_xm, 1),
            offsets=(pid_m * BM, 0), block_shape=(BM, BK), order=(1, 0))
        g_blk = tl.make_block_ptr(
            w_gate_ptr + expert * stride_we, shape=(hidden, inter), strides=(stride_wk, 1),
            offsets=(0, i0), block_shape=(BK, BI), order=(1, 0))
        u_blk = tl.make_block_ptr(
            w_up_ptr + expert * stride_we, shape=(hidden, inter), strides=(stride_wk, 1),
            offsets=(0, i0), block_shape=(BK, BI), order=(1, 0))
        gate = tl.zeros([BM, BI], dtype=tl.float32)
        up = tl.zeros([BM, BI], dtype=tl.float32)
        for k0 in range(0, hidden, BK):
            xt = tl.load(x_blk, boundary_check=(0, 1), padding_option="zero").to(tl.float32)
            nw = tl.load(norm_w_ptr + k0 + tl.arange(0, BK), mask=k0 + tl.arange(0, BK) < hidden, other=0.0)
            xt = (xt * rstd_x[:, None] * nw[None, :]).to(tl.float16)
            gw = tl.load(g_blk, boundary_check=(0, 1), padding_option="zero")
            uw = tl.load(u_blk, boundary_check=(0, 1), padding_option="zero")
            gate = tl.dot(xt, gw, gate)
            up = tl.dot(xt, uw, up)
            x_blk = tl.advance(x_blk, (0, BK))
            g_blk = tl.advance(g_blk, (BK, 0))
            u_blk = tl.advance(u_blk, (BK, 0))
        act = gate / (1.0 + tl.exp(-gate)) * up
        act = act * route_w[:, None]
        d_blk = tl.make_block_ptr(
            w_down_ptr + expert * stride_de, shape=(inter, hidden), strides=(stride_dk, 1),
            offsets=(i0, pid_h * BH), block_shape=(BI, BH), order=(1, 0))
        dw = tl.load(d_blk, boundary_check=(0, 1), padding_option="zero")
        out_acc = tl.dot(act.to(tl.float16), dw, out_acc)

    # shared expert (always active), same structure with its own weights
    for i0 in range(0, inter, BI):
        offs_i = i0 + tl.arange(0, BI)
        sg = tl.zeros([BM, BI], dtype=tl.float32)
        for k0 in range(0, hidden, BK):
            offs_k = k0 + tl.arange(0, BK)
            xs = tl.load(x_ptr + offs_m[:, None] * stride_xm + offs_k[None, :],
                         mask=row_mask[:, None] & (offs_k[None, :] < hidden), other=0.0)
            ws = tl.load(w_shared_ptr + offs_k[:, None] * inter + offs_i[None, :],
                         mask=(offs_k[:, None] < hidden) & (offs_i[None, :] < inter), other=0.0)
            sg = tl.dot(xs, ws, sg)
        sg = sg / (1.0 + tl.exp(-sg))
        offs_h = pid_h * BH + tl.arange(0, BH)
        wd = tl.load(w_shared_down_ptr + offs_i[:, None] * hidden + offs_h[None, :],
                     mask=(offs_i[:, None] < inter) & (offs_h[None, :] < hidden), other=0.0)
        out_acc = tl.dot(sg.to(tl.float16), wd, out_acc)

    # one scale row per expert, broadcast to all BM token rows through a zero row stride
    s_blk = tl.make_block_ptr(
        scale_ptr + expert * hidden, shape=(num_tokens, hidden), strides=(0, 1),
        offsets=(pid_m * BM, pid_h * BH), block_shape=(BM, BH), order=(1, 0))
    scale = tl.load(s_blk, boundary_check=(0, 1), padding_option="zero")
    out_acc = out_acc * scale
    sq = tl.sum(out_acc * out_acc, axis=1) / BH
    out_acc = out_acc * tl.rsqrt(sq + 1e-6)[:, None]
    r_blk = tl.make_block_ptr(
        x_ptr, shape=(num_tokens, hidden), strides=(stride_xm, 1),
        offsets=(pid_m * BM, pid_h * BH), block_shape=(BM, BH), order=(1, 0))
    out_acc += tl.load(r_blk, boundary_check=(0, 1), padding_option="zero").to(tl.float32)
    o_blk = tl.make_block_ptr(
        out_ptr, shape=(num_tokens, hidden), strides=(stride_om, 1),
        offsets=(pid_m * BM, pid_h * BH), block_shape=(BM, BH), order=(1, 0))
    tl.store(o_blk, out_acc.to(tl.float16), boundary_check=(0, 1))


SIGNATURE = {
    "x_ptr": "*fp16", "norm_w_ptr": "*fp32", "w_shared_ptr": "*fp16", "w_shared_down_ptr": "*fp16",
    "w_gate_ptr": "*fp16", "w_up_ptr": "*fp16", "w_down_ptr": "*fp16",
    "scale_ptr": "*fp32", "route_w_ptr": "*fp32", "expert_ids_ptr": "*i32", "out_ptr": "*fp16",
    "num_tokens": "i32", "hidden": "i32", "inter": "i32",
    "stride_xm": "i32", "stride_we": "i32", "stride_wk": "i32", "stride_de": "i32", "stride_dk": "i32",
    "stride_om": "i32",
}
CONSTANTS = {"BM": 16, "BK": 32, "BI": 32, "BH": 32}


def run(torch):
    tokens, hidden, inter, experts = 40, 64, 96, 4
    x = torch.randn(tokens, hidden, dtype=torch.float16)
    w_gate = torch.randn(experts, hidden, inter, dtype=torch.float16)
    w_up = torch.randn(experts, hidden, inter, dtype=torch.float16)
    w_down = torch.randn(experts, inter, hidden, dtype=torch.float16)
    norm_w = torch.rand(hidden)
    w_shared = torch.randn(hidden, inter, dtype=torch.float16)
    w_shared_down = torch.randn(inter, hidden, dtype=torch.float16)
    scale = torch.rand(experts, hidden)
    route_w = torch.rand(tokens)
    grid = (triton.cdiv(tokens, CONSTANTS["BM"]), triton.cdiv(hidden, CONSTANTS["BH"]))
    expert_ids = torch.randint(0, experts, (grid[0],), dtype=torch.int32)
    out = torch.empty(tokens, hidden, dtype=torch.float16)
    moe_expert_ffn[grid](
        x, norm_w, w_gate, w_up, w_down, w_shared, w_shared_down, scale, route_w, expert_ids, out,
        tokens, hidden, inter,
        x.stride(0), w_gate.stride(0), w_gate.stride(1), w_down.stride(0), w_down.stride(1), out.stride(0),
        **CONSTANTS,
    )
    return out
