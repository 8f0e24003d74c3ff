"""Two kernels whose large configs overflow the unified buffer (UB), for `reducer fit`:

- `_scaled_rows_kernel` is autotuned over tile sizes a GPU handles well; the larger ones do not fit an A2/A3 UB.
- `_chunk_sum_kernel` sums CHUNKS tiles of a row with `tl.static_range`. On an A5 target (`--target
  Ascend910_9589`) BLOCK=8192 overflows as written and fits with `tl.range`, the same loop not unrolled: the fit
  search calls that an anomaly (a compiler-bug candidate). On A2/A3 both forms fit.

`reducer capture -- python examples/fit/tiles.py` records them; `reducer fit <unit folder>` says what fits.
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl

_CONFIGS = [triton.Config({"BLOCK": b}) for b in (2048, 4096, 8192, 16384, 32768, 65536)]


@triton.autotune(configs=_CONFIGS, key=["n"])
@triton.jit
def _scaled_rows_kernel(x_ptr, scale_ptr, out_ptr, n, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    offs = tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + row * n + offs, mask=mask, other=0.0)
    s = tl.load(scale_ptr + offs, mask=mask, other=0.0)
    y = x * s
    tl.store(out_ptr + row * n + offs, y / (tl.sum(tl.abs(y), axis=0) + 1e-6), mask=mask)


@triton.jit
def _chunk_sum_kernel(x_ptr, out_ptr, CHUNKS: tl.constexpr, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    offs = tl.arange(0, BLOCK)
    acc = tl.zeros((BLOCK,), dtype=tl.float32)
    for i in tl.static_range(CHUNKS):
        acc += tl.load(x_ptr + (row * CHUNKS + i) * BLOCK + offs)
    tl.store(out_ptr + row * BLOCK + offs, acc)


def scaled_rows(x: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    _scaled_rows_kernel[(x.shape[0],)](x, scale, out, x.shape[1])
    return out


def chunk_sum(x: torch.Tensor, chunks: int, block: int) -> torch.Tensor:
    out = torch.empty(x.shape[0], block)
    _chunk_sum_kernel[(x.shape[0],)](x, out, CHUNKS=chunks, BLOCK=block)
    return out


if __name__ == "__main__":
    torch.manual_seed(0)
    x = torch.randn(2, 4096)
    print("scaled_rows", scaled_rows(x, torch.rand(4096)).shape)
    print("chunk_sum", chunk_sum(torch.randn(2, 8 * 8192), 8, 8192).shape)
