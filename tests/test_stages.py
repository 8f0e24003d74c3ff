"""The stage table: a third stage registered in one place runs check, reduce and save end to end, and no
module outside the table (and at most two named ones) knows a stage by name."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

from reducer.stage import table as stages
from reducer.stage.toolchain import locate

from conftest import ROOT, example, run_cli

FAKE_PLUGIN = Path(__file__).with_name("fake_stage.py")
LIT = str(Path(sys.executable).with_name("lit"))


@pytest.fixture
def fake_env() -> dict[str, str]:
    env = dict(os.environ)
    env["REDUCER_STAGE_PLUGINS"] = str(FAKE_PLUGIN)
    env["REDUCER_FAKE_OPT"] = str(locate(stages.ADAPTER).path)
    return env


@pytest.mark.slow
def test_a_third_stage_runs_check_reduce_save_and_lit(fake_env: dict[str, str], tmp_path: Path) -> None:
    src = tmp_path / "k.mlir"
    src.write_text(example("block_ptr_zero_stride.ttir").read_text())

    check = run_cli("check", str(src), "--stage", "fake", "--json", cwd=tmp_path, env=fake_env)
    assert check.returncode == 0, check.stderr
    data = json.loads(check.stdout)
    assert data["stage"] == "fake" and data["tool"]["name"] == "fake-opt"
    assert data["signature"]["stage"] == "fake" and data["signature"]["title"].startswith("fake-opt: ")

    out = tmp_path / "small.mlir"
    red = run_cli("reduce", str(src), "--stage", "fake", "-o", str(out), "-q", "-j", "2", cwd=tmp_path, env=fake_env)
    assert red.returncode == 0, red.stderr
    sidecar = json.loads(out.with_name("small.mlir.json").read_text())
    assert sidecar["stage"] == "fake" and sidecar["signature"]["id"] == data["id"]
    assert sidecar["pass_errors"] == {} and sidecar["final_check"] == "5/5"

    suite = tmp_path / "suite"
    save = run_cli("save", str(out), "--repros", str(suite), cwd=tmp_path, env=fake_env)  # stage from the sidecar
    assert save.returncode == 0, save.stderr
    [repro] = list((suite / "fake").glob("*.mlir"))
    text = repro.read_text()
    assert "// RUN: not --crash fake-opt %s" in text and "// REQUIRES: fake-opt" in text
    assert (suite / "lit.cfg.py").is_file(), "a new repros folder gets its own lit configuration"

    lit = subprocess.run([LIT, "-v", str(suite)], capture_output=True, text=True, env=fake_env, timeout=300)
    assert lit.returncode == 0 and "PASS" in lit.stdout, lit.stdout + lit.stderr
    again = run_cli("recheck", "--repros", str(suite), "--dry-run", cwd=tmp_path, env=fake_env)
    assert again.returncode == 0 and "reproduces" in again.stdout, again.stdout + again.stderr


def test_unknown_stage_is_a_usage_error(tmp_path: Path) -> None:
    proc = run_cli("check", str(example("block_ptr_zero_stride.ttir")), "--stage", "nope", cwd=tmp_path)
    assert proc.returncode == 2 and "unknown stage 'nope'" in proc.stderr and "adapter" in proc.stderr


def test_a_broken_plugin_is_one_line(tmp_path: Path) -> None:
    env = dict(os.environ, REDUCER_STAGE_PLUGINS=str(tmp_path / "missing.py"))
    proc = run_cli("check", str(example("block_ptr_zero_stride.ttir")), cwd=tmp_path, env=env)
    assert proc.returncode == 2 and "REDUCER_STAGE_PLUGINS" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def _stage_words() -> list[str]:
    """What names a built-in stage: its names, tools, wheels, file names, kinds, tags and markers."""
    words: set[str] = set()
    for spec in (stages.ADAPTER, stages.BISHENGIR):
        # Wheel names are left out: they are also the packages a hint tells the user to install.
        words |= {spec.name, spec.tool, spec.override_env, spec.input_name, spec.output_name,
                  spec.input_kind, spec.backend_stage, spec.log_tag, *spec.path_names}
        words |= {w for w in (spec.parser, spec.healthy_end) if w}
    words.discard("kernel")  # bishengir's output file name is too generic a word
    return sorted(words, key=len, reverse=True)


def _code_strings(path: Path) -> list[str]:
    """Names and string literals in code: comments and docstrings do not count."""
    found: list[str] = []
    previous = tokenize.NEWLINE
    for tok in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
        if tok.type == tokenize.STRING and previous in (tokenize.NEWLINE, tokenize.NL, tokenize.INDENT,
                                                        tokenize.DEDENT):
            previous = tok.type
            continue  # a docstring (or a bare string statement)
        if tok.type in (tokenize.STRING, tokenize.NAME, tokenize.FSTRING_MIDDLE if hasattr(tokenize, "FSTRING_MIDDLE")
                        else tokenize.STRING):
            found.append(tok.string)
        if tok.type not in (tokenize.COMMENT, tokenize.NL):
            previous = tok.type
    return found


def test_only_the_stage_table_names_stages_in_code() -> None:
    import re

    words = _stage_words()
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w-])")
    naming: dict[str, set[str]] = {}
    for path in sorted((ROOT / "reducer").rglob("*.py")):
        if path == ROOT / "reducer" / "stage" / "table.py":
            continue
        hits = {m.group(0) for s in _code_strings(path) for m in pattern.finditer(s)}
        hits |= {s for s in _code_strings(path) if s in ("ADAPTER", "BISHENGIR")}
        if hits:
            naming[str(path.relative_to(ROOT))] = hits
    assert len(naming) <= 2, f"modules outside reducer/stage/table.py that name a stage: {naming}"
