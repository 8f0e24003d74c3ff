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


def test_render_leaves_out_options_at_the_backends_defaults() -> None:
    record = {
        "fn_qualname": "kern", "signature": {"x_ptr": "*fp32", "n": "i32"}, "constants": {"B": 8},
        "arg_order": ["x_ptr", "n", "B"], "grid": [1], "failed_stage": "adapter",
        "args": {"x_ptr": {"kind": "tensor", "dtype": "float32", "shape": [8], "stride": [1], "offset": 0,
                           "storage": 8},
                 "n": {"kind": "scalar", "value": 8}, "B": {"kind": "scalar", "value": 8}},
        # what an autotuner passes for triton.Config({"B": 8}): num_stages=2 is not the backend's default (1)
        "autotune_config": {"num_warps": 4, "num_ctas": 1, "num_stages": 2, "enable_linearize": False},
    }
    script = render(record, [], source=extract(MODULE, "kern"))
    assert "kern[(1,)](x_ptr, 8, B=8, num_stages=2)" in script.text


SHAPES = """
import triton
import triton.language as tl


@triton.jit
def k(x_ptr, y_ptr, out_ptr, n, D: tl.constexpr):
    row = tl.program_id(0)
    ds = tl.arange(0, D)
    w = tl.load(x_ptr + row).to(tl.float32)
    src = tl.where(ds % 2 == 0, x_ptr + ds, y_ptr + ds)
    vals = tl.load(src).to(tl.float32)
    total = tl.sum(vals * w, axis=0)
    if row < n:
        tl.store(out_ptr + row, total.to(tl.float16))
"""


def _body(text: str) -> list[str]:
    fn = next(n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef))
    return [ast.unparse(s) for s in fn.body]


def test_each_expression_candidate_is_one_edit() -> None:
    from reducer.script.shrink import hoists

    original = _body(SHAPES)
    found = hoists(SHAPES)
    assert len(found) > 10
    for text in found:
        changed = [a for a, b in zip(original, _body(text), strict=True) if a != b]
        assert len(changed) == 1, changed
    assert any("w = tl.load(x_ptr + row)" in _body(t) for t in found)  # `.to(...)` dropped


def test_a_variable_set_once_and_read_once_is_inlined_and_no_other() -> None:
    from reducer.script.shrink import inlines

    text = SHAPES.replace("    vals = tl.load(src)", "    src = src + 0\n    vals = tl.load(src)")
    found = inlines(text)
    bodies = [_body(t) for t in found]
    # `w`, `vals` and `total` (one read each) go, into a nested block too; `row` and `ds`, plain indices read more
    # than once, are written out at each read; `src` (set twice) stays.
    assert any("if row < n:\n    tl.store(out_ptr + row, tl.sum(vals * w, axis=0).to(tl.float16))" in b
               for b in bodies)
    assert any("total = tl.sum(tl.load(src).to(tl.float32) * w, axis=0)" in b for b in bodies)
    assert any("w = tl.load(x_ptr + tl.program_id(0)).to(tl.float32)" in b and
               "if tl.program_id(0) < n:" in "\n".join(b) for b in bodies)
    assert len(found) == 5 and all("src = src + 0" in b for b in bodies)


def test_shrink_keeps_only_what_the_bug_needs() -> None:
    """With a stand-in check (the bug is a `tl.where` over two pointer arguments that a load reads), the kernel
    shrinks to its decorator, its signature and one statement; the unused parameters leave its launch too."""
    from reducer.script.kernel_source import extract
    from reducer.script.shrink import shrink

    def shows(cut, _record) -> bool:
        """The bug as a model: a store whose operands, variables expanded, load through a `tl.where` of the two
        pointer parameters; a name read before it is set (a NameError under Triton) is no bug."""
        fn = next(n for n in ast.parse(cut.definitions[-1]).body if isinstance(n, ast.FunctionDef))
        env = {a.arg: a.arg for a in fn.args.args} | {"tl": "tl"}

        class Expand(ast.NodeTransformer):
            def visit_Name(self, node):
                if node.id not in env:
                    raise NameError(node.id)
                return ast.parse(env[node.id], mode="eval").body

        try:
            for stmt in ast.walk(fn):
                if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
                    env[stmt.targets[0].id] = ast.unparse(Expand().visit(stmt.value))
                elif isinstance(stmt, ast.Expr) and ast.unparse(stmt).startswith("tl.store("):
                    done = ast.unparse(Expand().visit(stmt.value))
                    if re.search(r"tl\.load\(tl\.where\([^)]*x_ptr[^)]*y_ptr", done):
                        return True
        except NameError:
            return False
        return False

    record = {"args": {n: {"kind": "scalar", "value": 1} for n in ("x_ptr", "y_ptr", "out_ptr", "n", "D")}}
    done = shrink(extract(SHAPES, "k"), record, shows)
    assert done.lines_before == 10 and done.lines_after <= 3, done.source.definitions
    assert set(done.record["args"]) <= {"x_ptr", "y_ptr", "out_ptr", "D"}


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


HELPER = """
import triton
import triton.language as tl


@triton.jit
def _pick(a, b, flag):
    x = a * 2
    y = b + 1
    if flag:
        return x
    return y


@triton.jit
def k(a_ptr, b_ptr, out, flag):
    a = tl.load(a_ptr)
    b = tl.load(b_ptr)
    tl.store(out, _pick(a, b, flag))
"""


def test_shrink_reaches_into_the_helpers() -> None:
    """The bug as a model: a helper with an early return that the kernel calls. The helper's own statements go
    too, and the size counts the helper's lines."""
    from reducer.script.kernel_source import extract
    from reducer.script.shrink import shrink

    def shows(cut, _record) -> bool:
        module = ast.parse("\n\n".join(cut.definitions))
        fns = {f.name: f for f in module.body if isinstance(f, ast.FunctionDef)}
        helper = fns.get("_pick")
        return (helper is not None and "_pick(" in ast.unparse(fns["k"])
                and any(isinstance(n, ast.If) and any(isinstance(b, ast.Return) for b in n.body)
                        for n in ast.walk(helper))
                and sum(isinstance(n, ast.Return) for n in ast.walk(helper)) >= 2)

    record = {"args": {n: {"kind": "scalar", "value": 1} for n in ("a_ptr", "b_ptr", "out", "flag")}}
    done = shrink(extract(HELPER, "k"), record, shows)
    helper = next(d for d in done.source.definitions if "def _pick" in d)
    assert done.lines_before == 12 and "x = " not in helper and "y = " not in helper, done.source.definitions
    assert done.lines_after <= 9


@pytest.mark.slow
def test_report_writes_the_script_locally_and_into_the_bundle_only_when_asked(tmp_path: Path) -> None:
    """The kernel's source is the user's: `report` writes repro.py beside the issue, puts it into the bundle only
    with --include-source, and then redacts it like the rest (a docstring naming this machine's folder)."""
    import tarfile

    text = KERNELS.read_text().replace(
        "    row = tl.program_id(0)\n", f'    """Kept under {tmp_path}/private."""\n    row = tl.program_id(0)\n', 1)
    assert str(tmp_path) in text
    (tmp_path / KERNELS.name).write_text(text)
    proc = run_cli("capture", "-q", "-o", "cap", "--", "python", KERNELS.name, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    (ttir,) = (tmp_path / "cap").glob("*/pick_rows.ttir")
    out = tmp_path / "out.mlir"
    assert run_cli("reduce", str(ttir), "-o", str(out), "-q", "-j", "2", cwd=tmp_path).returncode == 0

    def members(folder: Path) -> dict[str, str]:
        with tarfile.open(folder / "bundle.tar.gz") as tar:
            return {Path(m.name).name: tar.extractfile(m).read().decode() for m in tar.getmembers() if m.isfile()}

    plain = run_cli("report", str(out), "-o", "r1", cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    local = (tmp_path / "r1" / "repro.py").read_text()
    assert "def pick_rows(" in local and "repro.py" not in members(tmp_path / "r1")
    shared = run_cli("report", str(out), "-o", "r2", "--include-source", cwd=tmp_path)
    assert shared.returncode == 0, shared.stderr
    script = members(tmp_path / "r2")["repro.py"]
    assert "def pick_rows(" in script and "/private" in script and str(tmp_path) not in script
    assert all(str(tmp_path) not in body for body in members(tmp_path / "r2").values())


def test_each_keyword_candidate_drops_one_keyword() -> None:
    from reducer.script.shrink import unkeywords

    text = SHAPES.replace("tl.load(src)", "tl.load(src, mask=ds < n, other=0.0)")
    found = unkeywords(text)
    assert len(found) == 3  # axis=, mask=, other=
    assert any("tl.load(src, other=0.0)" in t and "axis=0" in t for t in found)
    assert any("tl.sum(vals * w)" in t and "mask=ds < n, other=0.0" in t for t in found)


def test_tidy_drops_only_passes_that_mean_nothing() -> None:
    from reducer.script.shrink import tidy

    text = ("@triton.jit\ndef k(a):\n    if a:\n        if a > 1:\n            return\n        else:\n"
            "            pass\n    else:\n        x = 1\n        pass\n    for i in range(3):\n        pass\n")
    assert tidy(text) == ("@triton.jit\ndef k(a):\n    if a:\n        if a > 1:\n            return\n    else:\n"
                          "        x = 1\n    for i in range(3):\n        pass\n")
    assert tidy("def k(:\n") is None
