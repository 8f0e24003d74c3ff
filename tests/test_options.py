"""Options keep their identity: one parser, and every artifact replays with the options it was found with.

`modulo_wrap_simt.ttir` fails in triton-adapter-opt only with compile_on_910_95=True and
force_simt_template=True; with the defaults it compiles. So any replay that falls back to the CLI's (default)
options reports it as passing or fixed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reducer.errors import UsageError
from reducer.repro.suite import read_repro
from reducer.stage.options import Options

from conftest import example, run_cli

NEEDED = ("--option", "compile_on_910_95=True", "--option", "force_simt_template=True")
SIGNATURE = "820f9dbc6fad"
LIT = str(Path(sys.executable).with_name("lit"))


def test_one_parser_round_trips_every_stored_form() -> None:
    opts = Options.from_cli("Ascend910B1", ["multibuffer=false", "sync_solver=True", "force_simt_template=yes"])
    assert (opts.target, opts.multibuffer, opts.force_simt_template, opts.extra) == (
        "Ascend910B1", False, True, {"sync_solver": "True"})
    assert Options.from_mapping(json.loads(json.dumps(opts.as_dict()))) == opts
    assert Options.from_mapping({"multibuffer": "None"}).multibuffer is None
    assert Options.from_cli(None, ["named_ops=false"], base=opts).target == "Ascend910B1"  # the base travels
    assert opts.describe() == "force_simt_template=True, multibuffer=False, sync_solver=True"


@pytest.mark.parametrize(
    "items",
    [["nmaed_ops=false"], ["multibuffer=maybe"], ["sync_solver=true;touch x"], ["tile_mix_vector_loop=1 2"], ["x"]],
)
def test_bad_options_are_refused(items: list[str]) -> None:
    with pytest.raises(UsageError):
        Options.from_cli(None, items)


def test_the_failure_needs_the_options(tmp_path: Path) -> None:
    src = example("modulo_wrap_simt.ttir")
    plain = run_cli("check", str(src), "--json", cwd=tmp_path)
    assert json.loads(plain.stdout)["outcome"] == "passed"
    needed = run_cli("check", str(src), *NEEDED, "--json", cwd=tmp_path)
    assert json.loads(needed.stdout)["id"] == SIGNATURE


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Reduced with the options, then saved with none given: the sidecar carries them."""
    work = tmp_path_factory.mktemp("opts")
    src = work / "k.ttir"
    shutil.copy(example("modulo_wrap_simt.ttir"), src)
    out = work / "small.mlir"
    red = run_cli("reduce", str(src), *NEEDED, "-o", str(out), "-q", "-j", "2", cwd=work)
    assert red.returncode == 0, red.stderr
    car = json.loads(out.with_name("small.mlir.json").read_text())
    assert car["options"]["force_simt_template"] is True and car["signature"]["id"] == SIGNATURE
    save = run_cli("save", str(out), "--repros", str(work / "suite"), cwd=work)
    assert save.returncode == 0, save.stderr
    [repro] = list((work / "suite" / "adapter").glob("*.mlir"))
    return repro


def test_the_repro_carries_its_options(saved: Path) -> None:
    repro = read_repro(saved)
    assert repro is not None and repro.options.compile_on_910_95 and repro.options.force_simt_template
    run = next(line for line in saved.read_text().splitlines() if line.startswith("// RUN:"))
    assert "compile-on-910-95=True force-simt-template=True" in run


def test_recheck_and_lit_replay_with_the_repros_own_options(saved: Path) -> None:
    suite = saved.parent.parent
    again = run_cli("recheck", "--repros", str(suite), cwd=suite.parent)
    assert again.returncode == 0 and "reproduces" in again.stdout, again.stdout + again.stderr
    assert saved.is_file() and not (suite / "fixed").exists(), "a repro that still fails was moved"
    lit = subprocess.run([LIT, "-v", str(suite)], capture_output=True, text=True, timeout=300)
    assert lit.returncode == 0 and "PASS" in lit.stdout, lit.stdout + lit.stderr


def test_check_and_report_on_a_repro_use_its_options(saved: Path, tmp_path: Path) -> None:
    check = run_cli("check", str(saved), "--json", cwd=tmp_path)
    assert json.loads(check.stdout)["id"] == SIGNATURE
    report = run_cli("report", str(saved), "-o", str(tmp_path / "r"), cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    issue = (tmp_path / "r" / "issue.md").read_text()
    assert "compile\\_on\\_910\\_95=True" in issue and "compile-on-910-95=True" in issue
    bundle_sig = json.loads(subprocess.run(
        ["tar", "-xzOf", str(tmp_path / "r" / "bundle.tar.gz"), f"repro-{SIGNATURE}/signature.json"],
        capture_output=True, text=True, check=True).stdout)
    assert bundle_sig["options"]["force_simt_template"] is True


def test_sweep_replays_each_file_with_its_capture_options(tmp_path: Path) -> None:
    """A capture record's npu_options travel into the sweep's check, triage and reduction."""
    folder = tmp_path / "cap" / "modulo_wrap-0001"
    folder.mkdir(parents=True)
    shutil.copy(example("modulo_wrap_simt.ttir"), folder / "modulo_wrap.ttir")
    opts = Options(compile_on_910_95=True, force_simt_template=True)
    record = {"kernel": "modulo_wrap", "outcome": "failed", "failed_stage": "adapter", "npu_options": opts.as_dict()}
    (folder / "record.json").write_text(json.dumps(record))
    proc = run_cli("sweep", str(tmp_path / "cap"), "-o", str(tmp_path / "sw"), "--no-reduce", "-q", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    triage = json.loads((tmp_path / "sw" / "triage.json").read_text())
    [group] = triage["signatures"]
    assert group["id"] == SIGNATURE and group["options"]["compile_on_910_95"] is True
