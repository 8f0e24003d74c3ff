"""Normalisations: RMSNorm, LayerNorm, fused residual-add + RMSNorm, and an RMSNorm that skips padded rows."""

import torch
import triton
import triton.language as tl


@triton.jit
def _rms_norm_kernel(x_ptr, w_ptr, out_ptr, stride, n_cols, eps, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < n_cols
    x = tl.load(x_ptr + row * stride + cols, mask=mask, other=0.0)
    var = tl.sum(x * x, axis=0) / n_cols
    w = tl.load(w_ptr + cols, mask=mask, other=0.0)
    tl.store(out_ptr + row * stride + cols, x * tl.rsqrt(var + eps) * w, mask=mask)


@triton.jit
def _layer_norm_kernel(x_ptr, w_ptr, b_ptr, out_ptr, stride, n_cols, eps, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < n_cols
    x = tl.load(x_ptr + row * stride + cols, mask=mask, other=0.0)
    mean = tl.sum(x, axis=0) / n_cols
    diff = tl.where(mask, x - mean, 0.0)
    var = tl.sum(diff * diff, axis=0) / n_cols
    w = tl.load(w_ptr + cols, mask=mask, other=0.0)
    b = tl.load(b_ptr + cols, mask=mask, other=0.0)
    tl.store(out_ptr + row * stride + cols, diff * tl.rsqrt(var + eps) * w + b, mask=mask)


@triton.jit
def _fused_add_rms_norm_kernel(x_ptr, res_ptr, w_ptr, stride, n_cols, eps, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < n_cols
    x = tl.load(x_ptr + row * stride + cols, mask=mask, other=0.0)
    x += tl.load(res_ptr + row * stride + cols, mask=mask, other=0.0)
    tl.store(res_ptr + row * stride + cols, x, mask=mask)
    var = tl.sum(x * x, axis=0) / n_cols
    w = tl.load(w_ptr + cols, mask=mask, other=0.0)
    tl.store(x_ptr + row * stride + cols, x * tl.rsqrt(var + eps) * w, mask=mask)


@triton.jit
def _rms_norm_skip_padding_kernel(x_ptr, w_ptr, lens_ptr, out_ptr, stride, n_cols, eps, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < n_cols
    n = tl.load(lens_ptr + row)
    if n != 0:
        if n > 1:  # a padded row (length marker > 1): leave it as is
            return
        else:
            x = tl.load(x_ptr + row * stride + cols, mask=mask, other=0.0)
            var = tl.sum(x * x, axis=0) / n_cols
            w = tl.load(w_ptr + cols, mask=mask, other=0.0)
            tl.store(out_ptr + row * stride + cols, x * tl.rsqrt(var + eps) * w, mask=mask)
    else:
        tl.store(out_ptr + row * stride + cols, tl.zeros([BLOCK], dtype=tl.float32), mask=mask)


def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    out = torch.empty_like(x)
    block = triton.next_power_of_2(x.shape[-1])
    _rms_norm_kernel[(x.shape[0],)](x, weight, out, x.stride(0), x.shape[-1], eps, BLOCK=block)
    return out


def layer_norm(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    out = torch.empty_like(x)
    block = triton.next_power_of_2(x.shape[-1])
    _layer_norm_kernel[(x.shape[0],)](x, weight, bias, out, x.stride(0), x.shape[-1], eps, BLOCK=block)
    return out


def fused_add_rms_norm(x: torch.Tensor, residual: torch.Tensor, weight: torch.Tensor, eps: float = 1e-6) -> None:
    block = triton.next_power_of_2(x.shape[-1])
    _fused_add_rms_norm_kernel[(x.shape[0],)](x, residual, weight, x.stride(0), x.shape[-1], eps, BLOCK=block)


def rms_norm_skip_padding(x: torch.Tensor, weight: torch.Tensor, lens: torch.Tensor, eps: float = 1e-6):
    out = torch.zeros_like(x)
    block = triton.next_power_of_2(x.shape[-1])
    _rms_norm_skip_padding_kernel[(x.shape[0],)](x, weight, lens, out, x.stride(0), x.shape[-1], eps, BLOCK=block)
    return out
