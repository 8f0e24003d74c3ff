"""Caches are not trusted as found (issue 26, class 1): a release binary replaced after it was unpacked is never
run, a cache others may write is refused in one line, and a result or verdict entry that does not parse or
verify is measured again, so an edited entry changes no verdict. Every attack is made here, against the real
compiler; the release "9.9.9" is a wheel built from the installed binary and served by pip from a local folder
(nothing is downloaded)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from reducer.fit.terms import FITS
from reducer.fit.verdict import VerdictCache
from reducer.release.matrix import HEALTHY, SAME, TOOL_ERROR, run_release
from reducer.release.releases import file_sha256
from reducer.stage.options import Options
from reducer.stage.run_env import DEFAULT_ENV
from reducer.stage.table import ADAPTER, BISHENGIR
from reducer.stage.toolchain import fingerprint, locate, package_version

from conftest import example, run_cli

FAKE = "9.9.9"
BUG = example("sort_int64.ttadapter.mlir")  # a crash in every release of bishengir-compile
HEALTHY_IR = example("vector_add.ttadapter.mlir")
TOOL_IN_WHEEL = f"{BISHENGIR.package}/{BISHENGIR.path_in_package}"


def _wheel(links: Path, version: str = FAKE) -> Path:
    """A wheel of ascendnpu-ir `version` holding the installed bishengir-compile, with a RECORD as pip's."""
    links.mkdir(parents=True, exist_ok=True)
    dist = f"ascendnpu_ir-{version}.dist-info"
    files = {
        TOOL_IN_WHEEL: locate(BISHENGIR).path.read_bytes(),
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: ascendnpu-ir\nVersion: {version}\n".encode(),
        f"{dist}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }

    def record(data: bytes) -> str:
        return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()

    rows = "".join(f"{name},{record(data)},{len(data)}\n" for name, data in files.items()) + f"{dist}/RECORD,,\n"
    path = links / f"ascendnpu_ir-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as whl:
        for name, data in files.items():
            whl.writestr(name, data)
        whl.writestr(f"{dist}/RECORD", rows)
    return path


def _env(tmp_path: Path, links: Path) -> dict[str, str]:
    """pip offline, finding wheels only in `links`; the cache in the test's own folder."""
    return dict(os.environ, REDUCER_CACHE=str(tmp_path / "cache"), PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1",
                PIP_FIND_LINKS=str(links), PIP_INDEX_URL="http://127.0.0.1:9/simple", PIP_EXTRA_INDEX_URL="")


def _matrix(env: dict[str, str], *versions: str) -> list[dict[str, object]]:
    proc = run_cli("matrix", str(BUG), "--versions", ",".join(versions), "--json", env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _impostor(path: Path, marker: Path) -> None:
    """What an attacker puts in place of the binary: it leaves a mark and says all is well (a false "fixed")."""
    path.unlink()
    path.write_text(f"#!/bin/sh\ntouch {marker}\nexit 0\n")
    path.chmod(0o755)


# --- the release cache: what runs is what was unpacked ------------------------------------------------------


@pytest.mark.slow
def test_a_release_binary_replaced_after_it_was_unpacked_is_never_run(tmp_path: Path) -> None:
    links = tmp_path / "links"
    wheel = _wheel(links)
    env = _env(tmp_path, links)
    [first] = _matrix(env, FAKE)
    assert first["outcome"] == SAME and first["id"], first  # the installed binary's own bug
    folder = tmp_path / "cache" / "releases" / f"ascendnpu-ir-{FAKE}"
    tool = folder / TOOL_IN_WHEEL
    manifest = json.loads((folder / ".ready").read_text())
    assert manifest["files"] == {TOOL_IN_WHEEL: file_sha256(locate(BISHENGIR).path)}

    marker = tmp_path / "impostor-ran"
    _impostor(tool, marker)
    [again] = _matrix(env, FAKE)  # does not verify: unpacked again from the wheel, the same verdict
    assert not marker.exists()
    assert (again["outcome"], again["id"]) == (first["outcome"], first["id"])
    assert file_sha256(tool) == manifest["files"][TOOL_IN_WHEEL]

    (folder / "ascendnpuir" / "bin" / "bishengir-compile-a5").write_text(f"#!/bin/sh\ntouch {marker}\n")
    [planted] = _matrix(env, FAKE)  # a planted sibling (found through PATH) is not what was unpacked either
    assert not (folder / "ascendnpuir" / "bin" / "bishengir-compile-a5").exists()
    assert planted["id"] == first["id"]

    _impostor(tool, marker)
    wheel.unlink()  # nothing to unpack again from: the impostor is refused, not run
    [refused] = _matrix(env, FAKE)
    assert not marker.exists()
    assert refused["outcome"] == TOOL_ERROR and "does not verify" in str(refused["detail"]), refused


# --- who may write the cache -------------------------------------------------------------------------------


def test_a_cache_others_may_write_is_refused_in_one_line(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    env = dict(os.environ, REDUCER_CACHE=str(cache))
    version = package_version(BISHENGIR.wheel)
    cache.chmod(0o777)
    proc = run_cli("matrix", str(BUG), "--versions", version, env=env, timeout=120)
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("reducer:")]
    assert proc.returncode == 3 and len(lines) == 1 and "writable by everyone" in lines[0], proc.stderr
    cache.chmod(0o700)
    (cache / "results").mkdir(mode=0o770)
    (cache / "results").chmod(0o770)
    proc = run_cli("matrix", str(BUG), "--versions", version, env=env, timeout=120)
    assert proc.returncode == 3 and "writable by its group" in proc.stderr, proc.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="making a folder another user's needs root")
def test_a_cache_of_another_user_is_refused(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    os.chown(cache, 65534, 65534)
    proc = run_cli("matrix", str(BUG), "--versions", package_version(BISHENGIR.wheel), timeout=120,
                   env=dict(os.environ, REDUCER_CACHE=str(cache)))
    assert proc.returncode == 3 and "owned by uid 65534" in proc.stderr, proc.stderr


def test_the_cache_it_makes_stays_private_whatever_the_umask(tmp_path: Path) -> None:
    env = dict(os.environ, REDUCER_CACHE=str(tmp_path / "cache"))
    script = ("import os, runpy, sys; os.umask(0o002); sys.argv = ['reducer', *sys.argv[1:]]; "
              "runpy.run_module('reducer', run_name='__main__')")
    for _ in range(2):  # the second run reads what the first wrote
        proc = subprocess.run([sys.executable, "-c", script, "matrix", str(BUG), "--versions",
                               package_version(BISHENGIR.wheel), "--json"], env=env, capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]["cached"] is True
    for path in [tmp_path / "cache", *(tmp_path / "cache").rglob("*")]:
        assert not path.stat().st_mode & (stat.S_IWGRP | stat.S_IWOTH), path


# --- the results cache: an entry never decides a verdict on its own word ------------------------------------


@pytest.fixture
def results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REDUCER_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / "results"


def _installed(ir: Path, expected: object = None):  # noqa: ANN202 - a ReleaseResult
    from reducer.stage.reproducer import strip

    return run_release(BISHENGIR, package_version(BISHENGIR.wheel), strip(ir.read_text()), Options(), DEFAULT_ENV,
                       expected, 120.0)  # type: ignore[arg-type]


def _entry(results: Path) -> Path:
    [entry] = list(results.glob("*.json"))
    return entry


def test_an_edited_result_entry_changes_no_verdict(results: Path) -> None:
    from reducer.failure.signature import Expectation

    fresh = _installed(BUG)
    assert fresh.id and not fresh.cached
    expected = Expectation(fresh.id)
    assert _installed(BUG, expected).cached and _installed(BUG, expected).outcome == SAME
    entry = _entry(results)
    data = json.loads(entry.read_text())
    data["result"].update(outcome=HEALTHY, id=None, detail="passed")  # "fixed in this release"
    entry.write_text(json.dumps(data))
    edited = _installed(BUG, expected)
    assert (edited.outcome, edited.id, edited.cached) == (SAME, fresh.id, False)
    assert _installed(BUG, expected).cached  # measured again and stored again


def test_an_entry_moved_from_another_input_does_not_verify(results: Path) -> None:
    healthy = _installed(HEALTHY_IR)
    assert healthy.outcome == HEALTHY
    healthy_entry = _entry(results).read_text()
    shutil.rmtree(results)
    fresh = _installed(BUG)
    _entry(results).write_text(healthy_entry)  # a genuine entry, under the key of another input
    moved = _installed(BUG)
    assert (moved.outcome, moved.id, moved.cached) == (fresh.outcome, fresh.id, False)


@pytest.mark.parametrize("text", ["{", "[]", "null", '{"format": 2}', "[" * 100_000, "x" * 200_000])
def test_a_malformed_result_entry_is_absent(results: Path, text: str) -> None:
    fresh = _installed(BUG)
    _entry(results).write_text(text)
    again = _installed(BUG)
    assert (again.outcome, again.id, again.cached) == (fresh.outcome, fresh.id, False)


def test_an_entry_others_may_write_is_absent(results: Path) -> None:
    fresh = _installed(BUG)
    entry = _entry(results)
    entry.chmod(0o666)
    again = _installed(BUG)
    assert not again.cached and again.id == fresh.id
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600  # rewritten as the tool writes it


# --- the fit verdict cache: same rules ---------------------------------------------------------------------


def _judge(path: Path) -> VerdictCache:
    cache = VerdictCache(path, fingerprint(paths=False))
    verdict = cache.judge(ADAPTER, Options(), example("vector_add.ttir").read_text(), 120.0)
    assert verdict.status == FITS
    return cache


def test_an_edited_fit_verdict_is_measured_again(tmp_path: Path) -> None:
    path = tmp_path / "fit-cache.jsonl"
    assert _judge(path).hits == 0
    assert _judge(path).hits == 1
    entry = json.loads(path.read_text().splitlines()[0])
    entry["verdict"].update(status="overflows", requires_bits=10, available_bits=1)
    path.write_text(json.dumps(entry) + "\n")
    assert _judge(path).hits == 0  # the edited entry did not verify: the real compiler said "fits" again
    other = dict(entry, key="0" * 40)  # an entry moved under another key: its check no longer matches
    path.write_text(json.dumps(other) + "\n" + "{torn")
    assert _judge(path).hits == 0


def test_a_fit_cache_others_may_write_is_neither_read_nor_written(tmp_path: Path) -> None:
    path = tmp_path / "fit-cache.jsonl"
    _judge(path)
    path.chmod(0o666)
    before = path.read_text()
    cache = _judge(path)
    assert cache.hits == 0 and cache.refused and "writable by everyone" in cache.refused
    assert path.read_text() == before
    if os.geteuid() == 0:
        path.chmod(0o600)
        os.chown(path, 65534, 65534)
        cache = _judge(path)
        assert cache.hits == 0 and cache.refused and "uid 65534" in cache.refused
