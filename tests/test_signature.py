"""Signature normalization and frame parsing, on captured stderr shapes (no binaries needed)."""

from __future__ import annotations

import pytest

from reducer.failure.classify import classify
from reducer.failure.masks import MASKS, Mask, normalize_message
from reducer.failure.outcome import Outcome
from reducer.failure.signature import Expectation, compute, top_frames
from reducer.stage.runner import RunResult
from reducer.stage.table import ADAPTER, BISHENGIR

from conftest import ROOT

ASSERT_STDERR = """<unknown>:0: error: strides must not be zero
triton-adapter-opt: /root/agent_1/workspace/j_X/llvm-project/mlir/include/mlir/IR/StorageUniquerSupport.h:180: \
static ConcreteT mlir::detail::StorageUserBase<X>::get(MLIRContext *) [ConcreteT = mlir::StridedLayoutAttr]: \
Assertion `succeeded( ConcreteT::verifyInvariants(getDefaultDiagnosticEmitFn(ctx), args...))' failed.
PLEASE submit a bug report to https://github.com/llvm/llvm-project/issues/ and include the crash backtrace.
Stack dump:
0.\tProgram arguments: /home/someone/venv/triton-adapter-opt kernel.ttir.mlir
 #0 0x00005574b50410c8 (/home/someone/venv/triton-adapter-opt+0x203e0c8)
 #1 0x00005574b503ebce (/home/someone/venv/triton-adapter-opt+0x203bbce)
 #2 0x00005574b504175d (/home/someone/venv/triton-adapter-opt+0x203e75d)
 #3 0x00007f80a5e5a050 (/lib/x86_64-linux-gnu/libc.so.6+0x3c050)
 #4 0x00007f80a5ea8eec __pthread_kill_implementation ./nptl/./nptl/pthread_kill.c:44:76
 #5 0x00007f80a5e59fb2 raise ./signal/../sysdeps/posix/raise.c:27:6
 #6 0x00007f80a5e44472 abort ./stdlib/./stdlib/abort.c:81:7
 #7 0x00007f80a5e44395 _nl_load_domain ./intl/./intl/loadmsgcat.c:1177:9
 #8 0x00007f80a5e52ec2 (/lib/x86_64-linux-gnu/libc.so.6+0x34ec2)
 #9 0x00005574b4f2b8b1 (/home/someone/venv/triton-adapter-opt+0x1f288b1)
#10 0x00005574b4f2b7df (/home/someone/venv/triton-adapter-opt+0x1f287df)
"""

RAW_STDERR = """Stack dump:
0.\tProgram arguments: triton-adapter-opt kernel.ttir.mlir
0  triton-adapter-opt 0x00005555575920c8
1  triton-adapter-opt 0x000055555758fbce
2  triton-adapter-opt 0x000055555759275d
3  libc.so.6          0x00007ffff7a5a050
4  libc.so.6          0x00007ffff7aa8eec
5  libc.so.6          0x00007ffff7a59fb2 gsignal + 18
6  libc.so.6          0x00007ffff7a44472 abort + 211
7  libc.so.6          0x00007ffff7a44395
8  libc.so.6          0x00007ffff7a52ec2
9  triton-adapter-opt 0x000055555747c8b1
10 triton-adapter-opt 0x000055555747c7df
"""


def test_normalize_masks_what_moves() -> None:
    a = normalize_message('loc("/tmp/tmpab12/kernel.ttadapter.mlir":12:3): ub overflow, requires 10485760 bits '
                          "while 1572864 bits available! %arg3 @kernel_a 0xdeadbeef")
    b = normalize_message('loc("/tmp/tmpzz99/kernel.ttadapter.mlir":2:1): ub overflow, requires 2374144 bits '
                          "while 1572864 bits available! %12 @other 0x1234")
    assert a == b
    assert "<N>" in a and "/tmp" not in a and "kernel_a" not in a


def test_normalize_keeps_compiler_source_lines() -> None:
    a = normalize_message("UNREACHABLE executed at /root/b/llvm/TritonToLinalgPass.cpp:412!")
    b = normalize_message("UNREACHABLE executed at /root/b/llvm/TritonToLinalgPass.cpp:977!")
    assert "TritonToLinalgPass.cpp:412" in a
    assert a != b
    assert "/root" not in a


def test_module_offsets_are_frames_and_bare_addresses_are_not() -> None:
    symbolized = top_frames(ASSERT_STDERR)
    assert symbolized[:2] == ["triton-adapter-opt+0x1f288b1", "triton-adapter-opt+0x1f287df"]
    # Where a module was loaded is not knowable from a log: raw absolute addresses give no frames.
    assert top_frames(RAW_STDERR) == []


def test_symbol_frames_from_an_older_build() -> None:
    log = """Stack dump:
 #0 0x0000aaaacdd0ef80 llvm::sys::PrintStackTrace(llvm::raw_ostream&, int) (/home/u/x/triton-adapter-opt+0xfaef80)
 #1 0x0000aaaacdd0ca30 llvm::sys::RunSignalHandlers() (/home/u/x/triton-adapter-opt+0xfaca30)
 #2 0x0000aaaacdd0cb78 SignalHandler(int) Signals.cpp:0:0
 #3 0x0000ffffb7d3e7c0 (linux-vdso.so.1+0x7c0)
 #4 0x0000aaaacd0457e0 mlir::mulOpFoldResult(mlir::OpFoldResult const&) (/home/u/x/triton-adapter-opt+0x2e57e0)
 #5 0x0000aaaaccecc3a4 mlir::triton::BlockData::mulBlock(mlir::BlockData&) (/home/u/x/triton-adapter-opt+0x16c3a4)
"""
    assert top_frames(log) == ["mlir::mulOpFoldResult", "mlir::triton::BlockData::mulBlock"]


def _run(stderr: str, code: int | None, timed_out: bool = False) -> RunResult:
    return RunResult(returncode=code, stdout="", stderr=stderr, seconds=0.01, timed_out=timed_out)


def test_classes_from_exit_status_and_stderr() -> None:
    assert classify(_run("", 0), ADAPTER) is Outcome.PASSED
    assert classify(_run(ASSERT_STDERR, -6), BISHENGIR) is Outcome.ASSERTION
    unreachable = "foo\nUNREACHABLE executed at /x/A.cpp:3!\nStack dump:\n"
    assert classify(_run(unreachable, -6), BISHENGIR) is Outcome.UNREACHABLE
    assert classify(_run("LLVM ERROR: out of range\n", 1), BISHENGIR) is Outcome.LLVM_ERROR
    assert classify(_run(RAW_STDERR, -11), BISHENGIR) is Outcome.SIGNAL
    caught = "Stack dump:\n0. Program arguments: bishengir-compile\n"
    assert classify(_run(caught, 1), BISHENGIR) is Outcome.SELF_CAUGHT_CRASH
    assert classify(_run("", None, timed_out=True), BISHENGIR) is Outcome.TIMEOUT
    hivmc = ('[ERROR] Cannot find hivmc under $PATH\nloc("k.mlir":1:1): error: External hivmc run fails, '
             "returning module before running external compiler\n[ERROR] Failed to run BiShengIR pipeline\n")
    assert classify(_run(hivmc, 1), BISHENGIR) is Outcome.PASSED_MLIR
    ub = '[ERROR] Cannot find hivmc under $PATH\nloc("k.mlir":2:3): error: ub overflow, requires 9 bits\n'
    assert classify(_run(ub, 1), BISHENGIR) is Outcome.RESOURCE_LIMIT  # a capacity diagnostic: the user's config
    store = '[ERROR] Cannot find hivmc under $PATH\nloc("k.mlir":2:3): error: \'hivm.hir.store\' op failed\n'
    assert classify(_run(store, 1), BISHENGIR) is Outcome.DIAGNOSTIC
    assert classify(_run(hivmc, 1), ADAPTER) is Outcome.DIAGNOSTIC  # only a stage with that healthy end


SEGV_STDERR = """Stack dump:
0.\tProgram arguments: triton-adapter-opt kernel.ttir.mlir
 #0 0x00005574b50410c8 (/v/triton-adapter-opt+0x203e0c8)
 #1 0x00005574b503ebce (/v/triton-adapter-opt+0x203bbce)
 #2 0x00007f80a5e5a050 (/lib/x86_64-linux-gnu/libc.so.6+0x3c050)
 #3 0x0000559e6efe36e5 (/v/triton-adapter-opt+0x1fab6e5)
 #4 0x0000559e6efd931c (/v/triton-adapter-opt+0x1fa131c)
"""


def test_signal_without_message_is_told_apart_by_frames() -> None:
    other = SEGV_STDERR.replace("+0x1fab6e5", "+0x1fab000")
    one = compute(ADAPTER, Outcome.SIGNAL, _run(SEGV_STDERR, -11))
    two = compute(ADAPTER, Outcome.SIGNAL, _run(other, -11))
    moved = compute(ADAPTER, Outcome.SIGNAL, _run(SEGV_STDERR.replace("0x0000559e6e", "0x00007ab12c"), -11))
    assert one is not None and two is not None and moved is not None
    assert one.frames[0] == "triton-adapter-opt+0x1fab6e5"
    assert one.id == moved.id  # module offsets: the load address (ASLR) does not matter
    assert one is not None and two is not None
    assert one.message == "" and one.id != two.id


def test_same_message_same_id_across_paths_and_numbers() -> None:
    err = ('loc("/tmp/a/kernel.ttadapter.mlir":2:3): error: ub overflow, '
           "requires {} bits while 1572864 bits available!")
    one = compute(BISHENGIR, Outcome.RESOURCE_LIMIT, _run(err.format(10485760), 1))
    two = compute(BISHENGIR, Outcome.RESOURCE_LIMIT, _run(err.format(2374144).replace("/a/", "/b/"), 1))
    assert one is not None and two is not None and one.id == two.id
    assert (one.resource.requires_bits, two.resource.requires_bits) == (10485760, 2374144)  # evidence, not identity
    assert compute(ADAPTER, Outcome.RESOURCE_LIMIT, _run(err.format(1), 1)).id != one.id  # stage counts


@pytest.mark.parametrize("mask", MASKS, ids=[m.name for m in MASKS])
def test_each_mask_rule_does_what_it_says(mask: Mask) -> None:
    before, after = mask.example
    assert mask.apply(before) == after
    assert mask.pattern.search(before), "the example must exercise the rule"


def test_shapes_keep_element_type_rank_and_dynamic_dims() -> None:
    one = normalize_message("from ('memref<128xf32>') to 'tensor<128xf32>'")
    assert one == normalize_message("from ('memref<1024xf32>') to 'tensor<1024xf32>'")
    assert one != normalize_message("from ('memref<128xf16>') to 'tensor<128xf16>'")  # element type
    assert one != normalize_message("from ('memref<128x4xf32>') to 'tensor<128x4xf32>'")  # rank
    assert one != normalize_message("from ('memref<?xf32>') to 'tensor<?xf32>'")  # dynamic
    assert normalize_message("tensor<2x?xf16>") == normalize_message("tensor<64x?xf16>")


def test_the_same_bug_at_another_size_is_one_id_and_the_repros_stay_distinct() -> None:
    from reducer.failure.replay import Replay
    from reducer.repro.suite import all_repros

    repros = all_repros(ROOT / "repros")
    seen = {}
    for repro in repros:
        obs = Replay(repro.stage, repro.options).observe(repro.ir)
        assert obs.signature is not None and obs.signature.id == repro.signature.id, repro.path.name
        seen[repro.path.name] = obs.signature
    assert len(seen) == 15
    # No previously distinct bugs merged: each replay meets only its own repro's signature. The two bare
    # SIGSEGVs of TritonToUnstructure share an id (signal + pass); their frames, stable in each, tell them apart.
    for repro in repros:
        met = [name for name, sig in seen.items() if Expectation.of(repro.signature).met_by(sig)]
        assert met == [repro.path.name], (repro.path.name, met)
    [small] = [r for r in repros if r.path.name.startswith("0005-")]
    bigger = small.ir.replace("256", "1024")
    assert bigger != small.ir
    assert Replay(small.stage, small.options).observe(bigger).signature.id == small.signature.id
