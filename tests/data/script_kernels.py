"""A launch for `reducer script`: an autotuned kernel with a jitted helper and a module constant; it selects
between two pointer tensors, which triton-adapter-opt 3.2.0 asserts on (TritonToUnstructure)."""

import torch
import torch_npu  # noqa: F401  (reducer stands in for it without an NPU)
import triton
import triton.language as tl

SCALE = tl.constexpr(0.5)


@triton.jit
def _halve(x):
    return x * SCALE


@triton.autotune(configs=[triton.Config({"D": 16})], key=["n"])
@triton.jit
def pick_rows(x_ptr, y_ptr, idx_ptr, w_ptr, out_ptr, n, unused, D: tl.constexpr):
    row = tl.program_id(0)
    ds = tl.arange(0, D)
    idx = tl.load(idx_ptr + row).to(tl.int64)
    w = tl.load(w_ptr + row).to(tl.float32)
    w = _halve(w)
    pick = (ds % 2) == 0
    src = tl.where(pick, x_ptr + idx * D + ds, y_ptr + idx * D + ds)
    vals = tl.load(src).to(tl.float32)
    total = tl.sum(vals * w, axis=0)
    if row < n:
        tl.store(out_ptr + row, total.to(tl.float16))


def main():
    x = torch.randn(64, 16, dtype=torch.float16, device="npu")
    y = torch.randn(64, 16, dtype=torch.float16, device="npu")
    idx = torch.randint(0, 64, (8,), dtype=torch.int32, device="npu")
    w = torch.randn(8, dtype=torch.float16, device="npu")
    out = torch.zeros(8, dtype=torch.float16, device="npu")
    pick_rows[(8,)](x, y, idx, w, out, 8, 3)


if __name__ == "__main__":
    main()
