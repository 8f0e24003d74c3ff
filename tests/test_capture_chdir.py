"""A relative `-o` survives a program that changes directory before its first launch (issue 32, point 1): a script
with os.chdir, a pytest file with monkeypatch.chdir, and a child started with subprocess(cwd=...) all record into
the folder named where the tool was started."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conftest import run_cli

KERNELS = '''
import torch
import triton
import triton.language as tl


@triton.jit
def {name}(x_ptr, out_ptr, N, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    mask = offs < N
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=mask) + {value}, mask=mask)


def launch_{name}():
    x = torch.randn(32)
    {name}[(1,)](x, torch.empty_like(x), 32, BLOCK=32)
'''


def _project(folder: Path, kernels: tuple[str, ...], away: str, files: dict[str, str]) -> None:
    """One module per kernel (NAME_mod.py with launch_NAME()), an empty folder to move to, and the files."""
    for value, name in enumerate(kernels, 1):
        (folder / f"{name}_mod.py").write_text(KERNELS.format(name=name, value=value))
    (folder / away).mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)


def _units(folder: Path) -> set[str]:
    index = json.loads((folder / "index.json").read_text())
    return {k["kernel"] for k in index["kernels"]}


@pytest.mark.slow
def test_a_script_that_chdirs_before_launching_records_into_the_given_folder(tmp_path: Path) -> None:
    script = (
        "import os, sys\n"
        "sys.path.insert(0, os.getcwd())\n"
        "import add_one_mod, add_two_mod\n"
        "os.chdir('sub')\n"
        "add_one_mod.launch_add_one()\n"
        "add_two_mod.launch_add_two()\n"
    )
    _project(tmp_path, ("add_one", "add_two"), "sub", {"script.py": script})
    proc = run_cli("capture", "--no-npu", "-q", "-o", "cap", "--", sys.executable, "script.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _units(tmp_path / "cap") == {"add_one", "add_two"}  # units == launches
    assert not (tmp_path / "sub" / "cap").exists()
    assert "captured 2 compile units of 2 kernels" in proc.stdout


@pytest.mark.slow
def test_pytest_monkeypatch_chdir_and_a_child_with_cwd_record_into_the_given_folder(tmp_path: Path) -> None:
    tests = (
        "import os, subprocess, sys\n"
        "HERE = os.path.dirname(os.path.abspath(__file__))\n"
        "sys.path.insert(0, HERE)\n"
        "import add_three_mod, add_four_mod\n\n"
        "def test_chdir_then_launch(monkeypatch, tmp_path):\n"
        "    monkeypatch.chdir(tmp_path)\n"
        "    add_three_mod.launch_add_three()\n\n"
        "def test_chdir_elsewhere(monkeypatch):\n"
        "    monkeypatch.chdir(os.path.join(HERE, 'elsewhere'))\n"
        "    add_four_mod.launch_add_four()\n\n"
        "def test_child_in_another_folder():\n"
        "    code = f'import sys; sys.path.insert(0, {HERE!r}); import add_five_mod; add_five_mod.launch_add_five()'\n"
        "    subprocess.run([sys.executable, '-c', code], cwd=os.path.join(HERE, 'elsewhere'), check=True)\n"
    )
    _project(tmp_path, ("add_three", "add_four", "add_five"), "elsewhere", {"test_moves.py": tests})
    argv = ["capture", "--no-npu", "-q", "-o", "cap", "--", sys.executable, "-m", "pytest", "-q", "-p",
            "no:cacheprovider", "test_moves.py"]
    proc = run_cli(*argv, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _units(tmp_path / "cap") == {"add_three", "add_four", "add_five"}  # units == launches
    assert not (tmp_path / "elsewhere" / "cap").exists()
