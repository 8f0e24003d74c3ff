"""The passes for the shapes other reducers beat us on: branch retargeting, element-type unification, collapse of
regions that only forward, one-iteration loops. Each on IR written here, and its output parsed and verified by
the real triton-adapter-opt."""

from __future__ import annotations

import subprocess

import pytest

from reducer.mlir.module import count_ops, parse_module, print_module
from reducer.passes.base import PassContext
from reducer.passes.registry import get_pass
from reducer.search.problem import Candidate
from reducer.search.schedule import DEFAULT_SCHEDULE
from reducer.stage.table import ADAPTER
from reducer.stage.toolchain import locate

CTX = PassContext()
TOOL = str(locate(ADAPTER).path)


def generic(custom: str) -> str:
    """The tool's own generic print of IR written in custom form (our parser reads generic form)."""
    r = subprocess.run([TOOL, "-", "--mlir-print-op-generic"], input=custom, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


def verifies(text: str) -> None:
    r = subprocess.run([TOOL, "-"], input=text, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr + text


def run(pass_name: str, text: str, chosen: list[int] | None = None) -> tuple[int, str | None]:
    module = parse_module(text)
    subject = Candidate(print_module(module), (count_ops(module), len(text)), module)
    p = get_pass(pass_name)
    n = p.targets(subject, CTX)
    return n, p.apply(subject, range(n) if chosen is None else chosen, CTX)


BRANCHES = """
tt.func public @guarded_store(%arg0: !tt.ptr<f32>, %arg1: i1, %arg2: f32) {
  cf.cond_br %arg1, ^bb1, ^bb2
^bb1:
  tt.store %arg0, %arg2 : !tt.ptr<f32>
  cf.br ^bb2
^bb2:
  tt.return
}
"""


def test_retarget_a_branch_drops_the_block_nothing_reaches() -> None:
    text = generic(BRANCHES)
    n, _ = run("retarget-branches", text)
    assert n == 3  # cond_br: ^bb1 -> ^bb2, ^bb2 -> ^bb1; br in ^bb1 -> ^bb1 (a self-loop)
    _, out = run("retarget-branches", text, [0])
    assert out is not None and "tt.store" not in out and '"cf.cond_br"' not in out and '"cf.br"' in out
    verifies(out)
    _, loop = run("retarget-branches", text, [2])  # ^bb1 branches to itself: the store stays, ^bb2 too
    assert loop is not None and "tt.store" in loop and loop.count("^bb1") >= 2
    verifies(loop)


def test_retarget_needs_the_same_block_arguments() -> None:
    text = generic("""
tt.func public @phi(%arg0: i1, %arg1: i32) {
  cf.cond_br %arg0, ^bb1(%arg1 : i32), ^bb2
^bb1(%0: i32):
  cf.br ^bb2
^bb2:
  tt.return
}
""")
    n, _ = run("retarget-branches", text)
    # slot 0 passes an i32: only a block taking one i32 would do (^bb1 is the current one); slot 1 passes
    # nothing: ^bb1 takes an i32, so no; the br in ^bb1 passes nothing: ^bb1 takes an i32, so no.
    assert n == 0
    args = generic("""
tt.func public @phi2(%arg0: i1, %arg1: i32, %arg2: !tt.ptr<i32>) {
  cf.cond_br %arg0, ^bb1(%arg1 : i32), ^bb2(%arg1 : i32)
^bb1(%0: i32):
  tt.store %arg2, %0 : !tt.ptr<i32>
  cf.br ^bb2(%0 : i32)
^bb2(%1: i32):
  tt.return
}
""")
    n, _ = run("retarget-branches", args)
    assert n == 3  # blocks taking one i32 each: either side of the cond_br, and the br's self-loop
    _, out = run("retarget-branches", args, [0])  # both sides to ^bb2 with the same value: a cf.br
    assert out is not None and "tt.store" not in out and '"cf.cond_br"' not in out
    verifies(out)


CASTS = """
tt.func public @round_trip(%arg0: !tt.ptr<f16>, %arg1: !tt.ptr<f32>) {
  %0 = tt.load %arg0 : !tt.ptr<f16>
  %1 = arith.extf %0 : f16 to f32
  %2 = arith.truncf %1 : f32 to f16
  %3 = arith.extf %2 : f16 to f32
  %4 = arith.constant 2.000000e+00 : f32
  %5 = arith.mulf %3, %4 : f32
  tt.store %arg1, %5 : !tt.ptr<f32>
  tt.return
}
"""


def test_unify_types_removes_every_cast_between_the_pair() -> None:
    text = generic(CASTS)
    n, _ = run("unify-types", text)
    assert n == 2  # f16 -> f32 and f32 -> f16
    _, out = run("unify-types", text, [0])
    assert out is not None and "arith.extf" not in out and "arith.truncf" not in out and "f16" not in out
    verifies(out)
    _, back = run("unify-types", text, [1])  # everything f16: the multiply too
    assert back is not None and "arith.extf" not in back and "f32" not in back
    verifies(back)
    _, both = run("unify-types", text, [0, 1])  # one direction of a pair only: the first chosen
    assert both == out


def test_unify_types_keeps_integer_array_attributes() -> None:
    text = generic("""
tt.func public @offsets(%arg0: !tt.ptr<f32>, %arg1: i32) {
  %0 = arith.extsi %arg1 : i32 to i64
  %1 = tt.make_tensor_ptr %arg0, [%0], [%0], [%arg1] {order = array<i32: 0>} : <tensor<4xf32>>
  tt.return
}
""")
    _, out = run("unify-types", text, [0])  # i32 -> i64 (the only pair, both directions: ints sorted after)
    assert out is not None and "array<i32: 0>" in out and "arith.extsi" not in out


REDUCE = """
tt.func public @pick(%arg0: tensor<4x1xf32>, %arg1: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = "tt.reduce"(%arg0) <{axis = 1 : i32}> ({
  ^bb0(%a: f32, %b: f32):
    tt.reduce.return %a : f32
  }) : (tensor<4x1xf32>) -> tensor<4xf32>
  %1 = "tt.scan"(%arg1) <{axis = 0 : i32, reverse = false}> ({
  ^bb0(%c: f32, %d: f32):
    tt.scan.return %d : f32
  }) : (tensor<4xf32>) -> tensor<4xf32>
  tt.return %0, %1 : tensor<4xf32>, tensor<4xf32>
}
"""


def test_collapse_regions_replaces_forwarding_reduce_and_scan() -> None:
    text = generic(REDUCE)
    n, out = run("collapse-regions", text)
    assert n == 2 and out is not None
    assert "tt.reduce" not in out and "tt.scan" not in out and '"tt.reshape"' in out
    verifies(out)


def test_collapse_regions_replaces_a_reduce_that_returns_an_outer_value() -> None:
    text = generic("""
tt.func public @constant_total(%arg0: tensor<4xf32>, %arg1: f32, %arg2: !tt.ptr<f32>) {
  %0 = "tt.reduce"(%arg0) <{axis = 0 : i32}> ({
  ^bb0(%a: f32, %b: f32):
    tt.reduce.return %arg1 : f32
  }) : (tensor<4xf32>) -> f32
  tt.store %arg2, %0 : !tt.ptr<f32>
  tt.return
}
""")
    n, out = run("collapse-regions", text)
    assert n == 1 and out is not None and "tt.reduce" not in out and '"tt.store"(%arg2, %arg1)' in out
    verifies(out)


def test_collapse_regions_leaves_a_real_combine_alone() -> None:
    text = generic("""
tt.func public @total(%arg0: tensor<4xf32>) -> f32 {
  %0 = "tt.reduce"(%arg0) <{axis = 0 : i32}> ({
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    tt.reduce.return %s : f32
  }) : (tensor<4xf32>) -> f32
  tt.return %0 : f32
}
""")
    assert run("collapse-regions", text)[0] == 0


LOOP = """
tt.func public @accumulate(%arg0: !tt.ptr<f32>) {
  %c0 = arith.constant 0 : i32
  %c128 = arith.constant 128 : i32
  %c16 = arith.constant 16 : i32
  %cst = arith.constant 0.000000e+00 : f32
  %0 = scf.for %i = %c0 to %c128 step %c16 iter_args(%acc = %cst) -> (f32) : i32 {
    %1 = arith.sitofp %i : i32 to f32
    %2 = arith.addf %acc, %1 : f32
    scf.yield %2 : f32
  }
  tt.store %arg0, %0 : !tt.ptr<f32>
  tt.return
}
"""


def test_loop_once_keeps_the_loop_with_one_iteration() -> None:
    text = generic(LOOP)
    n, out = run("loop-once", text)
    assert n == 1 and out is not None and "scf.for" in out and "value = 16 : i32" in out
    verifies(out)
    assert run("loop-once", out)[0] == 0  # one iteration already


@pytest.mark.parametrize("name", ["retarget-branches", "collapse-regions", "loop-once", "unify-types"])
def test_each_new_pass_is_in_the_schedule(name: str) -> None:
    assert any(name in tier.passes for tier in DEFAULT_SCHEDULE)
