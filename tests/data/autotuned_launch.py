"""An autotuned kernel, launched on CPU tensors: capture must compile every config without a device.

The perf model and the early pruning keep one config; capture must still compile all five. The config with
ROWS_FROM_BLOCK_PTR=1 reads through a 2D block pointer whose row stride is the constant 0 (an adapter crash).
"""

import torch
import triton
import triton.language as tl

CONFIGS = [triton.Config({"BM": bm, "ROWS_FROM_BLOCK_PTR": 0}) for bm in (4, 8, 16, 32)]
CONFIGS.append(triton.Config({"BM": 8, "ROWS_FROM_BLOCK_PTR": 1}))


def _keep_first(configs, named_args, **kwargs):
    return configs[:1]


@triton.autotune(
    configs=CONFIGS,
    key=["M", "N"],
    prune_configs_by={"early_config_prune": _keep_first, "perf_model": lambda **kw: 1.0, "top_k": 1},
)
@triton.jit
def broadcast_row(
    x_ptr, out_ptr, M, N, stride_out, BN: tl.constexpr, BM: tl.constexpr, ROWS_FROM_BLOCK_PTR: tl.constexpr
):
    pid = tl.program_id(0)
    if ROWS_FROM_BLOCK_PTR:
        src = tl.make_block_ptr(
            x_ptr, shape=(M, N), strides=(0, 1), offsets=(pid * BM, 0), block_shape=(BM, BN), order=(1, 0)
        )
        tile = tl.load(src, boundary_check=(0, 1))
    else:
        cols = tl.arange(0, BN)
        row = tl.load(x_ptr + cols, mask=cols < N, other=0.0)
        tile = tl.broadcast_to(row[None, :], (BM, BN))
    rows = pid * BM + tl.arange(0, BM)[:, None]
    cols2 = tl.arange(0, BN)[None, :]
    tl.store(out_ptr + rows * stride_out + cols2, tile * 2.0, mask=(rows < M) & (cols2 < N))


if __name__ == "__main__":
    x = torch.randn(32)
    out = torch.empty(40, 32)
    broadcast_row[lambda meta: (triton.cdiv(40, meta["BM"]),)](x, out, 40, 32, out.stride(0), BN=32)
