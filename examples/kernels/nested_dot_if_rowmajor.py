"""`nested_dot_if_sigsegv.py` with its second tile loaded row-major (no transposed view): bishengir-compile then
fails differently from run to run, as heap-dependent bugs do. Most runs (10 of 12 here, 9 of 20 with a second
compile beside each) die with SIGSEGV and no message in `hivm-normalize-matmul`, their top frames varying between two
crash sites above one shared path; the others exit 1 with `'scf.for' op 0-th region iter_arg and 0-th yielded value
have different type`. A probe for the failing pass (a local crash reproducer, threading off) fails that other way in
about a third of runs and then names another pass (`hivm-infer-mem-scope`): such a probe is not taken. The heap
layout is part of the trigger: the same kernel under another name crashes every run with the same frames
(examples/ir/ keeps the IR of this one).
"""

import triton
import triton.language as tl


@triton.jit
def nested_dot_if(x_ptr, y_ptr, out_ptr, T, V, flag, BT: tl.constexpr, BV: tl.constexpr):
    o_t = tl.arange(0, BT)
    o_v = tl.arange(0, BV)
    acc = tl.zeros((BT, BT), dtype=tl.float32)
    for i_t in range(tl.cdiv(T, BT)):
        rows = i_t * BT + o_t
        part = tl.zeros((BT, BT), dtype=tl.float32)
        extra = acc
        for i_v in range(tl.cdiv(V, BV)):
            cols = i_v * BV + o_v
            a = tl.load(x_ptr + rows[:, None] * V + cols[None, :],
                        mask=(rows[:, None] < T) & (cols[None, :] < V), other=0)
            bt = tl.load(y_ptr + cols[:, None] * T + rows[None, :],
                         mask=(cols[:, None] < V) & (rows[None, :] < T), other=0)
            part += tl.dot(a, bt)
            if flag != 0:
                extra += tl.dot(a, bt)
        acc = extra + tl.dot(part.to(tl.bfloat16), part.to(tl.bfloat16))
    tl.store(out_ptr + o_t[:, None] * BT + o_t[None, :], acc)


SIGNATURE = {"x_ptr": "*bf16", "y_ptr": "*bf16", "out_ptr": "*fp32", "T": "i32", "V": "i32", "flag": "i32"}
CONSTANTS = {"BT": 32, "BV": 32}


def run(torch):
    t, v = 128, 96
    x = torch.randn(t, v, dtype=torch.bfloat16)
    y = torch.randn(v, t, dtype=torch.bfloat16)
    out = torch.empty(CONSTANTS["BT"], CONSTANTS["BT"], dtype=torch.float32)
    nested_dot_if[(1,)](x, y, out, t, v, 2, **CONSTANTS)  # flag=2: a value of 1 would be specialized away
    return out
