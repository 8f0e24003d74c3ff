"""Resource limits (`ub overflow` and its siblings) are a class of their own, apart from compiler bugs: the parser,
the class, the id migration, and check / save / report / export-test / recheck against the real bishengir-compile."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reducer.failure.classify import classify
from reducer.failure.outcome import Outcome
from reducer.failure.resource import ResourceLimit, is_capacity, resource_limit
from reducer.failure.signature import Signature, compute, stale_id
from reducer.report.compiler import write_report
from reducer.repro.artifact import header_of
from reducer.repro.suite import check_lines, dies_of_signal, read_repro, save_repro
from reducer.stage.options import Options
from reducer.stage.runner import RunResult
from reducer.stage.table import BISHENGIR
from reducer.sweep.state import State

from conftest import ROOT, example, run_cli

REASON = ("(possible reason: tiling basic block is too large or block number is more than what user expect due to "
          "multi-buffer feature is enabled and some ops need extra local buffer.)")
A2 = ('loc("/tmp/t/kernel.ttadapter.mlir":2:3): error: ub overflow, requires 10485760 bits while 1572864 bits '
      f"available! {REASON}")
A5_WRAPPER = 'loc("kernel.ttadapter.mlir":1:1): error: Failed to run buildFinalHIVMPipelines pipeline'
SIMT = "LLVM ERROR: UB overflow, requires at least 300000 bytes while only 196608 bytes available!"
ORDINARY = [
    "loc(\"k.mlir\":3:1): error: 'hivm.hir.store' op only support store ub to gm currently!",
    "[NOTE] Ub overflow detected; automatically set enable-code-motion to false and retrying compilation.",
    "error: 'scf.for' op overflows the number of available resources",
    "Counter overflow",
]
STALE = ROOT / "tests" / "data" / "stale_ub_overflow_repro.mlir"  # the shipped repro as reducer wrote it before
ANOMALY = ("smallest-overflows: even the smallest specialisation (BLOCK_SIZE=16) requires 2097152 bits while 1572864 "
           "are available: no config of this kernel fits")


def _run(stderr: str, code: int = 1, signal: int | None = None) -> RunResult:
    return RunResult(code if signal is None else -signal, "", stderr, 0.1, argv=["bishengir-compile"])


def _attempts(*figures: tuple[str, int, int]) -> str:
    """bishengir-compile-a5's stderr: one error set per attempt, the pipeline wrapper first."""
    sets = [f"{A5_WRAPPER}\n\nloc(\"kernel.ttadapter.mlir\":2:3): error: {kind} overflow, requires {need} bits "
            f"while {have} bits available!" for kind, need, have in figures]
    return "\n".join(sets) + "\n[ERROR] Failed to run BiShengIR pipeline\n"


# --- the parser ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "want"), [
    (A2, ResourceLimit("ub", 10485760, 1572864)),  # A2/A3, with the possible reason
    ("error: ub overflow, requires 8388608 bits while 2031616 bits available!", ResourceLimit("ub", 8388608, 2031616)),
    ("error: cc overflow, requires 1310720 bits while 1048576 bits available! (possible", ResourceLimit("cc", 1310720,
                                                                                                        1048576)),
    ("error: cbuf overflow, requires 5000000 bits while 4194304 bits available!", ResourceLimit("cbuf", 5000000,
                                                                                                4194304)),
    ("error: UB overflow, requires 1579008 bits while 1572864 bits available!", ResourceLimit("ub", 1579008, 1572864)),
    (SIMT, ResourceLimit("ub", 2400000, 1572864)),  # bytes, in bits
    ("alloc fail,because exceed bound of memory ub", ResourceLimit("ub", None, None)),  # PlanMemory's debug trace
    ("ub overflow, requires <N> bits while <N> bits available!", ResourceLimit("ub", None, None)),  # a normalized one
    ("error: ub overflow, requires 9 bits", ResourceLimit("ub", 9, None)),  # cut short
], ids=["a2", "a5", "cc", "cbuf", "old-spelling", "simt-bytes", "trace", "normalized", "cut-short"])
def test_every_form_is_read(text: str, want: ResourceLimit) -> None:
    assert resource_limit(text) == want and is_capacity(text)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_errors_are_not_capacity_diagnostics(text: str) -> None:
    assert resource_limit(text) is None and not is_capacity(text)


def test_several_attempts_give_the_last_attempts_figures_of_the_first_kind() -> None:
    stderr = _attempts(("ub", 9000000, 2031616), ("cc", 2000000, 1048576), ("ub", 8388608, 2031616))
    assert resource_limit(stderr) == ResourceLimit("ub", 8388608, 2031616)
    assert resource_limit(stderr, "cc") == ResourceLimit("cc", 2000000, 1048576)
    # A trace line before the error (no numbers) does not win over the error's figures.
    assert resource_limit("alloc fail,because exceed bound of memory ub\n" + A2).requires_bits == 10485760


def test_the_figures_round_trip_with_their_ratio() -> None:
    limit = ResourceLimit("ub", 2097152, 1572864)
    assert limit.ratio == 1.333 and limit.to_dict() == {"kind": "ub", "requires_bits": 2097152,
                                                        "available_bits": 1572864, "ratio": 1.333}
    assert ResourceLimit.from_dict(limit.to_dict()) == limit
    assert ResourceLimit("ub", None, None).ratio is None and "UB needs 2097152 bits" in limit.describe()


# --- the class -------------------------------------------------------------------------------------------------


def test_a_capacity_diagnostic_is_a_resource_limit_and_no_bug() -> None:
    assert classify(_run(A2), BISHENGIR) is Outcome.RESOURCE_LIMIT
    assert classify(_run(SIMT + "\nStack dump:\n"), BISHENGIR) is Outcome.RESOURCE_LIMIT  # a fatal error, aborted
    assert classify(_run(ORDINARY[0] + "\n" + A2), BISHENGIR) is Outcome.DIAGNOSTIC  # the key line is another error
    assert classify(_run("LLVM ERROR: out of range\n" + A2), BISHENGIR) is Outcome.LLVM_ERROR  # the key line decides
    # A crash keeps its class whatever error came before it.
    assert classify(_run(A2 + "\nk.cpp:3: f(): Assertion `x' failed.\n", signal=6), BISHENGIR) is Outcome.ASSERTION
    assert classify(_run(A2 + "\nStack dump:\n", signal=11), BISHENGIR) is Outcome.SIGNAL
    assert Outcome.RESOURCE_LIMIT.is_failure and not Outcome.RESOURCE_LIMIT.is_bug
    assert Outcome.DIAGNOSTIC.is_bug and not Outcome.PASSED.is_bug


def test_the_signature_keeps_the_first_line_and_the_last_attempts_figures() -> None:
    stderr = _attempts(("ub", 9000000, 2031616), ("ub", 8388608, 2031616))
    sig = compute(BISHENGIR, Outcome.RESOURCE_LIMIT, _run(stderr))
    assert sig is not None and sig.message == "ub overflow, requires <N> bits while <N> bits available!"
    assert sig.resource == ResourceLimit("ub", 8388608, 2031616)
    assert sig.to_dict()["resource"]["requires_bits"] == 8388608 and Signature.from_dict(sig.to_dict()) == sig
    fatal = compute(BISHENGIR, Outcome.RESOURCE_LIMIT, _run(SIMT))
    assert fatal is not None and fatal.message.startswith("LLVM ERROR: UB overflow, requires at least <N> bytes")
    assert check_lines(fatal, SIMT, BISHENGIR)[0].startswith("LLVM ERROR: UB overflow")
    assert not dies_of_signal(fatal, SIMT + "Stack dump:\n")  # bishengir catches its child's crash: exit 1


def test_an_old_diagnostic_error_signature_reads_as_a_resource_limit() -> None:
    header = header_of(STALE.read_text())
    assert header is not None and header["outcome"] == "diagnostic-error" and header["id"] == "6e00435dca06"
    sig = Signature.from_dict(header)
    assert sig.outcome == "resource-limit" and sig.id != "6e00435dca06" and sig.resource.kind == "ub"
    assert stale_id("diagnostic-error", header["title"], 2)
    assert not stale_id("diagnostic-error", ORDINARY[0], 2) and not stale_id("resource-limit", header["title"], 2)
    assert stale_id("signal", "", 1) and not stale_id("signal", "", 2)


def test_the_sweep_state_checks_an_old_capacity_entry_again(tmp_path: Path) -> None:
    title = header_of(STALE.read_text())["title"]
    entries = [
        {"kind": "check", "key": "old-ub", "outcome": "diagnostic-error", "id": "6e00435dca06", "id_scheme": 2,
         "title": title},
        {"kind": "check", "key": "store", "outcome": "diagnostic-error", "id": "x", "id_scheme": 2,
         "title": "bishengir-compile: error diagnostic: 'hivm.hir.store' op only support store ub to gm currently!"},
        {"kind": "check", "key": "new-ub", "outcome": "resource-limit", "id": "y", "id_scheme": 3, "title": title},
    ]
    unit = {"kernel": "k", "path": "k.ttadapter", "stage": "bishengir", "bytes": 1}  # what every entry names
    path = tmp_path / "state.jsonl"
    path.write_text("".join(json.dumps({**unit, **e}) + "\n" for e in entries))
    assert sorted(State(path).checks) == ["new-ub", "store"]


# --- against the real bishengir-compile ------------------------------------------------------------------------


def test_check_tells_a_resource_limit_from_a_bug() -> None:
    ub = json.loads(run_cli("check", "--json", str(example("ub_overflow_elementwise.ttadapter.mlir"))).stdout)
    assert ub["outcome"] == "resource-limit" and ub["class"] == "resource-limit"
    assert ub["resource"] == {"kind": "ub", "requires_bits": 10485760, "available_bits": 1572864, "ratio": 6.667}
    assert ub["id"] != "6e00435dca06" and ub["signature"]["resource"] == ub["resource"]
    sort = json.loads(run_cli("check", "--json", str(example("sort_int64.ttadapter.mlir"))).stdout)
    assert sort["outcome"] == "diagnostic-error" and sort["class"] == "compiler-bug" and sort["resource"] is None
    shown = run_cli("check", str(example("ub_overflow_elementwise.ttadapter.mlir"))).stdout
    line = next(ln for ln in shown.splitlines() if ln.startswith("resource"))
    assert "UB needs 10485760 bits, 1572864 available" in line and "not a compiler bug" in line
    assert "reducer fit UNIT_FOLDER" in line


def test_the_a5_tool_prints_every_attempt_and_still_checks_as_a_resource_limit() -> None:
    data = json.loads(run_cli("check", "--json", "--target", "Ascend910_9599",
                              str(example("ub_overflow_elementwise.ttadapter.mlir"))).stdout)
    assert data["outcome"] == "resource-limit", data["outcome"]
    assert data["resource"]["kind"] == "ub" and data["resource"]["available_bits"] == 2031616


def test_save_keeps_a_resource_limit_apart_and_report_and_export_test_refuse_it(tmp_path: Path) -> None:
    suite = tmp_path / "repros"
    saved = save_repro(example("ub_overflow_elementwise.ttadapter.mlir"), suite, Options())
    assert saved.path.parent == suite / "resource" and saved.path.name.startswith("0001-")
    header = header_of(saved.path.read_text())
    assert header["class"] == "resource-limit" and header["outcome"] == "resource-limit"
    assert header["resource"]["requires_bits"] == 10485760 and header["resource"]["available_bits"] == 1572864
    assert "// NOTE: resource limit (UB needs 10485760 bits" in saved.path.read_text()
    bug = save_repro(example("sort_int64.ttadapter.mlir"), suite, Options())
    assert bug.path.parent == suite / "bishengir" and bug.path.name.startswith("0002-")  # numbered with the rest
    for args in (["report", str(saved.path), "-o", str(tmp_path / "r")],
                 ["export-test", str(saved.path), "-o", str(tmp_path / "u")],
                 ["report", str(example("ub_overflow_elementwise.ttadapter.mlir")), "-o", str(tmp_path / "r")]):
        proc = run_cli(*args, cwd=tmp_path)
        assert proc.returncode == 3, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1 and "a resource limit" in proc.stderr
        assert "not a compiler bug" in proc.stderr and "reducer fit" in proc.stderr
    assert not (tmp_path / "r").exists() and not (tmp_path / "u").exists()
    lit = subprocess.run([str(Path(sys.executable).with_name("lit")), "-sv", str(suite)], capture_output=True,
                         text=True, timeout=600)
    assert lit.returncode == 0 and "Passed: 2" in lit.stdout, lit.stdout + lit.stderr


def test_an_anomaly_is_saved_as_a_bug_and_reported_with_what_it_is(tmp_path: Path) -> None:
    suite = tmp_path / "repros"
    plain = save_repro(example("ub_overflow_elementwise.ttadapter.mlir"), suite, Options())
    odd = save_repro(example("ub_overflow_elementwise.ttadapter.mlir"), suite, Options(), anomaly=ANOMALY)
    assert odd.status == "new" and odd.path.parent == suite / "bishengir" and plain.path.parent == suite / "resource"
    repro = read_repro(odd.path)
    assert repro is not None and repro.anomaly == ANOMALY and not repro.resource_only
    assert header_of(odd.path.read_text())["class"] == "compiler-bug"
    result = write_report(odd.path, tmp_path / "r", original=None, sidecar=None, options=Options())
    issue = result.issue.read_text()
    expected = issue.split("### Describe the expected behavior")[1].split("###")[0]
    assert "no config of this kernel compiles" in expected and "BLOCK\\_SIZE=16" in expected
    assert "`bishengir-compile` runs its whole MLIR pipeline" not in expected  # no "should compile" boilerplate
    current = issue.split("### Describe the current behavior")[1].split("###")[0]
    assert "this one is anomalous" in current
    proc = run_cli("export-test", str(odd.path), "-o", str(tmp_path / "u"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    test = (tmp_path / "u" / proc.stdout.strip().splitlines()[-1]).read_text()
    assert "// XFAIL: *" in test and "a bug for this reason: smallest-overflows" in test


def test_recheck_rewrites_an_old_capacity_repro_and_files_it_as_a_resource_limit(tmp_path: Path) -> None:
    suite = tmp_path / "repros"
    (suite / "bishengir").mkdir(parents=True)
    old = suite / "bishengir" / STALE.name
    shutil.copy(STALE, old)
    dry = run_cli("recheck", "--repros", str(suite), "--dry-run")
    assert dry.returncode == 0 and "id was 6e00435dca06" in dry.stdout and old.read_text() == STALE.read_text()
    done = run_cli("recheck", "--repros", str(suite))
    assert done.returncode == 0, done.stdout + done.stderr
    moved = suite / "resource" / STALE.name
    assert not old.exists() and moved.is_file() and "moved to" in done.stdout
    header = header_of(moved.read_text())
    assert header["outcome"] == "resource-limit" and header["id"] == Signature.from_dict(header).id
    assert header["resource"]["requires_bits"] == 2097152 and header["class"] == "resource-limit"
    again = run_cli("recheck", "--repros", str(suite))
    assert "id was" not in again.stdout and "reproduces" in again.stdout


def test_the_shipped_resource_repro_has_todays_id() -> None:
    [shipped] = (ROOT / "repros" / "resource").glob("*.mlir")
    repro = read_repro(shipped)
    header = header_of(shipped.read_text())
    assert repro is not None and repro.resource_only and header["id"] == repro.signature.id
    assert header["id"] == Signature.from_dict(header_of(STALE.read_text())).id  # what recheck makes of the old one
    assert not list((ROOT / "repros" / "bishengir").glob("*ub-overflow*"))
