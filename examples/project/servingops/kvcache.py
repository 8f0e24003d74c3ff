"""Paged KV cache: write new tokens into their slots, gather a sequence's blocks, broadcast a shared prefix."""

import torch
import triton
import triton.language as tl


@triton.jit
def _reshape_and_cache_kernel(key_ptr, cache_ptr, slots_ptr, HD: tl.constexpr):
    tok = tl.program_id(0)
    slot = tl.load(slots_ptr + tok)
    offs = tl.arange(0, HD)
    tl.store(cache_ptr + slot * HD + offs, tl.load(key_ptr + tok * HD + offs))


@triton.jit
def _gather_blocks_kernel(cache_ptr, table_ptr, out_ptr, BS: tl.constexpr, HD: tl.constexpr):
    i = tl.program_id(0)
    block = tl.load(table_ptr + i)
    rows = tl.arange(0, BS)
    cols = tl.arange(0, HD)
    tile = tl.load(cache_ptr + block * BS * HD + rows[:, None] * HD + cols[None, :])
    tl.store(out_ptr + i * BS * HD + rows[:, None] * HD + cols[None, :], tile)


@triton.jit
def _broadcast_prefix_kernel(prefix_ptr, out_ptr, n_seqs, HD, stride_seq, BS: tl.constexpr, BH: tl.constexpr):
    # Every sequence starts with the same prefix: read it with a zero sequence stride.
    pid = tl.program_id(0)
    src = tl.make_block_ptr(
        prefix_ptr, shape=(n_seqs, HD), strides=(0, 1), offsets=(pid * BS, 0), block_shape=(BS, BH), order=(1, 0)
    )
    dst = tl.make_block_ptr(
        out_ptr, shape=(n_seqs, HD), strides=(stride_seq, 1), offsets=(pid * BS, 0), block_shape=(BS, BH),
        order=(1, 0),
    )
    tl.store(dst, tl.load(src, boundary_check=(0, 1)), boundary_check=(0, 1))


@triton.jit
def _bias_transpose_kernel(k_ptr, bias_ptr, out_ptr, T: tl.constexpr, HD: tl.constexpr):
    # Keys are stored transposed (head dim major) for the score GEMM; the bias is added on the way.
    rt = tl.arange(0, T)
    rd = tl.arange(0, HD)
    k = tl.load(k_ptr + rt[:, None] * HD + rd[None, :]) + tl.load(bias_ptr + rd)[None, :]
    tl.store(out_ptr + rd[:, None] * T + rt[None, :], tl.trans(k))


def bias_transpose(keys: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    t, hd = keys.shape
    out = torch.empty(hd, t, dtype=keys.dtype)
    _bias_transpose_kernel[(1,)](keys, bias, out, T=t, HD=hd)
    return out


def reshape_and_cache(key: torch.Tensor, cache: torch.Tensor, slots: torch.Tensor) -> None:
    _reshape_and_cache_kernel[(key.shape[0],)](key, cache, slots, HD=key.shape[1])


def gather_blocks(cache: torch.Tensor, table: torch.Tensor, block_size: int) -> torch.Tensor:
    hd = cache.shape[-1]
    out = torch.empty(table.numel() * block_size, hd, dtype=cache.dtype)
    _gather_blocks_kernel[(table.numel(),)](cache, table, out, BS=block_size, HD=hd)
    return out


def broadcast_prefix(prefix: torch.Tensor, n_seqs: int) -> torch.Tensor:
    hd = prefix.shape[-1]
    out = torch.empty(n_seqs, hd, dtype=prefix.dtype)
    _broadcast_prefix_kernel[(triton.cdiv(n_seqs, 8),)](prefix, out, n_seqs, hd, out.stride(0), BS=8, BH=64)
    return out
