"""bf16 in the CPU run: rounding as the device rounds, and kernels whose results the host checks."""

from __future__ import annotations

import numpy as np
import torch

from reducer.capture.bf16 import from_bits, rounded, to_bits


def _torch_bits(values: np.ndarray) -> np.ndarray:
    return torch.from_numpy(values).to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)


def test_rounding_is_torchs_round_to_nearest_even() -> None:
    rng = np.random.default_rng(0)
    values = np.concatenate([
        rng.standard_normal(10000).astype(np.float32) * 10.0 ** rng.integers(-30, 30, 10000),
        # exact ties (the low 16 bits 0x8000), either side of an even and an odd bf16
        (np.array([0x3F808000, 0x3F818000, 0xBF808000, 0x7F7F8000], dtype=np.uint32)).view(np.float32),
        np.array([0.0, -0.0, np.inf, -np.inf, 1e-40, -1e-45, 3.4e38], dtype=np.float32),
    ])
    assert (to_bits(values) == _torch_bits(values)).all()
    assert np.array_equal(from_bits(to_bits(values)), rounded(values))


def test_nan_stays_nan_and_bits_round_trip() -> None:
    assert np.isnan(rounded(np.array([np.nan], dtype=np.float32))).all()
    bits = np.arange(0, 0x10000, 7, dtype=np.uint32).astype(np.uint16)
    finite = ~np.isnan(from_bits(bits))
    assert (to_bits(from_bits(bits))[finite] == bits[finite]).all()
