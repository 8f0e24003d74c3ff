"""GEMMs: an autotuned tiled matmul (its configs are what GPU tuning found) and a LoRA shrink."""

import torch
import triton
import triton.language as tl

_CONFIGS = [
    triton.Config({"BM": 16, "BN": 16, "BK": 16}),
    triton.Config({"BM": 32, "BN": 32, "BK": 16}),
    triton.Config({"BM": 32, "BN": 64, "BK": 32}),
    triton.Config({"BM": 64, "BN": 32, "BK": 32}),
    triton.Config({"BM": 64, "BN": 64, "BK": 32}),
    triton.Config({"BM": 128, "BN": 128, "BK": 64}),
]


@triton.autotune(configs=_CONFIGS, key=["M", "N", "K"])
@triton.jit
def _matmul_kernel(a_ptr, b_ptr, c_ptr, M, N, K, BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr):
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    rm = pid_m * BM + tl.arange(0, BM)
    rn = pid_n * BN + tl.arange(0, BN)
    rk = tl.arange(0, BK)
    acc = tl.zeros((BM, BN), dtype=tl.float32)
    for k in range(0, K, BK):
        a = tl.load(a_ptr + rm[:, None] * K + (k + rk)[None, :], mask=(rm[:, None] < M) & ((k + rk)[None, :] < K))
        b = tl.load(b_ptr + (k + rk)[:, None] * N + rn[None, :], mask=((k + rk)[:, None] < K) & (rn[None, :] < N))
        acc += tl.dot(a, b)
    tl.store(c_ptr + rm[:, None] * N + rn[None, :], acc, mask=(rm[:, None] < M) & (rn[None, :] < N))


@triton.jit
def _lora_shrink_kernel(x_ptr, a_ptr, out_ptr, K, R: tl.constexpr, BT: tl.constexpr, BK: tl.constexpr):
    pid = tl.program_id(0)
    rt = pid * BT + tl.arange(0, BT)
    rr = tl.arange(0, R)
    rk = tl.arange(0, BK)
    acc = tl.zeros((BT, R), dtype=tl.float32)
    for k in range(0, K, BK):
        x = tl.load(x_ptr + rt[:, None] * K + (k + rk)[None, :])
        a = tl.load(a_ptr + (k + rk)[:, None] * R + rr[None, :])
        # Precision left to the backend's default, as the GPU build allows.
        acc += tl.dot(x, a, input_precision=None)
    tl.store(out_ptr + rt[:, None] * R + rr[None, :], acc)


@triton.jit
def _gated_mlp_kernel(x_ptr, wg_ptr, wu_ptr, out_ptr, K, BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr):
    # Gate and up projections in one pass, SiLU(gate) * up accumulated over K.
    rm = tl.arange(0, BM)
    rn = tl.arange(0, BN)
    rk = tl.arange(0, BK)
    acc = tl.zeros((BM, BN), dtype=tl.float32)
    for k in range(0, K, BK):
        x = tl.load(x_ptr + rm[:, None] * K + (k + rk)[None, :])
        g = tl.dot(x, tl.load(wg_ptr + (k + rk)[:, None] * BN + rn[None, :]))
        u = tl.dot(x, tl.load(wu_ptr + (k + rk)[:, None] * BN + rn[None, :]))
        acc += g * tl.sigmoid(g) * u
    tl.store(out_ptr + rm[:, None] * BN + rn[None, :], acc)


def gated_mlp(x: torch.Tensor, w_gate: torch.Tensor, w_up: torch.Tensor) -> torch.Tensor:
    m, k = x.shape
    n = w_gate.shape[1]
    out = torch.empty(m, n, dtype=torch.float32)
    _gated_mlp_kernel[(1,)](x, w_gate, w_up, out, k, BM=m, BN=n, BK=64)
    return out


def matmul(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    M, K = a.shape
    N = b.shape[1]
    c = torch.empty(M, N, dtype=torch.float32)

    def grid(meta):
        return (triton.cdiv(M, meta["BM"]), triton.cdiv(N, meta["BN"]))

    _matmul_kernel[grid](a, b, c, M, N, K)
    return c


def lora_shrink(x: torch.Tensor, lora_a: torch.Tensor) -> torch.Tensor:
    tokens, K = x.shape
    R = lora_a.shape[1]
    out = torch.empty(tokens, R, dtype=torch.float32)
    _lora_shrink_kernel[(tokens // 16,)](x, lora_a, out, K, R=R, BT=16, BK=32)
    return out
