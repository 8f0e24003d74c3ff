"""`reducer script`: a captured launch as a standalone repro.py that shows the same bug under capture, smaller
with --reduce, with the captured tensors with --with-data; refused when the kernel changed since the capture."""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import pytest

from reducer.script.kernel_source import extract
from reducer.script.render import render

from conftest import ROOT, run_cli

KERNELS = ROOT / "tests" / "data" / "script_kernels.py"

MODULE = '''
import math
import triton
import triton.language as tl
from .local import helper_elsewhere

LIMIT = tl.constexpr(4)
UNUSED = 7


@triton.jit
def _twice(x):
    return x * 2


@triton.jit
def _unused(x):
    return x


@triton.autotune(configs=[], key=["n"])
@triton.jit(do_not_specialize=["n"])
def kern(x_ptr, n, B: tl.constexpr):
    v = _twice(tl.load(x_ptr + tl.arange(0, B)))
    tl.store(x_ptr + tl.arange(0, B), v + LIMIT + helper_elsewhere(n) + math.pi)
'''


def test_extract_takes_the_kernel_its_helpers_and_names_and_drops_tuning() -> None:
    src = extract(MODULE, "kern")
    text = "\n".join(src.definitions)
    assert "def _twice" in text and "LIMIT = tl.constexpr(4)" in text and "def kern" in text
    assert "_unused" not in text and "UNUSED" not in text and "autotune" not in text
    assert "@triton.jit(do_not_specialize=['n'])" in text
    assert "import math" in src.imports and "import triton.language as tl" in src.imports
    assert src.needs == [".local"]
    with pytest.raises(ValueError):
        extract(MODULE, "_missing")


def test_render_launches_with_the_recorded_layout_and_config() -> None:
    record = {
        "fn_qualname": "kern", "signature": {"x_ptr": "*fp32", "n": "i32"}, "constants": {"B": 8},
        "arg_order": ["x_ptr", "n", "B"], "grid": [4, 1, 1], "target": "Ascend910B3", "failed_stage": "adapter",
        "args": {"x_ptr": {"kind": "tensor", "dtype": "float32", "shape": [4, 8], "stride": [1, 4], "offset": 2,
                           "storage": 40},
                 "n": {"kind": "scalar", "value": 32}, "B": {"kind": "scalar", "value": 8}},
        "launch_options": {"B": 8, "multibuffer": False},
    }
    script = render(record, [], source=extract(MODULE, "kern"))
    ast.parse(script.text)
    assert "x_ptr = _tensor((4, 8), (1, 4), 2, 40, torch.float32, device)" in script.text
    assert "kern[(4, 1, 1)](x_ptr, 32, B=8, multibuffer=False)" in script.text
    assert "import torch_npu" in script.text and 'device = "npu"' in script.text


def _capture(tmp_path: Path, *extra: str) -> Path:
    shutil.copy(KERNELS, tmp_path / KERNELS.name)
    proc = run_cli("capture", "-q", "-o", "cap", *extra, "--", "python", KERNELS.name, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    (unit,) = [p.parent for p in (tmp_path / "cap").glob("*/record.json")]
    return unit


@pytest.mark.slow
def test_the_script_shows_the_units_bug_and_reduces_to_half(tmp_path: Path) -> None:
    unit = _capture(tmp_path, "--with-data")
    record = json.loads((unit / "record.json").read_text())
    assert record["arg_order"][:3] == ["x_ptr", "y_ptr", "idx_ptr"] and record["data"] == "inputs.pt"
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = run_cli("script", str(unit), "-o", str(empty / "repro.py"), "-q", cwd=tmp_path)
    assert proc.returncode == 0 and "same signature" in proc.stdout, proc.stdout + proc.stderr
    # In an empty folder, under sweep, as a user would run it.
    sweep = run_cli("sweep", "-o", "sw", "--no-fit", "--", "python", "repro.py", cwd=empty)
    triage = json.loads((empty / "sw" / "triage.json").read_text())
    assert [g["id"] for g in triage["signatures"]] == [record_sig(unit)], sweep.stdout + sweep.stderr
    small = tmp_path / "small"
    proc = run_cli("script", str(unit), "-o", str(small / "repro.py"), "--reduce", "--with-data", "-q",
                   cwd=tmp_path, timeout=1500)
    assert proc.returncode == 0 and "same signature" in proc.stdout, proc.stdout + proc.stderr
    assert (small / "inputs.pt").is_file() and "torch.load(" in (small / "repro.py").read_text()
    before, after = map(int, re.search(r"kernel (\d+) -> (\d+) lines", proc.stdout).groups())
    assert after * 2 <= before, proc.stdout


def record_sig(unit: Path) -> str:
    from reducer.script.check import unit_signature

    sig = unit_signature(unit, json.loads((unit / "record.json").read_text()))
    assert sig is not None
    return sig.id


@pytest.mark.slow
def test_a_kernel_edited_since_the_capture_is_refused(tmp_path: Path) -> None:
    unit = _capture(tmp_path)
    with (tmp_path / KERNELS.name).open("a") as fh:
        fh.write("\n# edited\n")
    proc = run_cli("script", str(unit), "-o", str(tmp_path / "repro.py"), "--no-check", cwd=tmp_path)
    assert proc.returncode == 3 and "changed since the capture" in proc.stderr
    assert not (tmp_path / "repro.py").exists()
