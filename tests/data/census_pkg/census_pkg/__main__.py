import torch
import triton
import triton.language as tl


@triton.jit
def scale_rows(x_ptr, out_ptr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    tl.store(out_ptr + offs, tl.load(x_ptr + offs) * 2.0)


@triton.jit
def broadcast_row(x_ptr, out_ptr, ROWS: tl.constexpr, BLOCK: tl.constexpr):
    src = tl.make_block_ptr(x_ptr, (ROWS, BLOCK), (0, 1), (0, 0), (ROWS, BLOCK), (1, 0))
    dst = tl.make_block_ptr(out_ptr, (ROWS, BLOCK), (BLOCK, 1), (0, 0), (ROWS, BLOCK), (1, 0))
    tl.store(dst, tl.load(src))


def main() -> None:
    x, out = torch.randn(64), torch.zeros(64)
    scale_rows[(1,)](x, out, BLOCK=64)
    try:
        broadcast_row[(1,)](x, torch.zeros(4, 64), ROWS=4, BLOCK=64)
    except Exception as err:  # noqa: BLE001 - report and go on, as a smoke test does
        print("FAILED broadcast_row:", type(err).__name__)


main()
