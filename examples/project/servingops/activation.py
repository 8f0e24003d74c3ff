"""Gated activations of MLP blocks: SiLU-and-mul, GELU(tanh)-and-mul, squared ReLU, clamped SwiGLU."""

import torch
import triton
import triton.language as tl


@triton.jit
def _silu_and_mul_kernel(x_ptr, out_ptr, d, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.program_id(1) * BLOCK + tl.arange(0, BLOCK)
    mask = cols < d
    gate = tl.load(x_ptr + row * 2 * d + cols, mask=mask, other=0.0)
    up = tl.load(x_ptr + row * 2 * d + d + cols, mask=mask, other=0.0)
    tl.store(out_ptr + row * d + cols, gate * tl.sigmoid(gate) * up, mask=mask)


@triton.jit
def _gelu_tanh_and_mul_kernel(x_ptr, out_ptr, d, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.program_id(1) * BLOCK + tl.arange(0, BLOCK)
    mask = cols < d
    gate = tl.load(x_ptr + row * 2 * d + cols, mask=mask, other=0.0)
    up = tl.load(x_ptr + row * 2 * d + d + cols, mask=mask, other=0.0)
    inner = 0.7978845608 * (gate + 0.044715 * gate * gate * gate)
    tanh = 2.0 * tl.sigmoid(2.0 * inner) - 1.0
    tl.store(out_ptr + row * d + cols, 0.5 * gate * (1.0 + tanh) * up, mask=mask)


@triton.jit
def _relu_squared_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.maximum(tl.load(x_ptr + offs, mask=mask, other=0.0), 0.0)
    tl.store(out_ptr + offs, x * x, mask=mask)


@triton.jit
def _swiglu_clamp_kernel(x_ptr, out_ptr, d, limit, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < d
    gate = tl.minimum(tl.load(x_ptr + row * 2 * d + cols, mask=mask, other=0.0), limit)
    up = tl.load(x_ptr + row * 2 * d + d + cols, mask=mask, other=0.0)
    up = tl.maximum(tl.minimum(up, limit), -limit)
    tl.store(out_ptr + row * d + cols, gate * tl.sigmoid(1.702 * gate) * (up + 1.0), mask=mask)


def silu_and_mul(x: torch.Tensor) -> torch.Tensor:
    d = x.shape[-1] // 2
    out = torch.empty(x.shape[0], d, dtype=x.dtype)
    # Tuned for GPUs: a register cap the Ascend backend does not know.
    _silu_and_mul_kernel[(x.shape[0], triton.cdiv(d, 256))](x, out, d, BLOCK=256, maxnreg=64)
    return out


def gelu_tanh_and_mul(x: torch.Tensor) -> torch.Tensor:
    d = x.shape[-1] // 2
    out = torch.empty(x.shape[0], d, dtype=x.dtype)
    _gelu_tanh_and_mul_kernel[(x.shape[0], triton.cdiv(d, 256))](x, out, d, BLOCK=256)
    return out


def relu_squared(x: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    _relu_squared_kernel[(triton.cdiv(x.numel(), 1024),)](x, out, x.numel(), BLOCK=1024)
    return out


def swiglu_clamp(x: torch.Tensor, limit: float = 7.0) -> torch.Tensor:
    d = x.shape[-1] // 2
    out = torch.empty(x.shape[0], d, dtype=x.dtype)
    _swiglu_clamp_kernel[(x.shape[0],)](x, out, d, limit, BLOCK=triton.next_power_of_2(d))
    return out
