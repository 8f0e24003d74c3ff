"""Quantisation: per-token symmetric int8 quantisation and its dequantisation."""

import torch
import triton
import triton.language as tl


@triton.jit
def _per_token_quant_kernel(x_ptr, q_ptr, scale_ptr, n_cols, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < n_cols
    x = tl.load(x_ptr + row * n_cols + cols, mask=mask, other=0.0)
    scale = tl.maximum(tl.max(tl.abs(x), axis=0), 1e-8) / 127.0
    tl.store(scale_ptr + row, scale)
    q = (x / scale + tl.where(x >= 0, 0.5, -0.5)).to(tl.int32)
    tl.store(q_ptr + row * n_cols + cols, q.to(tl.int8), mask=mask)


@triton.jit
def _dequant_kernel(q_ptr, scale_ptr, out_ptr, n_cols, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < n_cols
    q = tl.load(q_ptr + row * n_cols + cols, mask=mask, other=0).to(tl.float32)
    tl.store(out_ptr + row * n_cols + cols, q * tl.load(scale_ptr + row), mask=mask)


def per_token_quant(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    q = torch.empty(x.shape, dtype=torch.int8)
    scale = torch.empty(x.shape[0], dtype=torch.float32)
    _per_token_quant_kernel[(x.shape[0],)](x, q, scale, x.shape[1], BLOCK=triton.next_power_of_2(x.shape[1]))
    return q, scale


def dequant(q: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    out = torch.empty(q.shape, dtype=torch.float32)
    _dequant_kernel[(q.shape[0],)](q, scale, out, q.shape[1], BLOCK=triton.next_power_of_2(q.shape[1]))
    return out
