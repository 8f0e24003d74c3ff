"""Rotary position embeddings, NeoX (halves) and GPT-J (interleaved) layouts, applied in place to queries."""

import torch
import triton
import triton.language as tl


@triton.jit
def _rotary_neox_kernel(q_ptr, cos_ptr, sin_ptr, pos_ptr, stride_tok, stride_head, HALF: tl.constexpr):
    tok = tl.program_id(0)
    head = tl.program_id(1)
    pos = tl.load(pos_ptr + tok)
    offs = tl.arange(0, HALF)
    base = q_ptr + tok * stride_tok + head * stride_head
    x1 = tl.load(base + offs)
    x2 = tl.load(base + HALF + offs)
    cos = tl.load(cos_ptr + pos * HALF + offs)
    sin = tl.load(sin_ptr + pos * HALF + offs)
    tl.store(base + offs, x1 * cos - x2 * sin)
    tl.store(base + HALF + offs, x2 * cos + x1 * sin)


@triton.jit
def _rotary_gptj_kernel(q_ptr, cos_ptr, sin_ptr, pos_ptr, stride_tok, stride_head, HALF: tl.constexpr):
    tok = tl.program_id(0)
    head = tl.program_id(1)
    pos = tl.load(pos_ptr + tok)
    offs = tl.arange(0, HALF)
    base = q_ptr + tok * stride_tok + head * stride_head
    x1 = tl.load(base + 2 * offs)
    x2 = tl.load(base + 2 * offs + 1)
    cos = tl.load(cos_ptr + pos * HALF + offs)
    sin = tl.load(sin_ptr + pos * HALF + offs)
    tl.store(base + 2 * offs, x1 * cos - x2 * sin)
    tl.store(base + 2 * offs + 1, x2 * cos + x1 * sin)


def _apply(kernel, q: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, positions: torch.Tensor) -> None:
    tokens, heads, dim = q.shape
    kernel[(tokens, heads)](q, cos, sin, positions, q.stride(0), q.stride(1), HALF=dim // 2)


def rotary_neox(q, cos, sin, positions) -> None:
    _apply(_rotary_neox_kernel, q, cos, sin, positions)


def rotary_gptj(q, cos, sin, positions) -> None:
    _apply(_rotary_gptj_kernel, q, cos, sin, positions)
