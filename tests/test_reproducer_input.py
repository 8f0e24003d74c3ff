"""An MLIR crash-reproducer file is replayed with the pipeline it records, by both real stage tools.

The files are made here the way a user makes them: the stage's own command line with non-default options and
`--mlir-pass-pipeline-crash-reproducer=F`.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from reducer.stage import reproducer
from reducer.stage.options import Options
from reducer.stage.table import ADAPTER, BISHENGIR, StageSpec
from reducer.stage.toolchain import locate

from conftest import example, run_cli

REPROS = Path(__file__).resolve().parent.parent / "repros"
ADAPTER_OPTIONS = Options(named_ops=False, enable_select_analysis=True)


def make_reproducer(spec: StageSpec, ir: Path, options: Options, out: Path, *, local: bool) -> Path:
    """Run the stage as the backend does, with MLIR's crash reproducer on; the file it writes."""
    tool = locate(spec).path
    flags = [f"--mlir-pass-pipeline-crash-reproducer={out}"]
    if local:
        flags += ["--mlir-pass-pipeline-local-reproducer", "--mlir-disable-threading"]
    env = {**os.environ, "PATH": f"{tool.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run([str(tool), str(ir), *spec.flags(options), *flags, "-o", str(out.with_suffix(".out"))],
                   cwd=out.parent, capture_output=True, timeout=300, env=env, check=False)
    assert out.is_file(), f"{spec.tool} wrote no reproducer"
    assert reproducer.of(out.read_text()) is not None
    return out


def check_json(path: Path) -> dict:
    proc = run_cli("check", "--json", str(path))
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def adapter_repro(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("adapter")
    return make_reproducer(ADAPTER, example("nested_if_return.ttir"), ADAPTER_OPTIONS, folder / "r.mlir", local=False)


@pytest.fixture(scope="module")
def bishengir_repro(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bishengir")
    source = REPROS / "resource" / "0014-ub-overflow-requires-bits-while-bits.mlir"
    ir = folder / "in.mlir"
    ir.write_text("".join(ln for ln in source.read_text().splitlines(True) if not ln.startswith("//")))
    return make_reproducer(BISHENGIR, ir, Options(multibuffer=False), folder / "r.mlir", local=True)


def test_adapter_reproducer_is_replayed_with_its_recorded_options(adapter_repro: Path) -> None:
    data = check_json(adapter_repro)
    argv = " ".join(data["command"])
    assert "--pass-pipeline=builtin.module(discrete-mask-access-conversion" in argv
    assert "named-ops=false" in argv and "enable-select-analysis=true" in argv
    assert "named-ops=true" not in argv and "--triton-to-linalg=" not in argv  # not the stage's default flags
    assert data["outcome"] == "assertion" and data["signature"]["failing_pass"] == "TritonToLinalg"
    assert any(p.startswith("triton-to-linalg{") and "named-ops=false" in p for p in data["reproducer"]["passes"])

    shown = run_cli("check", str(adapter_repro)).stdout
    assert "MLIR crash reproducer" in shown and "triton-to-linalg{" in shown
    assert "defaults" not in shown


def test_bishengir_reproducer_runs_its_pass_on_bishengir_opt(bishengir_repro: Path, tmp_path: Path) -> None:
    data = check_json(bishengir_repro)
    assert Path(data["command"][0]).name == "bishengir-opt"
    assert "hivm-plan-memory{" in data["command"][2] and "mem-plan-mode=local-mem-plan" in data["command"][2]
    assert data["outcome"] == "resource-limit" and "ub overflow" in data["signature"]["message"]
    assert data["class"] == "resource-limit" and data["resource"]["kind"] == "ub"
    # The outcome follows the recorded option: the same IR with another plan mode in the trailer compiles.
    other = tmp_path / "global.mlir"
    other.write_text(bishengir_repro.read_text().replace("mem-plan-mode=local-mem-plan",
                                                         "mem-plan-mode=global-work-space-plan"))
    changed = check_json(other)
    assert "mem-plan-mode=global-work-space-plan" in changed["command"][2]
    assert changed["signature"] is None, changed["outcome"]


def test_reduce_keeps_the_trailer_in_the_result_and_the_saved_repro(tmp_path: Path) -> None:
    local = make_reproducer(ADAPTER, example("nested_if_return.ttir"), ADAPTER_OPTIONS, tmp_path / "l.mlir",
                            local=True)
    out = tmp_path / "reduced.mlir"
    proc = run_cli("reduce", str(local), "-o", str(out), "--save", str(tmp_path / "suite"))
    assert proc.returncode == 0, proc.stderr
    recorded = reproducer.of(local.read_text())
    assert recorded is not None and "named-ops=false" in recorded.pipeline
    for written in [out, *(tmp_path / "suite" / "adapter").glob("*.mlir")]:
        kept = reproducer.of(written.read_text())
        assert kept is not None and kept.pipeline == recorded.pipeline, written
    assert len(reproducer.strip(out.read_text())) < len(reproducer.strip(local.read_text()))
    saved = next((tmp_path / "suite" / "adapter").glob("*.mlir")).read_text()
    assert "// RUN: not --crash triton-adapter-opt %s --run-reproducer -o %t" in saved
    # The tool itself replays the result from its trailer.
    run = subprocess.run([str(locate(ADAPTER).path), str(out), "--run-reproducer", "-o", os.devnull],
                         capture_output=True, text=True, timeout=120, check=False)
    assert "Cannot destroy a value that still has uses" in run.stderr


@pytest.mark.parametrize("pipeline", ["builtin.module(bogus{", "builtin.module(no-such-pass)", "canonicalize"])
def test_a_trailer_whose_pipeline_the_tool_cannot_run_is_bad_input_not_a_bug(tmp_path: Path, pipeline: str) -> None:
    path = tmp_path / "hostile.mlir"
    path.write_text('module {\n}\n\n{-# external_resources: { mlir_reproducer: { pipeline: "' + pipeline
                    + '", disable_threading: true, verify_each: true } } #-}\n')
    done = run_cli("check", str(path), "--stage", "adapter", cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and "cannot parse the pass pipeline" in done.stderr
    assert "signature" not in done.stdout
