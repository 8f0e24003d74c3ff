"""One artifact model: a repro is read once per command, its "found with" block has one shape, and every
command line the tool writes for a shell is quoted by one function."""

from __future__ import annotations

import builtins
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from reducer.cli.main import main
from reducer.report.compiler import write_report
from reducer.repro.artifact import HEADER, Artifact, FoundWith, load, signature_fields
from reducer.repro.suite import record_releases, repro_of
from reducer.safety.shell import shell_line
from reducer.stage.options import Options
from reducer.stage.run_env import RunEnv
from reducer.stage.table import ADAPTER

from conftest import ROOT

REPRO = next((ROOT / "repros" / "adapter").glob("0001-*.mlir"))


@pytest.fixture
def repro(tmp_path: Path) -> Path:
    copy = tmp_path / "in" / REPRO.name
    copy.parent.mkdir()
    shutil.copy(REPRO, copy)
    return copy


@pytest.fixture
def opens(monkeypatch: pytest.MonkeyPatch):
    """Counts every open of a path (by builtins.open, io.open, os.open: Path.read_text goes through them)."""
    counted: list[str] = []

    def counting(real):
        def wrapper(file, *args, **kwargs):
            if isinstance(file, (str, os.PathLike)):
                counted.append(os.path.realpath(os.fspath(file)))
            return real(file, *args, **kwargs)
        return wrapper

    monkeypatch.setattr(builtins, "open", counting(builtins.open))
    monkeypatch.setattr(io, "open", counting(io.open))
    monkeypatch.setattr(os, "open", counting(os.open))
    return counted


def test_write_report_reads_the_repro_once(repro: Path, tmp_path: Path, opens: list[str]):
    write_report(repro, tmp_path / "out", original=None, sidecar=None, options=Options(), attempts=1)
    assert opens.count(os.path.realpath(repro)) == 1


def test_the_export_test_command_reads_the_repro_once(repro: Path, tmp_path: Path, opens: list[str]):
    result = CliRunner().invoke(main, ["export-test", str(repro), "-o", str(tmp_path / "up")])
    assert result.exit_code == 0, result.output
    assert opens.count(os.path.realpath(repro)) == 1
    assert list((tmp_path / "up").rglob("*.mlir"))


def test_the_report_command_reads_the_repro_once(repro: Path, tmp_path: Path, opens: list[str]):
    result = CliRunner().invoke(main, ["report", str(repro), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert opens.count(os.path.realpath(repro)) == 1


def test_an_artifact_is_what_its_header_says():
    given = load(REPRO)
    repro = repro_of(given)
    assert repro is not None and given.stage is ADAPTER and given.expected == repro.signature
    assert given.found.versions and given.found.tool_version
    assert signature_fields(given.text)["id"] == repro.signature.id
    assert signature_fields(json.dumps({"signature": repro.signature.to_dict()}))["id"] == repro.signature.id


def test_found_with_reads_back_what_it_writes():
    env = RunEnv.from_cli(["MALLOC_PERTURB_=204"])
    found = FoundWith(ADAPTER, Options(target="Ascend910B4"), env, {"triton-ascend": "3.2.0"}, "v1")
    data = json.loads(json.dumps(found.fields("stage", "options", "env", "versions", "tool_version")))
    again = FoundWith.from_fields(data, "test")
    assert again == found
    assert found.fields("tool") == {"tool": {"name": ADAPTER.tool, "version": "v1"}}
    # The older form: a header with a target and no options.
    assert FoundWith.from_fields({"stage": "adapter", "target": "Ascend910B4"}, "test").options == found.options


def test_recording_releases_keeps_the_rest_of_the_repro(repro: Path):
    before = repro.read_text()
    record_releases(Artifact(repro, before), {"3.2.0": "same-bug"}, "affects every release tried")
    after = repro.read_text()
    assert after.split("\n", 1)[1] == before.split("\n", 1)[1]
    header = json.loads(after.split("\n", 1)[0][len(HEADER):])
    assert header["releases"] == {"3.2.0": "same-bug"} and header["verdict"] == "affects every release tried"
    assert load(repro).found.releases == {"3.2.0": "same-bug"}


@pytest.mark.parametrize(
    "argv,env,lit,expected",
    [
        (["tool", "%s", "--a=b c", "-o", "%t"], {}, True, 'tool %s "--a=b c" -o %t'),
        (["tool", "--a=b c"], {}, False, "tool '--a=b c'"),
        (["tool", "x"], {"MALLOC_PERTURB_": "204"}, True, "env MALLOC_PERTURB_=204 tool x"),
        (["tool", "x"], {"MALLOC_PERTURB_": "204"}, False, "MALLOC_PERTURB_=204 tool x"),
        # What double quotes would not keep literal is single-quoted, for lit too: never shell syntax.
        (["tool", "$(id) `x` \"q\""], {}, True, "tool '$(id) `x` \"q\"'"),
        (["tool", "a\nb"], {}, True, "tool 'a\nb'"),
    ],
)
def test_one_quoting_policy(argv, env, lit, expected):
    assert shell_line(argv, env, lit=lit) == expected
