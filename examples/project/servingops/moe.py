"""Mixture-of-experts routing: softmax over expert logits followed by picking the best expert per token."""

import torch
import triton
import triton.language as tl


@triton.jit
def _router_softmax_kernel(logits_ptr, probs_ptr, E: tl.constexpr):
    tok = tl.program_id(0)
    offs = tl.arange(0, E)
    x = tl.load(logits_ptr + tok * E + offs)
    e = tl.exp(x - tl.max(x, axis=0))
    tl.store(probs_ptr + tok * E + offs, e / tl.sum(e, axis=0))


@triton.jit
def _top1_kernel(probs_ptr, idx_ptr, weight_ptr, E: tl.constexpr):
    tok = tl.program_id(0)
    offs = tl.arange(0, E)
    p = tl.load(probs_ptr + tok * E + offs)
    best = tl.max(p, axis=0)
    idx = tl.min(tl.where(p == best, offs, E), axis=0)
    tl.store(idx_ptr + tok, idx)
    tl.store(weight_ptr + tok, best)


def route_top1(logits: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    tokens, experts = logits.shape
    probs = torch.empty_like(logits)
    _router_softmax_kernel[(tokens,)](logits, probs, E=experts)
    idx = torch.empty(tokens, dtype=torch.int32)
    weight = torch.empty(tokens, dtype=torch.float32)
    _top1_kernel[(tokens,)](probs, idx, weight, E=experts)
    return idx, weight
