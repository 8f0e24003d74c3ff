"""Call every op of `servingops` once on CPU tensors, as a project's smoke test would.

On an NPU host this runs the kernels; under `reducer capture -- python examples/project/run_ops.py` (no NPU)
each launch is compiled for the Ascend target and recorded instead. An op that raises is reported and the run
goes on, so one run covers the whole library.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from servingops import activation, gemm, kvcache, moe, norm, quant, rotary, sampling  # noqa: E402


def cases():
    torch.manual_seed(0)
    x = torch.randn(4, 512)
    w, b = torch.randn(512), torch.randn(512)
    yield "rms_norm", lambda: norm.rms_norm(x, w)
    yield "layer_norm", lambda: norm.layer_norm(x, w, b)
    yield "fused_add_rms_norm", lambda: norm.fused_add_rms_norm(x.clone(), x.clone(), w)
    lens = torch.tensor([1, 0, 2, 1], dtype=torch.int32)
    yield "rms_norm_skip_padding", lambda: norm.rms_norm_skip_padding(x, w, lens)
    h = torch.randn(4, 1024)
    yield "silu_and_mul", lambda: activation.silu_and_mul(h)
    yield "gelu_tanh_and_mul", lambda: activation.gelu_tanh_and_mul(h)
    yield "relu_squared", lambda: activation.relu_squared(h)
    yield "swiglu_clamp", lambda: activation.swiglu_clamp(h)
    q = torch.randn(8, 4, 64)
    cos, sin, pos = torch.randn(32, 32), torch.randn(32, 32), torch.arange(8, dtype=torch.int32)
    yield "rotary_neox", lambda: rotary.rotary_neox(q, cos, sin, pos)
    yield "rotary_gptj", lambda: rotary.rotary_gptj(q, cos, sin, pos)
    yield "matmul", lambda: gemm.matmul(torch.randn(256, 256), torch.randn(256, 256))
    xh = torch.randn(128, 512, dtype=torch.float16)
    wg, wu = (torch.randn(512, 256, dtype=torch.float16) for _ in range(2))
    yield "gated_mlp", lambda: gemm.gated_mlp(xh, wg, wu)
    yield "lora_shrink", lambda: gemm.lora_shrink(torch.randn(32, 256), torch.randn(256, 16))
    logits = torch.randn(2, 1000)
    yield "softmax_temperature", lambda: sampling.softmax_temperature(logits, torch.tensor([0.7, 1.0]))
    yield "greedy_argmax", lambda: sampling.greedy_argmax(torch.randn(4, 32768))
    yield "greedy_or_sample", lambda: sampling.greedy_or_sample(logits, torch.tensor([0, 2], dtype=torch.int32))
    yield "repetition_penalty", lambda: sampling.repetition_penalty(
        logits.clone(), torch.randint(0, 2, (2, 1000), dtype=torch.int32), 1.2
    )
    cache = torch.zeros(64 * 16, 128)
    yield "reshape_and_cache", lambda: kvcache.reshape_and_cache(
        torch.randn(8, 128), cache, torch.arange(8, dtype=torch.int32) * 3
    )
    yield "gather_blocks", lambda: kvcache.gather_blocks(cache, torch.tensor([3, 1, 7], dtype=torch.int32), 16)
    yield "bias_transpose", lambda: kvcache.bias_transpose(torch.randn(128, 256), torch.randn(256))
    yield "broadcast_prefix", lambda: kvcache.broadcast_prefix(torch.randn(64), 20)
    yield "per_token_quant", lambda: quant.per_token_quant(x)
    yield "dequant", lambda: quant.dequant(torch.randint(-127, 127, (4, 512), dtype=torch.int8), torch.rand(4))
    yield "route_top1", lambda: moe.route_top1(torch.randn(16, 8))


def main() -> int:
    failed = 0
    for name, call in cases():
        try:
            call()
            print(f"ok      {name}")
        except Exception as err:  # noqa: BLE001 - a smoke test reports every op, whatever broke
            failed += 1
            print(f"FAILED  {name}: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}")
            if "-v" in sys.argv:
                traceback.print_exc()
    print(f"{failed} ops failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
