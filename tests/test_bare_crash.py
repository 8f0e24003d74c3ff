"""A deterministic crash with no message is one bug even when its stack is not (issue: bare SIGSEGVs of release
builds). Unit tests on stderr shapes seen from bishengir-compile 1.2.0; the end-to-end ones run the real binary."""

from __future__ import annotations

import collections
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reducer.failure.evidence import common_frames, frames_agree
from reducer.failure.outcome import Outcome
from reducer.failure.replay import Replay, Tally
from reducer.failure.signature import Expectation, compute, pipeline_passes
from reducer.safety.lit_safe import planted
from reducer.stage.runner import RunResult
from reducer.stage.table import ADAPTER, BISHENGIR
from reducer.sweep.state import State

from conftest import ROOT, run_cli

_HEAD = """[ERROR] Cannot find hivmc under $PATH
PLEASE submit a bug report to https://github.com/llvm/llvm-project/issues/ and include the crash backtrace.
Stack dump:
0.\tProgram arguments: /venv/bin/bishengir-compile kernel.ttadapter.mlir -o kernel
"""
_HANDLER = [0x5BED615, 0x5BEB11E, 0x5BEDD1B]
_SHARED = [0x4860B91, 0x4860C62, 0x486182F, 0x3CAFEA4, 0x4EE71ED, 0x4EE42FC, 0x4EC8281]


def _dump(top: list[int], below: list[int] = _SHARED) -> str:
    lines = [f" #{i} 0x00005555{off:08x} (/venv/bin/bishengir-compile+{off:#x})" for i, off in enumerate(_HANDLER)]
    lines.append(" #3 0x00007ffff7a5a050 (/lib/x86_64-linux-gnu/libc.so.6+0x3c050)")
    for i, off in enumerate(top + below, start=4):
        lines.append(f"#{i} 0x00005555{off:08x} (/venv/bin/bishengir-compile+{off:#x})")
    return _HEAD + "\n".join(lines) + "\n"


# The three shapes one deterministic crash printed over 12 runs: two crash sites above a shared path, and none.
VARIANT_A = _dump([0x3B1FF31])
VARIANT_B = _dump([0x13BD162, 0x13BCF34, 0x14E2A56, 0x3B202B4])
NO_FRAMES = _HEAD
OTHER_BUG = _dump([0x1111111, 0x2222222], [0x3333333, 0x4444444, 0x5555555])


def _sig(stderr: str, failing_pass: str | None = "hivm-normalize-matmul"):
    run = RunResult(-11, "", stderr, 0.1)
    return compute(BISHENGIR, Outcome.SIGNAL, run, failing_pass)


def test_a_bare_crash_is_its_signal_and_failing_pass_whatever_frames_it_printed() -> None:
    sigs = [_sig(VARIANT_A), _sig(VARIANT_B), _sig(NO_FRAMES)]
    assert all(s is not None and s.bare for s in sigs)
    assert len({s.id for s in sigs}) == 1
    assert sigs[0].rests_on == ["stage", "outcome", "signal", "failing pass"]
    # Another pass is another bug; with no pass found, frames are all there is (and check says so).
    assert _sig(VARIANT_A, "hivm-other").id != sigs[0].id
    assert _sig(VARIANT_A, None).id != _sig(VARIANT_B, None).id
    assert _sig(VARIANT_A, None).rests_on[-1] == "frames"


def test_the_evidence_is_the_frames_every_printing_run_shared() -> None:
    stacks = [_sig(s).stack for s in (VARIANT_A, VARIANT_B, NO_FRAMES, VARIANT_A)]
    common = common_frames(stacks)
    assert common[0] == "bishengir-compile+0x4860b91" and len(common) == 5
    assert common_frames([(), ()]) == []
    # A run with no frames, or frames of another binary only (a pass-level replay), is no evidence against.
    assert frames_agree(common, ())
    assert frames_agree(common, ("bishengir-opt+0x1f04a61",))
    assert frames_agree(common, _sig(VARIANT_B).stack)
    assert not frames_agree(common, _sig(OTHER_BUG).stack)
    assert not frames_agree(common, _sig(VARIANT_A).stack[:1], strict=True)


def test_varying_and_vanishing_frames_meet_the_expectation_and_another_crash_in_the_pass_slips() -> None:
    counts = collections.Counter({_sig(VARIANT_A).id: 4})
    stacks = {_sig(VARIANT_A).id: [_sig(s).stack for s in (VARIANT_A, VARIANT_B, NO_FRAMES, VARIANT_A)]}
    tally = Tally(4, counts, {_sig(VARIANT_A).id: _sig(VARIANT_A)}, collections.Counter(signal=4), stacks)
    dominant = tally.dominant
    assert dominant is not None and dominant.frames[0] == "bishengir-compile+0x4860b91"
    evidence = tally.evidence(dominant)
    assert evidence is not None and (evidence.printed, evidence.runs, evidence.stable) == (3, 4, False)
    for strict in (False, True):
        expect = Expectation.of(dominant, strict)
        assert expect.met_by(_sig(VARIANT_A)) and expect.met_by(_sig(VARIANT_B)) and expect.met_by(_sig(NO_FRAMES))
        assert not expect.met_by(_sig(OTHER_BUG))  # same pass, same signal, none of its frames: slipped
        assert not expect.met_by(_sig(VARIANT_A, "hivm-other"))
        assert not expect.met_by(_sig(VARIANT_A, None))  # its pass unknown: not shown to be this bug
    # An id alone (--expect ID, a sweep group) still matches by id.
    assert Expectation(dominant.id).met_by(_sig(OTHER_BUG))


def test_a_pinned_single_pass_names_the_failing_pass_only_where_the_reproducer_spells_it() -> None:
    assert pipeline_passes("builtin.module(func.func(a{x={1,2}}),b)") == ["a", "b"]
    one = ("--pass-pipeline=builtin.module(hivm-normalize-matmul)",)
    assert Replay(BISHENGIR, pipeline=one).pinned_pass() == "hivm-normalize-matmul"
    assert Replay(BISHENGIR, pipeline=("--pass-pipeline=builtin.module(a,b)",)).pinned_pass() is None
    # triton-adapter-opt names the pass in a note (`TritonToUnstructure`), not in the pipeline's spelling.
    assert Replay(ADAPTER, pipeline=("--pass-pipeline=builtin.module(triton-to-unstructure)",)).pinned_pass() is None


def test_the_pinned_pass_line_is_ours_only_in_its_exact_form() -> None:
    base = "// REDUCER-SIGNATURE: {}\n// RUN: not bishengir-compile %s -o %t\n"
    ours = base + "// RUN: FileCheck %s --check-prefix=PINNED --input-file=%t.reproducer\n\nfunc.func @f() {\n}\n"
    assert planted(ours) == []
    hostile = base + "// RUN: FileCheck %s --check-prefix=PINNED --input-file=/etc/passwd\n\nfunc.func @f() {\n}\n"
    assert planted(hostile)


def test_a_sweep_state_of_the_frame_hashing_ids_re_checks_its_crashes(tmp_path: Path) -> None:
    state = tmp_path / "state.jsonl"
    lines = [
        {"kind": "check", "key": "a", "outcome": "signal", "id": "old"},
        {"kind": "check", "key": "b", "outcome": "signal", "id": "new", "id_scheme": 2},
        {"kind": "check", "key": "c", "outcome": "diagnostic-error", "id": "same"},
    ]
    unit = {"kernel": "k", "path": "k.ttir", "stage": "adapter", "bytes": 1, "title": "t"}  # what every entry names
    state.write_text("".join(json.dumps({**unit, **e}) + "\n" for e in lines))
    assert sorted(State(state).checks) == ["b", "c"]


def test_recheck_rewrites_a_header_whose_id_hashed_frames(tmp_path: Path) -> None:
    repros = tmp_path / "repros"
    shutil.copytree(ROOT / "repros" / "adapter", repros / "adapter")
    for extra in repros.glob("adapter/*.mlir"):
        if not extra.name.startswith("0003-"):
            extra.unlink()
    [path] = repros.glob("adapter/*.mlir")
    head, rest = path.read_text().split("\n", 1)
    header = json.loads(head.split(": ", 1)[1])
    header["id"] = "6f38d9e6d0c9"  # what the frame-hashing scheme gave it
    path.write_text("// REDUCER-SIGNATURE: " + json.dumps(header, sort_keys=True) + "\n" + rest)
    dry = run_cli("recheck", "--repros", str(repros), "--dry-run")
    assert "id was 6f38d9e6d0c9" in dry.stdout and "dry run" in dry.stdout
    assert "6f38d9e6d0c9" in path.read_text()
    done = run_cli("recheck", "--repros", str(repros))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "header rewritten" in done.stdout
    text = path.read_text()
    assert "6f38d9e6d0c9" not in text and text.split("\n", 1)[1] == rest


BARE_REPROS = ("0003-sigsegv-in-tritontounstructure.mlir", "0004-sigsegv-in-tritontounstructure.mlir")


@pytest.mark.parametrize("name", BARE_REPROS)
def test_the_shipped_bare_crashes_keep_their_repros_apart(name: str) -> None:
    from reducer.repro.suite import all_repros

    repros = {r.path.name: r for r in all_repros(ROOT / "repros")}
    mine, other = repros[name], repros[next(n for n in BARE_REPROS if n != name)]
    assert mine.signature.id == other.signature.id  # one pass, one signal
    assert not Expectation.of(mine.signature).met_by(other.signature)  # stable frames tell them apart


def test_a_group_whose_reductions_gave_no_repro_tries_its_next_kernel(tmp_path: Path) -> None:
    from reducer.sweep.groups import NEW, NOT_REDUCED, Group, apply_reductions
    from reducer.sweep.run import Sweep

    group = Group("abc", "title", "signal", "bishengir")
    for name, size in (("small", 10), ("middle", 20), ("big", 30)):
        group.by_kernel[name] = {"kernel": name, "path": f"{name}.mlir", "bytes": size, "options": {}}
    group.example = group.by_kernel["small"]
    state = State(tmp_path / "state.jsonl")
    failed = {"kind": "reduce", "id": "abc", "kernel": "small", "status": NOT_REDUCED, "note": "why it failed"}
    state.append(failed)
    [(_, _, again, rep)] = Sweep._retries(None, [group], state)  # type: ignore[arg-type]
    assert again is group and rep["kernel"] == "middle"
    state.append({"kind": "reduce", "id": "abc", "kernel": "middle", "status": NEW, "repro": "r.mlir", "ops": "9 -> 3"})
    assert Sweep._retries(None, [group], state) == []  # type: ignore[arg-type]
    # The group shows what it found; the failed kernel's reason stays with its own cause.
    apply_reductions(group, state.reductions_of("abc"))
    assert group.status == NEW and group.repro == "r.mlir"
    assert [c.note for c in group.causes if c.status == NOT_REDUCED] == ["why it failed"]


# --- end to end, on the real bishengir-compile 1.2.0 (our own kernel: examples/kernels/nested_dot_if_sigsegv.py) ---

STABLE = ROOT / "examples" / "ir" / "nested_dot_if_sigsegv.ttadapter"
VARYING = ROOT / "examples" / "ir" / "nested_dot_if_rowmajor.ttadapter"
LIT = [str(Path(sys.executable).with_name("lit"))]


@pytest.mark.slow
def test_every_single_run_of_a_crash_whose_frames_vary_gets_one_id() -> None:
    from reducer.stage.source import load

    source = load(VARYING)
    replay = Replay(source.stage)
    crashes = [o.signature for o in (replay.observe(source.text, find_pass=True) for _ in range(8))
               if o.outcome is Outcome.SIGNAL]
    assert crashes, "the fixture no longer crashes"
    assert {s.id for s in crashes} == {crashes[0].id}
    assert {s.failing_pass for s in crashes} == {"hivm-normalize-matmul"}
    check = run_cli("check", str(VARYING), "--runs", "6", "--json")
    data = json.loads(check.stdout)
    if data["outcome"] == "signal":
        assert data["identity"]["rests_on"] == ["stage", "outcome", "signal", "failing pass"]
        assert data["id"] == crashes[0].id


@pytest.mark.slow
def test_bisection_finds_the_failing_pass_where_no_local_reproducer_is_asked() -> None:
    from reducer.failure.bisect import bisect
    from reducer.failure.isolate import _from_bisection
    from reducer.stage.source import load

    source = load(STABLE)
    replay = Replay(source.stage)
    found = bisect(replay, source.text, "SIGSEGV")
    assert found is not None and found.pass_name == "hivm-normalize-matmul" and found.runs <= 12
    sig = replay.observe(source.text).signature
    assert sig is not None
    level = _from_bisection(replay, source.text, Expectation.of(sig))
    assert level is not None and level.pipeline == found.pipeline
    assert level.replay.observe(level.text).signature.failing_pass == "hivm-normalize-matmul"  # pinned, no probe
    assert bisect(replay, source.text, "SIGABRT") is None  # it dies of SIGSEGV, never of that


@pytest.mark.slow
def test_a_bare_bishengir_crash_reduces_to_a_repro_that_pins_its_pass(tmp_path: Path) -> None:
    out = tmp_path / "out.mlir"
    done = run_cli("reduce", str(STABLE), "-o", str(out), "--max-time", "240")
    assert done.returncode == 0, done.stdout + done.stderr
    sidecar = json.loads(out.with_name("out.mlir.json").read_text())
    assert sidecar["signature"]["failing_pass"] == "hivm-normalize-matmul"
    assert sidecar["output"]["ops"] <= 20 and sidecar["slipped"] is not None
    repros = tmp_path / "repros"
    saved = run_cli("save", str(out), "--repros", str(repros))
    assert saved.returncode == 0, saved.stdout + saved.stderr
    [repro] = repros.glob("bishengir/*.mlir")
    text = repro.read_text()
    assert "// RUN: FileCheck %s --check-prefix=PINNED --input-file=%t.reproducer" in text
    assert 'PINNED: pipeline: "{{.*}}hivm-normalize-matmul{{[{)]}}' in text
    for _ in range(3):
        lit = subprocess.run([*LIT, "-q", str(repros)], capture_output=True, text=True, timeout=300)
        assert lit.returncode == 0, lit.stdout + lit.stderr
    # The pin can fail: the same crash pinned to another pass does not pass.
    repro.write_text(text.replace("hivm-normalize-matmul{{", "hivm-infer-mem-scope{{"))
    lit = subprocess.run([*LIT, "-q", str(repros)], capture_output=True, text=True, timeout=300)
    assert lit.returncode != 0


def test_a_run_whose_probe_found_no_pass_still_counts_as_the_crash_reproducing() -> None:
    placed, unplaced, other = _sig(VARIANT_A), _sig(VARIANT_B, None), _sig(OTHER_BUG, None)
    counts = collections.Counter({placed.id: 3, unplaced.id: 1})
    tally = Tally(4, counts, {placed.id: placed, unplaced.id: unplaced}, collections.Counter(signal=4))
    assert tally.rate(placed) == 1.0  # 4/4: it crashed every run, whatever the probe said
    assert not Expectation.of(placed).met_by(unplaced)  # but a candidate must show the pass
    counts[other.id] = 1
    tally = Tally(5, counts, {placed.id: placed, unplaced.id: unplaced, other.id: other}, collections.Counter(signal=5))
    assert tally.shown(placed) == 4  # none of its frames: another crash


def _entry(path: str, stderr: str, kernel: str) -> dict:
    sig = _sig(stderr)
    return {"failure": True, "id": sig.id, "title": sig.title, "outcome": sig.outcome, "stage": sig.stage,
            "kernel": kernel, "path": path, "bytes": len(path), "signature": sig.to_dict()}


def test_a_sweep_splits_bare_crashes_of_one_pass_only_where_their_frames_share_nothing() -> None:
    from reducer.sweep.groups import group_checks

    varying = [_entry("a.mlir", VARIANT_A, "k1"), _entry("b.mlir", VARIANT_B, "k2"), _entry("c.mlir", NO_FRAMES, "k3")]
    [one] = group_checks(varying)
    assert one.id == one.sig_id and one.kernels == {"k1", "k2", "k3"}
    assert one.signature is not None and one.signature.frames[0] == "bishengir-compile+0x4860b91"
    other = _entry("d.mlir", OTHER_BUG, "k4")
    groups = group_checks([*varying, other])
    assert [(g.id, sorted(g.kernels)) for g in groups] == [
        (one.id, ["k1", "k2", "k3"]), (f"{one.id}.2", ["k4"])
    ]
    second = groups[1]
    assert second.sig_id == one.id and other["group"] == second.id
    # Each group's expectation is its own bug: the other one's repro is not "known" for it.
    assert second.expectation().met_by(_sig(OTHER_BUG)) and not second.expectation().met_by(_sig(VARIANT_A))
    assert groups[0].expectation().met_by(_sig(VARIANT_B)) and not groups[0].expectation().met_by(_sig(OTHER_BUG))


@pytest.mark.slow
def test_a_sweep_keeps_two_bare_crashes_of_one_pass_as_two_signatures_with_two_repros(tmp_path: Path) -> None:
    from reducer.repro.suite import all_repros, strip_header

    ir = tmp_path / "ir"
    ir.mkdir()
    for name in BARE_REPROS:
        text = strip_header((ROOT / "repros" / "adapter" / name).read_text())
        (ir / name.replace("-sigsegv-in-tritontounstructure.mlir", ".ttir")).write_text(text)
    out, repros = tmp_path / "sweep", tmp_path / "repros"
    done = run_cli("sweep", str(ir), "-o", str(out), "--repros", str(repros), "-j", "2", "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    triage = json.loads((out / "triage.json").read_text())
    ids = sorted(g["id"] for g in triage["signatures"])
    assert len(ids) == 2 and ids[1] == ids[0] + ".2", ids
    assert all(g["status"] == "new" and g["repro"] for g in triage["signatures"]), triage["signatures"]
    assert len(all_repros(repros)) == 2
    # Swept again, each group finds its own repro: known, and not the other one's.
    again = run_cli("sweep", str(ir), "-o", str(tmp_path / "again"), "--repros", str(repros), "-j", "2", "-q")
    assert again.returncode == 0, again.stdout + again.stderr
    second = json.loads((tmp_path / "again" / "triage.json").read_text())["signatures"]
    assert sorted((g["status"], Path(g["repro"]).name) for g in second) == sorted(
        ("known", Path(g["repro"]).name) for g in triage["signatures"]
    )


def test_whichever_crash_site_the_expectation_was_taken_from_the_other_still_agrees() -> None:
    deep, shallow = _sig(VARIANT_B), _sig(VARIANT_A)  # one run each: B's top reaches the shared path at its 5th
    assert Expectation.of(deep).met_by(shallow) and Expectation.of(shallow).met_by(deep)
    # Kept through a repro header (the stack travels with a bare crash's signature).
    assert Expectation.of(type(deep).from_dict(deep.to_dict())).met_by(shallow)
    # One shared frame deep in the pattern driver is not the same crash (repros 0003 and 0004 share one).
    driver = [0x4860B91, 0x7000001, 0x7000002, 0x7000003, 0x7000004, 0x7000005]
    other = _sig(_dump([0x6000001, 0x6000002, 0x6000003, 0x6000004], driver))
    assert not Expectation.of(deep).met_by(other) and not Expectation.of(other).met_by(deep)
