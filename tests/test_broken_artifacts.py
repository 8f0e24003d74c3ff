"""Broken and hostile artifacts, torn state and planted links (issue 26, classes 3 and 4).

Every artifact kind the tool reads back (record.json, index.json, state.jsonl entries, repro headers, reduce
sidecars, fit.json) is checked against its schema; what fails it is reported as BROKEN with its path and why,
and the run goes on to write its triage. State survives a torn line, a full disk and a kill; a transient failure
is retried, never stored as a verdict; nothing is written through a link planted where the tool writes.

The attacks are generated here: every field of a valid artifact given a value of each other JSON type, one level
down too; non-objects; nesting 100000 levels deep; bytes and file names that are not UTF-8.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reducer.capture.discovery import discover, read_index, read_records
from reducer.capture.frontend import frontend_findings
from reducer.failure.signature import ID_SCHEME, Expectation
from reducer.proc import atomic, locks
from reducer.repro.artifact import Artifact, refresh_ids
from reducer.repro.lit_setup import lit_unsafe
from reducer.repro.suite import scan_repros
from reducer.safety import artifacts
from reducer.safety.artifacts import BrokenArtifact, Unusable
from reducer.stage.options import Options
from reducer.sweep import fits
from reducer.sweep.groups import apply_reductions, group_checks
from reducer.sweep.rows import kernel_rows, unit_rows
from reducer.sweep.state import State
from reducer.sweep.triage import SweepResult, write_triage

from conftest import ROOT, example, run_cli

IR = example("vector_add.ttir").read_text()
REPRO = next((ROOT / "repros" / "adapter").glob("0001-*.mlir"))
LAUNCH_ALL = ROOT / "examples" / "launch_all.py"


def _nested(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


# Values of every JSON type, and the strings a path field should never take.
WRONG: list[Any] = [7, 2.5, True, "text", "", "../../outside", "/etc/passwd", "\udcff", [], ["a", 1], {},
                    {"k": [1]}, {"\udcff": 1}, _nested(80)]
NON_ENTRIES = {"array": b"[]", "text": b'"x"', "number": b"5", "null": b"null", "deep-array": b"[" * 100000,
               "deep-object": b'{"a":' * 100000, "not-utf8": b'{"kernel": "\xff\xfe"}', "empty-object": b"{}",
               "not-json": b"{kernel:", "empty": b""}


def variants(valid: dict[str, Any]) -> Iterator[tuple[str, bytes]]:
    """`valid` attacked: not an object at all, then each field (and each field of a field) of another type."""
    yield from NON_ENTRIES.items()
    yield "torn", json.dumps(valid).encode()[: len(json.dumps(valid)) // 2]
    for key, value in valid.items():
        for n, wrong in enumerate(WRONG):
            if type(wrong) is not type(value):
                yield f"{key}={n}", json.dumps(dict(valid, **{key: wrong})).encode()
        inner = dict(enumerate(value)) if isinstance(value, list) else value if isinstance(value, dict) else {}
        for sub, sub_value in inner.items():
            for n, wrong in enumerate(WRONG):
                if type(wrong) is not type(sub_value):
                    changed = list(value) if isinstance(value, list) else dict(value)
                    changed[sub] = wrong
                    yield f"{key}.{sub}={n}", json.dumps(dict(valid, **{key: changed})).encode()


RECORD: dict[str, Any] = {
    "kernel": "vector_add", "qualname": "example_kernels.vector_add.vector_add", "module": "example_kernels",
    "fn_qualname": "vector_add", "source": "def vector_add(): pass", "target": "Ascend910B3",
    "outcome": "frontend-error", "failed_stage": "frontend", "error": "TypeError: oops", "detail": "ok",
    "files": {"ttir": "vector_add.ttir"}, "file_sha1": {"ttir": "0" * 40},
    "npu_options": {"target": "Ascend910B3", "multibuffer": True}, "launch_options": {"BLOCK": 256},
    "constants": {"BLOCK": 256}, "signature": {"x_ptr": "*fp32"}, "grid": [4],
    "shims": [{"name": "drop-maxnreg", "summary": "s"}],
    "incompatibility": {"name": "alias", "kind": "version", "summary": "written for 3.1", "aliases": ["tl.x"]},
    "execution": {"status": "executed", "seconds": 0.1, "counts": {"executed": 1}},
    "autotune_configs": 2, "autotune_index": 1, "toolchain": {"adapter": "x"}, "seconds": 0.2, "returncode": 1,
}
CHECK: dict[str, Any] = {
    "kind": "check", "key": "k-valid", "kernel": "vector_add", "path": "/x/vector_add.ttir", "stage": "adapter",
    "options": {"target": "Ascend910B3"}, "bytes": 100, "outcome": "signal", "failure": True, "bug": True,
    "id": "abcdef123456", "id_scheme": ID_SCHEME, "title": "a crash", "seconds": 0.5,
    "signature": {"stage": "adapter", "outcome": "signal", "frames": ["f1"], "stack": ["f1", "f2"]},
}
REDUCE: dict[str, Any] = {
    "kind": "reduce", "id": "abcdef123456", "kernel": "vector_add", "example": "/x/vector_add.ttir",
    "status": "not reduced", "note": "n", "ops": "40 -> 3", "tests": 12, "seconds": 1.5, "skeleton": ["tt.load"],
}


def _render(tmp: Path, rows: list[dict[str, Any]], records: list[dict[str, Any]], groups: list[Any]) -> None:
    """Every triage format, from what the reads gave: a field of the wrong type must not stop it."""
    result = SweepResult(tmp, len(rows), 0, len(rows), kernel_rows(rows), groups, frontend_findings(records), 0.0,
                         rows)
    write_triage(result, str(tmp), Options(), out=tmp)


# --- every artifact kind, every generated attack: BROKEN or read, never an exception ---------------------


def test_an_attacked_capture_record_is_broken_or_read_and_never_stops_the_reads(tmp_path: Path) -> None:
    broken = 0
    for n, (name, data) in enumerate(variants(RECORD)):
        root = tmp_path / f"v{n}"
        unit = root / "vector_add-1"
        unit.mkdir(parents=True)
        (unit / "vector_add.ttir").write_text(IR)
        (unit / "record.json").write_bytes(data)
        unusable = Unusable()
        found = discover(root, unusable)
        records = read_records(root, unusable)
        assert len(found) == 1, name  # the IR is checked whatever its record holds
        assert not (records and unusable.broken), name  # `{}` is a record that says nothing
        if unusable.broken:
            broken += 1
            assert unusable.broken[0].path.endswith("record.json") and unusable.broken[0].why, name
        entry = {**CHECK, "path": str(found[0].path), "kernel": found[0].kernel}
        _render(root, unit_rows({str(found[0].path): entry}, records), records, group_checks([entry]))
    assert broken > 100  # the generator reaches the schema


def test_an_attacked_state_line_is_skipped_and_the_finished_work_around_it_kept(tmp_path: Path) -> None:
    for kind, valid in (("check", CHECK), ("reduce", REDUCE)):
        for n, (name, data) in enumerate(variants(valid)):
            path = tmp_path / f"{kind}{n}" / "state.jsonl"
            path.parent.mkdir()
            finished = [{**CHECK, "key": "k-first"}, {**REDUCE, "kernel": "other"}]
            path.write_bytes(b"\n".join([*(json.dumps(e).encode() for e in finished), data.replace(b"\n", b" "),
                                         json.dumps({**CHECK, "key": "k-last"}).encode()]))  # no newline at the end
            unusable = Unusable()
            state = State(path, unusable)
            assert {"k-first", "k-last"} <= set(state.checks), (kind, name)
            assert "other" in {e["kernel"] for e in state.reductions_of(REDUCE["id"])}, (kind, name)
            assert all(b.path.endswith("state.jsonl:3") for b in unusable.broken), (kind, name)
            groups = group_checks(list(state.checks.values()))
            for g in groups:
                apply_reductions(g, state.reductions_of(g.id))
            by_path = {e["path"]: e for e in state.checks.values()}
            _render(path.parent, unit_rows(by_path, []), [], groups)
            state.append({**CHECK, "key": "k-new"})
            assert json.loads(path.read_bytes().splitlines()[-1])["key"] == "k-new", (kind, name)


def test_an_attacked_repro_header_is_broken_or_read_and_the_scan_goes_on(tmp_path: Path) -> None:
    head, _, rest = REPRO.read_text().partition("\n")
    header = json.loads(head.removeprefix("// REDUCER-SIGNATURE: "))
    header.update(stack=["f1", "f2"], resource={"kind": "ub", "requires_bits": 10, "available_bits": 5},
                  env={"ASLR": "off"}, anomaly="why", releases={"3.1": "passed"})  # every field a header can hold
    suite = tmp_path / "suite" / "adapter"
    suite.mkdir(parents=True)
    shutil.copy(REPRO, suite / REPRO.name)
    names = {}
    for n, (name, data) in enumerate(variants(header)):
        path = suite / f"{9000 + n}-attack.mlir"
        path.write_bytes(b"// REDUCER-SIGNATURE: " + data.replace(b"\n", b" ") + b"\n" + rest.encode())
        names[path] = name
    found, broken = scan_repros(suite.parent)
    assert REPRO.name in {r.path.name for r in found}
    assert {p for p, _ in broken} | {r.path for r in found} == set(names) | {suite / REPRO.name}
    assert len(broken) > 100 and all(why and str(p) not in why for p, why in broken)
    for r in found:  # what a save, a sweep and a recheck do with each repro of the suite
        assert Expectation.of(r.signature).met_by(r.signature), names.get(r.path)
        _ = (r.resource_only, r.stage, refresh_ids(r.path, r.signature, write=False))


def test_an_attacked_sidecar_is_broken_or_read(tmp_path: Path) -> None:
    valid = {"stage": "adapter", "options": {"target": "Ascend910B3"}, "env": {"ASLR": "off"},
             "signature": CHECK["signature"], "input": {"ops": 40, "bytes": 900, "lines": 30},
             "output": {"path": "/x/out.mlir", "ops": 3, "bytes": 90, "lines": 5}, "tests": 5, "final_check": "3/3"}
    ir = tmp_path / "k.mlir"
    ir.write_text(IR)
    broken = 0
    for name, data in variants(valid):
        (tmp_path / "k.mlir.json").write_bytes(data)
        try:
            given = Artifact(ir, IR)
            _ = (given.stage, given.options, given.env, given.sidecar)
        except BrokenArtifact as err:
            broken += 1
            assert err.broken.path.endswith("k.mlir.json") and "\n" not in err.one_line(), name
    assert broken > 50


def test_an_attacked_fit_result_is_searched_again_or_read(tmp_path: Path) -> None:
    source = tmp_path / "k.ttir"
    source.write_text(IR)
    valid = {"kind": "ub", "requires_bits": 2048, "available_bits": 1024, "ratio": 2.0, "tried": 3, "implied": 1,
             "seconds": 1.0, "summary": "BLOCK=64 fits", "fit": {"config": {"BLOCK": 64}, "ir": "fit.ttir"},
             "anomaly": {"rule": "r", "detail": "d"}, "input_sha1": hashlib.sha1(source.read_bytes()).hexdigest()}
    dest = tmp_path / "fit" / "unit"
    dest.mkdir(parents=True)
    for name, data in variants(valid):
        (dest / "fit.json").write_bytes(data)
        found = fits._reused(dest, source)
        if found is not None:
            phase = fits.FitPhase(by_path={str(source): fits._relink(found, dest, tmp_path)})
            json.dumps(fits.fit_summary(phase)), name  # noqa: B018


def test_an_attacked_capture_index_is_broken_or_read(tmp_path: Path) -> None:
    valid = {"format": "reducer-capture/1", "kernels": [RECORD], "command": ["python", "x.py"], "mode": "npu",
             "target": "Ascend910B3", "returncode": 0, "seconds": 1.0}
    for name, data in variants(valid):
        (tmp_path / "index.json").write_bytes(data)
        unusable = Unusable()
        assert isinstance(read_index(tmp_path, unusable), dict), name


def test_a_name_that_is_not_utf8_is_broken_and_left_out(tmp_path: Path) -> None:
    root = tmp_path / "dump"
    (root / "ok").mkdir(parents=True)
    (root / "ok" / "vector_add.ttir").write_text(IR)
    bad = os.fsencode(root) + b"/k\xff\x1b]0;title\x07"
    os.makedirs(bad)
    for i, name in enumerate((b"/a\xfe.ttir", b"/record.json")):
        with open(bad + name, "w") as fh:
            fh.write(IR + f"// copy {i}\n" if name.endswith(b".ttir") else json.dumps(RECORD))
    unusable = Unusable()
    found = discover(root, unusable)
    read_records(root, unusable)
    assert [c.path.name for c in found] == ["vector_add.ttir"]
    assert {b.kind for b in unusable.broken} == {"IR file", artifacts.RECORD_KIND}
    assert all("\\xff" in b.path and b.path.encode("utf-8") for b in unusable.broken)
    # JSON can spell a lone surrogate too: a name that no file the tool writes could hold.
    (root / "ok" / "record.json").write_text(json.dumps(dict(RECORD, kernel="\udcff", files={"ttir": "k.ttir"})))
    unusable = Unusable()
    assert not read_records(root, unusable) and "not UTF-8" in unusable.broken[0].why


def test_files_too_large_or_not_regular_are_skipped_with_a_word(tmp_path: Path) -> None:
    from reducer.stage.source import MAX_BYTES

    (tmp_path / "small.ttir").write_text(IR)
    with open(tmp_path / "huge.ttir", "wb") as fh:
        fh.truncate(MAX_BYTES + 1)  # sparse: never read
    os.mkfifo(tmp_path / "pipe.ttir")
    unusable = Unusable()
    found = discover(tmp_path, unusable)
    assert [c.path.name for c in found] == ["small.ttir"]
    skipped = {Path(s.path).name: s for s in unusable.skipped}
    assert set(skipped) == {"huge.ttir", "pipe.ttir"}
    assert skipped["huge.ttir"].bytes == MAX_BYTES + 1 and "MiB" in skipped["huge.ttir"].why
    assert "regular" in skipped["pipe.ttir"].why


def test_an_artifact_that_is_a_fifo_a_folder_or_too_long_is_broken_without_blocking(tmp_path: Path) -> None:
    from reducer.sweep.state import MAX_LINE

    os.mkfifo(tmp_path / "record.json")
    (tmp_path / "index.json").mkdir()
    for name, kind, schema in (("record.json", "r", artifacts.RECORD), ("index.json", "i", artifacts.INDEX)):
        with pytest.raises(BrokenArtifact, match="not a regular file"):
            artifacts.read(tmp_path / name, kind, schema)
    suite = tmp_path / "suite" / "adapter"
    suite.mkdir(parents=True)
    os.mkfifo(suite / "0001-pipe.mlir")
    assert [why for _, why in scan_repros(suite.parent)[1]] == ["not a regular file (a pipe, socket or device)"]
    for make in (os.mkfifo, os.mkdir):
        state = tmp_path / f"{make.__name__}" / "state.jsonl"
        state.parent.mkdir()
        make(state)
        with pytest.raises(OSError) as err:
            State(state)
        assert err.value.filename == str(state)
    state = tmp_path / "long" / "state.jsonl"
    state.parent.mkdir()
    state.write_bytes(b"x" * (3 * MAX_LINE) + b"\n" + json.dumps(CHECK).encode() + b"\n")
    unusable = Unusable()
    assert list(State(state, unusable).checks) == ["k-valid"] and "longer than" in unusable.broken[0].why


# --- state: torn lines, a full disk, links ---------------------------------------------------------------


def test_an_append_after_a_torn_line_starts_on_a_fresh_line(tmp_path: Path) -> None:
    path = tmp_path / "state.jsonl"
    path.write_text(json.dumps(CHECK) + "\n" + json.dumps({**CHECK, "key": "k2"})[:30])
    unusable = Unusable()
    state = State(path, unusable)
    assert list(state.checks) == ["k-valid"] and "cut short" in unusable.broken[0].why
    state.append({**CHECK, "key": "k3"})
    state.append({**CHECK, "key": "k4"})
    again = State(path, Unusable())
    assert sorted(again.checks) == ["k-valid", "k3", "k4"]


def test_a_full_disk_mid_append_names_the_file_and_loses_no_finished_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.jsonl"
    state = State(path)
    state.append(CHECK)
    real = atomic._write_all

    def half_then_full(fd: int, data: bytes) -> None:
        real(fd, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic, "_write_all", half_then_full)
    with pytest.raises(OSError) as err:
        state.append({**CHECK, "key": "k-torn"})
    assert err.value.errno == errno.ENOSPC and err.value.filename == str(path)
    monkeypatch.setattr(atomic, "_write_all", real)
    unusable = Unusable()
    resumed = State(path, unusable)
    assert list(resumed.checks) == ["k-valid"] and len(unusable.broken) == 1
    resumed.append({**CHECK, "key": "k-after"})
    assert sorted(State(path).checks) == ["k-after", "k-valid"]


@pytest.mark.parametrize("name", ["state.jsonl", ".reducer.lock"])
def test_a_linked_state_file_or_lock_is_refused_and_its_target_untouched(tmp_path: Path, name: str) -> None:
    target = tmp_path / "target"
    target.write_text("precious\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / name).symlink_to(target)
    (out / "dangling.lock").symlink_to(tmp_path / "created-through-the-link")
    with pytest.raises(OSError) as err:
        if name == "state.jsonl":
            State(out / name).append(CHECK)
        else:
            with locks.exclusive(out, wait=False, what="sweep"):
                pass
    assert err.value.errno == errno.ELOOP and err.value.filename == str(out / name)
    with pytest.raises(OSError):
        atomic.append_line(out / "dangling.lock", "x")
    assert target.read_text() == "precious\n" and not (tmp_path / "created-through-the-link").exists()


def test_no_write_goes_through_a_link_inside_an_owned_folder(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    owned = tmp_path / "repros"
    owned.mkdir()
    (owned / "adapter").symlink_to(elsewhere, target_is_directory=True)
    (owned / "lit.cfg.py").symlink_to(elsewhere / "cfg")
    with atomic.owned(owned):
        for path in (owned / "adapter" / "0001-x.mlir", owned / "adapter" / "deeper" / "x", owned / "lit.cfg.py"):
            with pytest.raises(OSError) as err:
                atomic.write_text(path, "x")
            assert err.value.errno == errno.ELOOP and Path(err.value.filename).is_symlink()
        atomic.write_text(owned / "fresh" / "0002-y.mlir", "y")  # what the tool makes itself is fine
    assert not list(elsewhere.iterdir()) and (owned / "fresh" / "0002-y.mlir").read_text() == "y"
    # A folder the command fills is checked, through and through, before anything starts.
    (tmp_path / "out" / "reduced").mkdir(parents=True)
    (tmp_path / "out" / "reduced" / "a.mlir").symlink_to(elsewhere / "a")
    with pytest.raises(OSError) as err, atomic.owned(tmp_path / "out", ("reduced",)):
        pass
    assert err.value.filename == str(tmp_path / "out" / "reduced" / "a.mlir")
    # Outside an owned folder a whole-file write replaces a link, never writes through it.
    link = tmp_path / "link.md"
    link.symlink_to(elsewhere / "target.md")
    atomic.write_text(link, "new")
    assert not link.is_symlink() and link.read_text() == "new" and not (elsewhere / "target.md").exists()


@pytest.mark.parametrize("char", [" ", "\t", '"', "'", "\\", "|", "&", ";", "<", ">", "*", "?", "%"])
def test_a_repros_path_lit_cannot_run_is_named(tmp_path: Path, char: str) -> None:
    why = lit_unsafe(tmp_path / f"my{char}repros")
    assert why is not None and repr(char) in why
    assert lit_unsafe(tmp_path / "my-repros_1.0+x=y,z(a)[b]~$") is None


# --- end to end: the commands on a capture planted with broken artifacts ----------------------------------


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A real capture (examples/launch_all.py) with broken artifacts planted in it and in a repros suite."""
    pytest.importorskip("torch")
    base = tmp_path_factory.mktemp("planted")
    cap = base / "cap"
    proc = run_cli("capture", "-o", str(cap), "--no-npu", "--", sys.executable, str(LAUNCH_ALL), cwd=base)
    assert proc.returncode == 0, proc.stderr
    units = sorted(p for p in cap.iterdir() if (p / "record.json").is_file())
    attacks = [b"[" * 100000, b"[]", json.dumps(dict(RECORD, files=["x"])).encode(),
               json.dumps(dict(RECORD, kernel=5)).encode(), json.dumps(dict(RECORD, shims={"a": 1})).encode()]
    planted = []
    for unit, data in zip(units, attacks, strict=False):
        (unit / "record.json").write_bytes(data)
        planted.append(str(unit / "record.json"))
    (cap / "index.json").write_bytes(b'{"a":' * 100000)
    planted.append(str(cap / "index.json"))
    odd = os.fsencode(cap) + b"/unit\xff"
    os.makedirs(odd)
    with open(odd + b"/k.ttir", "w") as fh:
        fh.write(IR + "// another copy\n")
    planted.append(os.fsencode(cap).decode() + "/unit\\xff/k.ttir")
    with open(cap / "huge.ttir", "wb") as fh:
        fh.truncate(65 * 1024 * 1024)
    suite = base / "repros" / "adapter"
    suite.mkdir(parents=True)
    shutil.copy(REPRO, suite / REPRO.name)
    _, _, rest = REPRO.read_text().partition("\n")
    for name, head in {"0101-deep.mlir": "[" * 100000, "0102-list.mlir": "[1]",
                       "0103-stack.mlir": json.dumps({"stage": "adapter", "outcome": "signal", "stack": 5})}.items():
        (suite / name).write_text(f"// REDUCER-SIGNATURE: {head}\n{rest}")
        planted.append(str(suite / name))
    return {"base": base, "cap": cap, "repros": base / "repros", "planted": planted}


def _broken_lines(stream: str) -> list[str]:
    return [line for line in stream.splitlines() if "BROKEN" in line]


@pytest.mark.slow
def test_sweep_reports_every_broken_artifact_and_writes_its_triage(planted: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "sw"
    state = out / "state.jsonl"
    out.mkdir()
    state.write_text("[1, 2]\n" + json.dumps({"kind": "check"}) + "\n" + "[" * 100000 + "\n")
    proc = run_cli("sweep", str(planted["cap"]), "-o", str(out), "--repros", str(planted["repros"]), "--no-fit",
                   "--no-reduce", "-q", "-j", "2", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    triage = json.loads((out / "triage.json").read_text())
    assert all((out / f"triage.{ext}").is_file() for ext in ("md", "html"))
    reported = {b["path"] for b in triage["broken"]}
    expected = set(planted["planted"]) | {f"{state}:{n}" for n in (1, 2, 3)}
    assert reported == expected, reported ^ expected
    assert len(_broken_lines(proc.stderr)) == len(expected)
    assert triage["summary"]["units"] > 5  # the other units were checked
    assert [Path(s["path"]).name for s in triage["skipped"]] == ["huge.ttir"]
    assert "huge.ttir" in proc.stdout and "broken artifacts" in proc.stdout


@pytest.mark.slow
def test_capture_recheck_save_and_report_go_on_past_broken_artifacts(planted: dict[str, Any], tmp_path: Path) -> None:
    listed = run_cli("capture", str(planted["cap"]), cwd=tmp_path)
    assert listed.returncode == 0 and len(_broken_lines(listed.stderr)) >= 6, listed.stderr
    suite = tmp_path / "repros"
    shutil.copytree(planted["repros"], suite)
    rechecked = run_cli("recheck", "--repros", str(suite), "--dry-run", cwd=tmp_path)
    assert rechecked.returncode == 1, rechecked.stderr
    assert len(_broken_lines(rechecked.stdout)) == 3 and f"{REPRO.name}  " in rechecked.stdout
    assert "reproduces" in next(ln for ln in rechecked.stdout.splitlines() if REPRO.name in ln)
    saved = run_cli("save", str(example("pointer_tensor_where.ttir")), "--repros", str(suite), cwd=tmp_path)
    assert saved.returncode == 0 and len(_broken_lines(saved.stderr)) == 3, saved.stderr
    for name in ("0101-deep.mlir", "0103-stack.mlir"):
        report = run_cli("report", str(suite / "adapter" / name), "-o", str(tmp_path / "r"), cwd=tmp_path)
        assert report.returncode == 3 and len(report.stderr.strip().splitlines()) == 1, report.stderr
        assert name in report.stderr and "broken repro header" in report.stderr


@pytest.mark.slow
def test_a_sweep_killed_mid_line_resumes_with_every_finished_entry(planted: dict[str, Any], tmp_path: Path) -> None:
    cap = tmp_path / "cap"
    shutil.copytree(planted["cap"], cap, symlinks=True)
    args = [sys.executable, "-m", "reducer", "sweep", str(cap), "-o", str(tmp_path / "sw"), "--repros",
            str(tmp_path / "rp"), "--no-fit", "-q", "-j", "2", "--max-time-per-bug", "60"]
    state = tmp_path / "sw" / "state.jsonl"
    first = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and b'"kind": "reduce"' not in (state.read_bytes() if state.exists() else b""):
        time.sleep(0.1)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    finished = [json.loads(line) for line in state.read_text().splitlines()]
    assert any(e["kind"] == "reduce" for e in finished)
    torn = json.dumps({**finished[-1], "kernel": "cut"})[:25]
    with state.open("a") as fh:  # the kill came in the middle of the next entry
        fh.write(torn)
    second = run_cli(*args[3:], cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    triage = json.loads((tmp_path / "sw" / "triage.json").read_text())
    checks = sum(1 for e in finished if e["kind"] == "check")
    assert triage["summary"]["resumed"] == checks  # no finished check is done again
    assert [b["path"] for b in triage["broken"] if b["kind"] == "state entry"] == [f"{state}:{len(finished) + 1}"]
    lines = state.read_text().splitlines()
    assert [json.loads(line) for line in lines[: len(finished)]] == finished
    assert lines[len(finished)] == torn  # alone on its line: the next entry did not glue onto it
    assert all(json.loads(line) for line in lines[len(finished) + 1 :])  # every later entry on a line of its own
    kept = {(e["id"], e["kernel"]) for e in finished if e["kind"] == "reduce"}
    redone = [json.loads(line) for line in lines[len(finished) + 1 :] if '"reduce"' in line]
    assert not kept & {(e["id"], e["kernel"]) for e in redone}  # no finished reduction is redone


@pytest.mark.slow
def test_a_full_disk_during_reductions_is_retried_never_stored(
    planted: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from reducer.cli.sweep import sweep

    repros = tmp_path / "rp"
    real = atomic._stage

    def full_under_repros(path: Path, data: bytes) -> str:
        if repros in path.parents:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, data)

    args = [str(planted["cap"]), "-o", str(tmp_path / "sw"), "--repros", str(repros), "--no-fit", "-q", "-j", "2",
            "--max-time-per-bug", "60"]
    monkeypatch.setattr(atomic, "_stage", full_under_repros)
    full = CliRunner().invoke(sweep, args)
    assert full.exit_code == 0, full.output
    state = [json.loads(line) for line in (tmp_path / "sw" / "state.jsonl").read_text().splitlines()]
    assert not [e for e in state if e["kind"] == "reduce"]  # nothing stored as "not reduced"
    triage = json.loads((tmp_path / "sw" / "triage.json").read_text())
    assert triage["summary"]["transient"] >= 1
    assert all("No space left on device" in g["note"] and "retries" in g["note"] for g in triage["signatures"])
    monkeypatch.setattr(atomic, "_stage", real)
    again = CliRunner().invoke(sweep, args)
    assert again.exit_code == 0, again.output
    triage = json.loads((tmp_path / "sw" / "triage.json").read_text())
    assert triage["signatures"] and all(g["status"] == "new" for g in triage["signatures"])


@pytest.mark.slow
def test_a_sweep_writes_nothing_through_links_planted_in_its_folders(planted: dict[str, Any], tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    repros = tmp_path / "rp"
    repros.mkdir()
    (repros / "adapter").symlink_to(elsewhere, target_is_directory=True)
    args = ["sweep", str(planted["cap"]), "--repros", str(repros), "--no-fit", "-q", "-j", "2",
            "--max-time-per-bug", "30"]
    linked_suite = run_cli(*args, "-o", str(tmp_path / "sw"), cwd=tmp_path)
    assert linked_suite.returncode == 0, linked_suite.stderr
    triage = json.loads((tmp_path / "sw" / "triage.json").read_text())
    assert all(str(repros / "adapter") in g["note"] for g in triage["signatures"])
    out = tmp_path / "sw2"
    (out / "reduced").parent.mkdir()
    (out / "reduced").symlink_to(elsewhere, target_is_directory=True)
    linked_out = run_cli(*args, "-o", str(out), cwd=tmp_path)
    assert linked_out.returncode == 3 and str(out / "reduced") in linked_out.stderr
    assert len(linked_out.stderr.strip().splitlines()) == 1
    assert not list(elsewhere.iterdir())


@pytest.mark.slow
def test_save_warns_when_lit_cannot_run_the_suite_and_lit_agrees(tmp_path: Path) -> None:
    lit = str(Path(sys.executable).with_name("lit"))
    for folder, warned in (("with space", True), ("plain", False)):
        suite = tmp_path / folder / "repros"
        saved = run_cli("save", str(example("block_ptr_zero_stride.ttir")), "--repros", str(suite), cwd=tmp_path)
        assert saved.returncode == 0, saved.stderr
        assert ("warning" in saved.stderr and "lit" in saved.stderr) == warned, saved.stderr
        ran = subprocess.run([lit, str(suite)], capture_output=True, text=True, timeout=300)
        assert (ran.returncode != 0) == warned, ran.stdout


_TINY = """
import torch
import triton
import triton.language as tl


@triton.jit
def _copy_kernel(x_ptr, y_ptr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    tl.store(y_ptr + offs, tl.load(x_ptr + offs))


x = torch.randn(64)
_copy_kernel[(1,)](x, torch.empty_like(x), BLOCK=64)
"""


@pytest.mark.slow
def test_capture_never_writes_through_a_link_planted_at_a_unit_folder(tmp_path: Path) -> None:
    from conftest import run_cli

    script = tmp_path / "tiny.py"
    script.write_text(_TINY)
    first = tmp_path / "first"
    done = run_cli("capture", "-q", "-o", str(first), "--", sys.executable, str(script))
    assert done.returncode == 0, done.stderr
    (unit,) = [d.name for d in first.iterdir() if d.is_dir() and not d.name.startswith(".")]
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / unit).symlink_to(elsewhere, target_is_directory=True)  # planted where the unit's folder goes
    done = run_cli("capture", "-q", "-o", str(out), "--", sys.executable, str(script))
    assert done.returncode == 0, done.stderr
    assert not list(elsewhere.iterdir())  # nothing written through the link
    assert (out / f"{unit}-2" / "record.json").is_file()
