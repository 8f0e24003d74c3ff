"""A chunked backward-style double loop (bf16 tiles, fp32 accumulators) that makes bishengir-compile die with
SIGSEGV and no message in `hivm-normalize-matmul`: the outer loop over T chunks carries `acc`; the inner loop over
V blocks loads a masked bf16 tile and a second one, accumulates `tl.dot` into a per-chunk `part`, and under a
runtime `if flag != 0` into `extra`, which starts from the outer-carried `acc`; after the inner loop another
`tl.dot` is added to it. BT=BV=16, 32 and 64 all crash; passing flag=1 at launch specializes the `if` away and the
kernel compiles.

- `TRANSPOSED=True` (the second tile as a column-major view, strides [1, V]; examples/ir/nested_dot_if_sigsegv):
  crashes 12/12 runs with the same top frames every run.
- `TRANSPOSED=False` (row-major; examples/ir/nested_dot_if_rowmajor): fails differently from run to run, as
  heap-dependent bugs do. Most runs (10 of 12 here, 9 of 20 with a second compile beside each) die with the same
  SIGSEGV, their top frames varying between two crash sites above one shared path; the others exit 1 with `'scf.for'
  op 0-th region iter_arg and 0-th yielded value have different type`. A probe for the failing pass (a local crash
  reproducer, threading off) fails that other way in about a third of runs and then names another pass
  (`hivm-infer-mem-scope`): such a probe is not taken. The heap layout is part of the trigger: the same kernel under
  another name crashes every run with the same frames.
"""

import triton
import triton.language as tl


@triton.jit
def nested_dot_if(x_ptr, y_ptr, out_ptr, T, V, flag, BT: tl.constexpr, BV: tl.constexpr, TRANSPOSED: tl.constexpr):
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
            if TRANSPOSED:
                bt = tl.load(y_ptr + cols[:, None] + rows[None, :] * V,
                             mask=(cols[:, None] < V) & (rows[None, :] < T), other=0)
            else:
                bt = tl.load(y_ptr + cols[:, None] * T + rows[None, :],
                             mask=(cols[:, None] < V) & (rows[None, :] < T), other=0)
            part += tl.dot(a, bt)
            if flag != 0:
                extra += tl.dot(a, bt)
        acc = extra + tl.dot(part.to(tl.bfloat16), part.to(tl.bfloat16))
    tl.store(out_ptr + o_t[:, None] * BT + o_t[None, :], acc)


SIGNATURE = {"x_ptr": "*bf16", "y_ptr": "*bf16", "out_ptr": "*fp32", "T": "i32", "V": "i32", "flag": "i32"}
CONSTANTS = {"BT": 32, "BV": 32, "TRANSPOSED": True}


def run(torch, transposed: bool = True):
    t, v = 128, 96
    x = torch.randn(t, v, dtype=torch.bfloat16)
    y = torch.randn(t, v, dtype=torch.bfloat16)  # read as V x T when row-major: the same storage
    out = torch.empty(CONSTANTS["BT"], CONSTANTS["BT"], dtype=torch.float32)
    constants = {**CONSTANTS, "TRANSPOSED": transposed}
    nested_dot_if[(1,)](x, y, out, t, v, 2, **constants)  # flag=2: a value of 1 would be specialized away
    return out
