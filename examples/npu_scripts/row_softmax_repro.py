"""Row softmax over a [rows, cols] fp16 tensor, one program per vector core looping over rows (written like a
triton-ascend bug report; the grid is sized from the device's vector core count, as Ascend code does).
"""

import torch
import torch_npu
import triton
import triton.language as tl
from triton.runtime import driver


@triton.jit
def row_softmax_kernel(out_ptr, in_ptr, in_stride, out_stride, n_rows, n_cols, BLOCK: tl.constexpr):
    start = tl.program_id(0)
    step = tl.num_programs(0)
    for row in tl.range(start, n_rows, step):
        cols = tl.arange(0, BLOCK)
        mask = cols < n_cols
        vals = tl.load(in_ptr + row * in_stride + cols, mask=mask, other=-float("inf")).to(tl.float32)
        vals = vals - tl.max(vals, axis=0)
        num = tl.exp(vals)
        res = num / tl.sum(num, axis=0)
        tl.store(out_ptr + row * out_stride + cols, res.to(tl.float16), mask=mask)


def row_softmax(x: torch.Tensor) -> torch.Tensor:
    n_rows, n_cols = x.shape
    out = torch.empty_like(x)
    props = driver.active.utils.get_device_properties(torch.npu.current_device())
    programs = min(props["num_vectorcore"], n_rows)
    row_softmax_kernel[(programs,)](out, x, x.stride(0), out.stride(0), n_rows, n_cols,
                                    BLOCK=triton.next_power_of_2(n_cols))
    return out


if __name__ == "__main__":
    torch_npu.npu.set_device(0)
    x = torch.randn(123, 781, dtype=torch.float16).npu()
    y = row_softmax(x)
    torch.npu.synchronize()
    ref = torch.softmax(x.float(), dim=1).half()
    torch.testing.assert_close(y.cpu(), ref.cpu(), rtol=1e-3, atol=1e-3)
    cores = driver.active.utils.get_device_properties(0)["num_vectorcore"]
    print("device:", torch.npu.get_device_name(), "vector cores:", cores)
    print("PASS")
