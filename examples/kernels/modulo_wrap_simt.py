"""Fails in triton-adapter-opt (exit 1) ONLY with two non-default NPUOptions: `compile_on_910_95=True` and
`force_simt_template=True` (a 910_95-class user with `compile_mode="unstructured_in_simt"`): `failed to
legalize unresolved materialization from () to 'tensor<128xi64>'` in TritonToLinalg. With the defaults, or
either option alone, it compiles. A wrap-around gather: each lane loads x[offs % n].
"""

import triton
import triton.language as tl


@triton.jit
def modulo_wrap(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    wrapped = tl.load(x_ptr + (offs % n))
    tl.store(out_ptr + offs, wrapped)


SIGNATURE = {"x_ptr": "*fp32", "out_ptr": "*fp32", "n": "i32"}
CONSTANTS = {"BLOCK": 128}
# The backend options the failure needs (make_ir.py compiles with them; the IR carries no trace of them).
OPTIONS = {"compile_on_910_95": True, "force_simt_template": True}


def run(torch):
    x = torch.randn(100)
    out = torch.empty(CONSTANTS["BLOCK"] * 2)
    modulo_wrap[(2,)](x, out, x.numel(), **CONSTANTS, **OPTIONS)
    return out
