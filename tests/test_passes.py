"""Each pass on hand-written or compiler-produced generic IR, applied in memory and checked concretely."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from mlir_fixtures import load, names

from reducer.errors import UnknownPass
from reducer.mlir import ParseError, count_ops, parse_module, print_module, strip_locations
from reducer.passes.base import PassContext
from reducer.passes.registry import PASSES, describe, get_pass, resolve
from reducer.search import reduce
from reducer.search.problem import Candidate

CTX = PassContext()


def subject(text: str) -> Candidate:
    module = parse_module(text)
    return Candidate(print_module(module), (count_ops(module), len(text)), module)


def apply_all(pass_name: str, text: str, ctx: PassContext = CTX) -> str | None:
    p = get_pass(pass_name)
    s = subject(text)
    return p.apply(s, range(p.targets(s, ctx)), ctx)


def apply_some(pass_name: str, text: str, chosen: list[int]) -> str | None:
    return get_pass(pass_name).apply(subject(text), chosen, CTX)


# --- module ---------------------------------------------------------------------------------------------


def test_round_trip_is_stable_and_counts_every_op():
    text = load("control_flow.generic.mlir")
    module = parse_module(text)
    printed = print_module(module)
    assert print_module(parse_module(printed)) == printed
    assert count_ops(module) == 36  # module, 3 functions, returns and yields included


def test_parse_error_is_typed():
    with pytest.raises(ParseError, match="cannot parse"):
        parse_module('"builtin.module"() ({ %0 = = }) : () -> ()')


def test_locations_are_stripped_including_trailing_aliases():
    text = (
        '"builtin.module"() ({\n  "tt.return"() : () -> () loc(#loc1)\n}) : () -> () loc(#loc)\n'
        '#loc = loc("a.py":1:0)\n#loc1 = loc(callsite("f(x)" at #loc))\n'
    )
    assert "loc" not in strip_locations(text)
    assert names(text) == ["builtin.module", "tt.return"]


# --- registry -------------------------------------------------------------------------------------------


def test_registry_lists_every_pass_once_and_rejects_unknown():
    listed = [n for n, _ in describe()]
    assert listed == list(PASSES) and len(set(listed)) == len(listed)
    assert {"erase-ops", "inline-regions", "shrink-shapes", "lines", "opt"} <= set(listed)
    assert all(d and "\n" not in d for _, d in describe())
    with pytest.raises(UnknownPass):
        resolve(["erase-ops", "bogus"])


# --- erase-ops ------------------------------------------------------------------------------------------


def test_erase_ops_targets_latest_first_and_rewires_pointer_to_argument():
    text = load("control_flow.generic.mlir")
    p = get_pass("erase-ops")
    s = subject(text)
    n = p.targets(s, CTX)
    assert n == 36 - 1 - 3 - 3 - 5  # minus module, functions, returns, yields/condition
    # Erase the first tt.splat (of %arg0): no earlier value has its type tensor<64x!tt.ptr<f32>>, and a
    # tensor of pointers has no constant, so a new function argument stands in for it.
    outs = [p.apply(s, [i], CTX) for i in range(n)]
    hits = [o for o in outs if o and names(o).count("tt.splat") == 2 and 'tt.splat"(%arg0)' not in o]
    assert len(hits) == 1
    assert "function_type = (!tt.ptr<f32>, !tt.ptr<f32>, i32, tensor<64x!tt.ptr<f32>>) -> ()" in hits[0]
    assert "arg_attrs = [{tt.divisibility = 16 : i32}, {tt.divisibility = 16 : i32}, {}, {}]" in hits[0]
    # Erasing the second splat (of %arg1) reuses the nearest dominating value of that type instead.
    second = [o for o in outs if o and names(o).count("tt.splat") == 2 and 'tt.splat"(%arg1)' not in o]
    assert len(second) == 1 and "function_type = (!tt.ptr<f32>, !tt.ptr<f32>, i32) -> ()" in second[0]


def test_erase_ops_all_targets_leaves_only_structure():
    out = apply_all("erase-ops", load("control_flow.generic.mlir"))
    assert out is not None
    assert set(names(out)) == {"builtin.module", "tt.func", "tt.return"}


# --- inline-regions -------------------------------------------------------------------------------------


def test_inline_regions_flattens_if_for_while():
    out = apply_all("inline-regions", load("control_flow.generic.mlir"))
    assert out is not None
    found = names(out)
    assert not {"scf.if", "scf.for", "scf.while", "scf.yield", "scf.condition"} & set(found)
    assert "arith.addf" in found and "tt.call" not in found  # the then-branch was chosen
    assert "arith.mulf" in found  # the loop body, once


def test_inline_regions_else_branch_variant():
    text = load("control_flow.generic.mlir")
    targets_of_if = [
        i
        for i in range(get_pass("inline-regions").targets(subject(text), CTX))
        if (o := apply_some("inline-regions", text, [i])) and "scf.if" not in o
    ]
    assert len(targets_of_if) == 2
    else_side = apply_some("inline-regions", text, [targets_of_if[1]])
    assert else_side is not None and "tt.call" in else_side and "arith.addf" not in else_side


def test_cond_br_becomes_br_and_blocks_merge():
    text = load("branches.generic.mlir")
    out = apply_some("inline-regions", text, [0])  # cond_br -> true side; ^bb2 becomes unreachable
    assert out is not None
    assert "cf.cond_br" not in out and "arith.addi" not in out
    merged = apply_all("inline-regions", out)
    assert merged is not None
    assert names(merged) == ["builtin.module", "func.func", "arith.constant", "arith.muli", "func.return"]


# --- functions ------------------------------------------------------------------------------------------


def test_drop_unused_funcs_keeps_called_helper():
    out = apply_all("drop-unused-funcs", load("control_flow.generic.mlir"))
    assert out is not None and '"unused"' not in out and '"helper"' in out


def test_inline_calls_moves_callee_body():
    out = apply_all("inline-calls", load("control_flow.generic.mlir"))
    assert out is not None and "tt.call" not in out
    assert names(out).count("math.exp") == 2


def test_drop_func_args_updates_signature_and_arg_attrs():
    text = load("control_flow.generic.mlir")
    out = apply_some("drop-func-args", text, [1])  # %arg1: uses replaced by %arg0 (same type)
    assert out is not None
    assert "function_type = (!tt.ptr<f32>, i32) -> ()" in out
    assert "arg_attrs = [{tt.divisibility = 16 : i32}, {}]" in out


def test_drop_func_results_rewrites_call_sites():
    out = apply_all("drop-func-results", load("control_flow.generic.mlir"))
    assert out is not None
    assert "(tensor<64xf32>) -> ()" in out and '"tt.return"() : () -> ()' in out
    assert re.search(r'"tt.call"\(%\w+\) <\{callee = @helper\}> : \(tensor<64xf32>\) -> \(\)', out)


# --- shapes, constants, attributes ----------------------------------------------------------------------


def test_shrink_shapes_rewrites_every_reference_consistently():
    text = load("zero_stride.generic.mlir")
    out = apply_all("shrink-shapes", text)
    assert out is not None
    assert not re.search(r"(tensor|memref)<(\d+x)*(4|128)x", out)
    assert re.search(r"!tt.ptr<tensor<2x2xf32>>", out)
    assert re.findall(r'"tt.make_range"\(\) <\{end = (\d+) : i32, start = 0', out) == ["2"] * out.count("tt.make_range")
    assert count_ops(parse_module(out)) == count_ops(parse_module(text))


def test_constants_zero_one_and_splat():
    text = load("control_flow.generic.mlir")
    zero = apply_all("constants-zero", text)
    assert zero is not None and "value = 8 : i32" not in zero and "dense<0.000000e+00> : tensor<64xf32>" in zero
    one = apply_all("constants-one", text)
    assert one is not None and "value = 8 : i32" not in one and "value = 0 : i32" in one and "value = 1 : i32" in one
    splat = apply_all("dense-splat", text)
    assert splat is not None and "dense<0> : tensor<4xi32>" in splat


def test_drop_attributes_covers_discardable_and_per_argument():
    text = load("control_flow.generic.mlir")
    out = apply_all("drop-attributes", text)
    assert out is not None
    assert "tt.divisibility" not in out and "noinline" not in out and "arg_attrs" not in out
    assert "operandSegmentSizes" in out  # properties are inherent: kept


def test_opt_pass_uses_runner_and_is_skipped_without():
    text = load("control_flow.generic.mlir")
    assert get_pass("opt").targets(subject(text), CTX) == 0
    calls = []

    def run_opt(t: str, flags):
        calls.append(list(flags))
        return t.replace(
            '"tt.func"() <{function_type = (i32) -> i32, sym_name = "unused"',
            '"tt.func"() <{function_type = (i32) -> i32, sym_name = "u"',
        )

    out = apply_all("opt", text, PassContext(run_opt=run_opt))
    assert calls == [["--canonicalize", "--cse", "--symbol-dce"]]
    assert out is not None and '"u"' in out


def test_lines_pass_drops_latest_lines_first():
    s = Candidate("a\nb\nc\n", (3, 6), None)
    assert get_pass("lines").apply(s, [0], CTX) == "a\nb\n"


# --- whole schedule on the hand-written file --------------------------------------------------------------


@pytest.mark.parametrize("jobs", [1, 2])
def test_schedule_keeps_just_the_exp(jobs):
    result = reduce(load("control_flow.generic.mlir"), lambda t: "math.exp" in t, jobs=jobs)
    assert result.final_ops <= 4
    assert "math.exp" in result.text


# --- the real tool accepts what the passes print ---------------------------------------------------------


def _adapter() -> str | None:
    """The wheel's triton-adapter-opt (or one on PATH); the test is skipped without it."""
    if env := os.environ.get("TRITON_ADAPTER_OPT"):
        return env
    spec = importlib.util.find_spec("triton")
    if spec is not None and spec.origin is not None:
        tool = Path(spec.origin).parent / "backends" / "ascend" / "triton-adapter-opt"
        if tool.exists():
            return str(tool)
    return shutil.which("triton-adapter-opt")


ADAPTER = _adapter()


@pytest.mark.skipif(ADAPTER is None, reason="no triton-adapter-opt")
@pytest.mark.parametrize("fixture", ["control_flow.generic.mlir", "zero_stride.generic.mlir", "matmul.generic.mlir"])
def test_printed_candidates_verify_in_triton_adapter_opt(fixture):
    text = load(fixture)
    outputs = {"print": print_module(parse_module(text))}
    for name in (
        "inline-regions",
        "drop-unused-funcs",
        "inline-calls",
        "shrink-shapes",
        "constants-zero",
        "drop-attributes",
    ):
        out = apply_all(name, text)
        if out is not None:
            outputs[name] = out
    for name, out in outputs.items():
        r = subprocess.run([str(ADAPTER), "-"], input=out, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, f"{fixture} after {name}: {r.stderr[:500]}"


def test_bypass_ops_passes_an_operand_through():
    text = load("control_flow.generic.mlir")
    out = apply_all("bypass-ops", text)
    assert out is not None
    found = names(out)
    # the loop became its init (the load), the mulf/addf/exp chain links became their operands
    assert "scf.for" not in found and "arith.mulf" not in found and "arith.addf" not in found
    assert "tt.load" in found and "tt.store" in found
    assert re.search(r'"tt.store"\(%\w+, %\w+\)', out)


@pytest.mark.parametrize("fixture", ["control_flow.generic.mlir", "zero_stride.generic.mlir", "branches.generic.mlir"])
def test_module_pass_candidates_print_what_the_parser_reads_back(fixture):
    """The search trusts in-memory edits (no re-parse); this is the property that makes it safe."""
    from reducer.mlir.structure import dangling_reference
    from reducer.passes.base import ModulePass

    s = subject(load(fixture))
    checked = 0
    for p in PASSES.values():
        if not isinstance(p, ModulePass):
            continue
        n = p.targets(s, CTX)
        for chosen in [range(n), range(n // 2), range(n // 2, n), *([i] for i in range(min(n, 5)))]:
            module = p.apply_module(s, chosen, CTX)
            if module is None:
                continue
            assert dangling_reference(module) is None, p.name
            printed = print_module(module)
            assert print_module(parse_module(printed)) == printed, p.name
            checked += 1
    assert checked > 20


def test_dangling_reference_is_reported():
    from reducer.mlir.structure import dangling_reference

    module = parse_module(load("control_flow.generic.mlir"))
    splat = next(op for op in module.walk() if op.name != "builtin.module" and "tt.splat" in str(op.attributes))
    splat.detach()
    assert dangling_reference(module) is not None
