"""Sampling: temperature softmax over the vocabulary and a repetition penalty on seen tokens."""

import torch
import triton
import triton.language as tl


@triton.jit
def _softmax_temperature_kernel(logits_ptr, out_ptr, temp_ptr, vocab, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < vocab
    t = tl.load(temp_ptr + row)
    x = tl.load(logits_ptr + row * vocab + cols, mask=mask, other=-float("inf")) / t
    x = x - tl.max(x, axis=0)
    e = tl.exp(x)
    tl.store(out_ptr + row * vocab + cols, e / tl.sum(e, axis=0), mask=mask)


@triton.jit
def _repetition_penalty_kernel(logits_ptr, seen_ptr, penalty, vocab, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.program_id(1) * BLOCK + tl.arange(0, BLOCK)
    mask = cols < vocab
    x = tl.load(logits_ptr + row * vocab + cols, mask=mask, other=0.0)
    seen = tl.load(seen_ptr + row * vocab + cols, mask=mask, other=0)
    x = tl.where(seen != 0, tl.where(x > 0, x / penalty, x * penalty), x)
    tl.store(logits_ptr + row * vocab + cols, x, mask=mask)


@triton.jit
def _greedy_or_sample_kernel(logits_ptr, mode_ptr, out_ptr, vocab, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < vocab
    mode = tl.load(mode_ptr + row)
    if mode != 0:
        if mode > 1:  # the sequence finished: nothing to sample
            return
        else:
            x = tl.load(logits_ptr + row * vocab + cols, mask=mask, other=-float("inf"))
            tl.store(out_ptr + row * vocab + cols, x - tl.max(x, axis=0), mask=mask)
    else:
        tl.store(out_ptr + row * vocab + cols, tl.zeros([BLOCK], dtype=tl.float32), mask=mask)


@triton.jit
def _greedy_argmax_kernel(logits_ptr, out_ptr, VOCAB: tl.constexpr):
    row = tl.program_id(0)
    offs = tl.arange(0, VOCAB)
    tl.store(out_ptr + row, tl.argmax(tl.load(logits_ptr + row * VOCAB + offs), axis=0))


def greedy_argmax(logits: torch.Tensor) -> torch.Tensor:
    """The whole vocabulary in one block: a 32Ki vocabulary needs the values and their indices in UB at once."""
    out = torch.empty(logits.shape[0], dtype=torch.int32)
    _greedy_argmax_kernel[(logits.shape[0],)](logits, out, VOCAB=logits.shape[-1])
    return out


def greedy_or_sample(logits: torch.Tensor, mode: torch.Tensor) -> torch.Tensor:
    out = torch.zeros_like(logits)
    vocab = logits.shape[-1]
    _greedy_or_sample_kernel[(logits.shape[0],)](logits, mode, out, vocab, BLOCK=triton.next_power_of_2(vocab))
    return out


def softmax_temperature(logits: torch.Tensor, temperature: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(logits)
    vocab = logits.shape[-1]
    _softmax_temperature_kernel[(logits.shape[0],)](
        logits, out, temperature, vocab, BLOCK=triton.next_power_of_2(vocab)
    )
    return out


def repetition_penalty(logits: torch.Tensor, seen: torch.Tensor, penalty: float) -> None:
    vocab = logits.shape[-1]
    _repetition_penalty_kernel[(logits.shape[0], triton.cdiv(vocab, 512))](logits, seen, penalty, vocab, BLOCK=512)
