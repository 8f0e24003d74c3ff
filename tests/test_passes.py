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
from reducer.mlir.module import ParseError, count_ops, op_name, parse_module, print_module, strip_locations
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


@pytest.mark.slow
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


# --- cse ------------------------------------------------------------------------------------------------


def test_cse_hoists_the_splat_of_two_branches_into_the_entry_block():
    p = get_pass("cse")
    s = subject(load("cse_branches.generic.mlir"))
    assert p.targets(s, CTX) == 2  # the splat in ^bb2 and the second addf; loads and the subf are not
    out = p.apply(s, [0], CTX)
    assert out is not None
    module = parse_module(out)
    assert names(out).count("tt.splat") == 1
    func = module.body.block.first_op
    assert func is not None
    entry = [op_name(o) for o in func.regions[0].blocks[0].ops]
    assert entry[-2:] == ["tt.splat", "cf.cond_br"]  # moved to just before the entry block's terminator
    assert re.search(r'%(\w+) = "tt.splat".*\n.*"cf.cond_br"', out)
    splat = re.search(r'%(\w+) = "tt.splat"', out)
    assert splat is not None
    assert len(re.findall(rf'"tt.(?:addptr|load|store)"\(%{splat.group(1)}\b', out)) == 4
    assert print_module(parse_module(out)) == out


def test_cse_merges_same_block_duplicates_but_keeps_effects_and_different_ops():
    out = apply_all("cse", load("cse_branches.generic.mlir"))
    assert out is not None
    found = names(out)
    assert found.count("tt.splat") == 1 and found.count("tt.load") == 2  # loads are never merged
    assert found.count("arith.addf") == 3 and found.count("arith.subf") == 1
    assert re.search(r'"arith.addf"\((%\w+), \1\)', out)  # %8 = addf %5, %5 now
    assert apply_all("cse", out) is None  # nothing left to merge


def _two_funcs_and_a_diamond() -> str:
    const = '%c = "arith.constant"() <{value = 1 : i32}> : () -> i32'
    add = '"arith.addi"(%v, %v) <{overflowFlags = #arith.overflow<none>}> : (i32, i32) -> i32'
    seg = "<{operandSegmentSizes = array<i32: 1, 0, 0>}> : (i1) -> ()"
    return "\n".join(
        [
            '"builtin.module"() ({',
            '  "func.func"() <{function_type = () -> i32, sym_name = "f"}> ({',
            f"    {const}",
            '    "func.return"(%c) : (i32) -> ()',
            "  }) : () -> ()",
            '  "func.func"() <{function_type = (i32, i1) -> i32, sym_name = "g"}> ({',
            "  ^bb0(%a: i32, %b: i1):",
            f"    {const}",
            '    "cf.br"()[^bb1] : () -> ()',
            "  ^bb1:",
            '    %v = "arith.addi"(%a, %c) <{overflowFlags = #arith.overflow<none>}> : (i32, i32) -> i32',
            f'    "cf.cond_br"(%b)[^bb2, ^bb3] {seg}',
            "  ^bb2:",
            f"    %x = {add}",
            '    "func.return"(%x) : (i32) -> ()',
            "  ^bb3:",
            f"    %y = {add}",
            '    "func.return"(%y) : (i32) -> ()',
            "  }) : () -> ()",
            "}) : () -> ()",
            "",
        ]
    )


def test_cse_does_not_cross_functions_or_hoist_above_an_operand():
    # the two constants live in different functions; the two addi use %v, defined outside the entry block,
    # so the end of the entry block is no place for them (the pass knows no dominator tree beyond that)
    text = _two_funcs_and_a_diamond()
    assert names(text).count("arith.constant") == 2
    assert get_pass("cse").targets(subject(text), CTX) == 0
    # with the shared operand in the entry block, the addi pair is merged and hoisted
    hoistable = text.replace('"cf.br"()[^bb1] : () -> ()\n  ^bb1:\n', "")
    out = apply_all("cse", hoistable)
    assert out is not None and names(out).count("arith.addi") == 2
    assert re.search(r'"arith.addi"\(%\w+, %\w+\).*\n.*"arith.addi".*\n.*"cf.cond_br"', out)
    assert print_module(parse_module(out)) == out


# --- drop-operands ---------------------------------------------------------------------------------------


def test_drop_operands_removes_store_mask_and_load_mask_with_other():
    text = load("zero_stride.generic.mlir")
    p = get_pass("drop-operands")
    s = subject(text)
    n = p.targets(s, CTX)
    assert n > 0
    out = p.apply(s, range(n), CTX)
    assert out is not None
    assert "boundaryCheck" not in out and "padding" not in out
    assert not re.search(r'"tt.load"\(%\w+, ', out)  # no load keeps a mask or other
    assert "operandSegmentSizes = array<i32: 1, 1, 1>" not in out
    assert count_ops(parse_module(out)) == count_ops(parse_module(text))


def test_drop_operands_store_mask_alone_keeps_a_valid_op():
    text = load("matmul.generic.mlir")
    p = get_pass("drop-operands")
    s = subject(text)
    stores = [i for i in range(p.targets(s, CTX)) if (o := p.apply(s, [i], CTX)) and "tensor<64x64xi1>) -> ()" not in o]
    assert len(stores) == 1
    out = p.apply(s, stores, CTX)
    assert out is not None
    assert re.search(
        r'"tt.store"\(%\w+, %\w+\) <\{boundaryCheck = array<i32>, cache = 1 : i32, evict = 1 : i32\}> : '
        r"\(tensor<64x64x!tt.ptr<f16>>, tensor<64x64xf16>\) -> \(\)",
        out,
    )
    assert print_module(parse_module(out)) == out


def test_drop_operands_other_alone_updates_segment_sizes():
    text = load("zero_stride.generic.mlir")
    p = get_pass("drop-operands")
    s = subject(text)
    outs = [p.apply(s, [i], CTX) for i in range(p.targets(s, CTX))]
    masked_only = [o for o in outs if o and "operandSegmentSizes = array<i32: 1, 1, 0>" in o]
    assert masked_only
    for o in masked_only:
        assert re.search(
            r'"tt.load"\(%\w+, %\w+\) <\{[^}]*operandSegmentSizes = array<i32: 1, 1, 0>\}> : '
            r"\(tensor<128x!tt.ptr<f32>>, tensor<128xi1>\)",
            o,
        )


@pytest.mark.skipif(ADAPTER is None, reason="no triton-adapter-opt")
def test_cse_and_drop_operands_output_verifies_in_triton_adapter_opt():
    outputs = {
        "cse": apply_all("cse", load("cse_branches.generic.mlir")),
        "drop-operands zero_stride": apply_all("drop-operands", load("zero_stride.generic.mlir")),
        "drop-operands matmul": apply_all("drop-operands", load("matmul.generic.mlir")),
    }
    for name, out in outputs.items():
        assert out is not None, name
        r = subprocess.run([str(ADAPTER), "-"], input=out, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, f"{name}: {r.stderr[:500]}"


COND_FROM_CONSTANT = '''"builtin.module"() ({
  "tt.func"() <{function_type = (i32, i1) -> (), sym_name = "k"}> ({
  ^bb0(%arg0: i32, %arg1: i1):
    %c0 = "arith.constant"() <{value = 0 : i32}> : () -> i32
    %0 = "arith.cmpi"(%arg0, %c0) <{predicate = 1 : i64}> : (i32, i32) -> i1
    "cf.cond_br"(%0)[^bb1, ^bb2] <{operandSegmentSizes = array<i32: 1, 0, 0>}> : (i1) -> ()
  ^bb1:
    "tt.return"() : () -> ()
  ^bb2:
    "tt.return"() : () -> ()
  }) : () -> ()
}) : () -> ()
'''


def test_replace_operands_uses_an_argument_of_the_same_type():
    p = get_pass("replace-operands")
    s = subject(COND_FROM_CONSTANT)
    assert p.targets(s, CTX) == 2  # the cmpi's constant operand, the branch condition
    outs = [p.apply(s, [i], CTX) for i in range(2)]
    assert any('"cf.cond_br"(%arg1)' in o for o in outs)
    assert any('"arith.cmpi"(%arg0, %arg0)' in o for o in outs)
    # Then erase-ops removes what no longer feeds anything: the branch takes the i1 argument directly.
    branch = next(o for o in outs if '"cf.cond_br"(%arg1)' in o)
    assert "arith.cmpi" not in reduce(branch, lambda t: '"cf.cond_br"(%arg1)' in t).text
