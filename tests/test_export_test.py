"""`reducer export-test`: every shipped repro becomes a test that an upstream-like lit suite (bare tools on
PATH, LLVM's own FileCheck and `not` when installed, no custom features) reports PASS (a negative test of a
diagnostic) or XFAIL (a test of the correct output); the same test on fixed IR flips to FAIL / XPASS."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reducer.repro.suite import all_repros
from reducer.stage import table as stages
from reducer.stage.toolchain import locate, locate_parser

from conftest import ROOT, run_cli

LIT = str(Path(sys.executable).with_name("lit"))

pytestmark = pytest.mark.slow  # exports and runs every shipped repro
# Debian's llvm-19-tools (what `.ci/run` installs; llvm-14 elsewhere): LLVM's own FileCheck and `not`.
LLVM_BIN = next((p for p in map(Path, ("/usr/lib/llvm-19/bin", "/usr/lib/llvm-14/bin")) if (p / "FileCheck").is_file()),
                Path("/nonexistent"))

INTENDED = ROOT / "tests" / "data" / "bitcast_on_buffers.ttadapter.mlir"

# An upstream suite's own configuration: nothing of ours but the tools on PATH.
UPSTREAM_CFG = """
import lit.formats
config.name = "upstream-like"
config.test_format = lit.formats.ShTest(False)
config.suffixes = [".mlir"]
config.test_source_root = os.path.dirname(__file__)
config.environment["PATH"] = os.path.join(os.path.dirname(__file__), "bin") + os.pathsep + os.environ["PATH"]
"""


def _tools(bin_dir: Path) -> None:
    bin_dir.mkdir(parents=True)
    for spec in stages.all_stages():
        (bin_dir / spec.tool).symlink_to(locate(spec).path)
        if spec.parser:
            (bin_dir / spec.parser).symlink_to(locate_parser(spec))
    filecheck = LLVM_BIN / "FileCheck"
    if not filecheck.is_file():
        filecheck = Path(shutil.which("filecheck", path=os.path.dirname(sys.executable)) or "filecheck")
    (bin_dir / "FileCheck").symlink_to(filecheck)
    not_tool = LLVM_BIN / "not"
    (bin_dir / "not").symlink_to(not_tool if not_tool.is_file() else ROOT / "reducer" / "lit_tools" / "not")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[str, str]]]:
    """The upstream-like suite with every shipped repro exported into it: relative path -> (style, stage)."""
    suite = tmp_path_factory.mktemp("upstream")
    (suite / "lit.cfg.py").write_text("import os\n" + UPSTREAM_CFG)
    _tools(suite / "bin")
    tests: dict[str, tuple[str, str]] = {}
    bugs = [r for r in all_repros(ROOT / "repros") if not r.resource_only]
    for repro in all_repros(ROOT / "repros"):
        proc = run_cli("export-test", str(repro.path), "-o", str(suite), "--json", cwd=suite)
        if repro.resource_only:  # the kernel's config does not fit: no compiler bug, no upstream test
            assert proc.returncode == 3 and "a resource limit" in proc.stderr, proc.stderr
            continue
        assert proc.returncode == 0, proc.stderr
        about = json.loads(proc.stdout)
        assert about["signature"]["id"] == repro.signature.id
        if repro.signature.outcome == "diagnostic-error":  # each a lowering known to be broken, and why
            assert re.search(r"does not verify|cannot legalize", about["xfail_because"]), about
        tests[about["test"]] = (about["style"], repro.signature.stage)
    assert len(tests) == len(bugs) == 14, "two repros exported to one path"
    # No shipped repro is a diagnostic a pass means to give: this kernel is one (the pass refuses it on purpose).
    proc = run_cli("export-test", str(INTENDED), "--stage", "bishengir", "-o", str(suite), "--json", cwd=suite)
    assert proc.returncode == 0, proc.stderr
    about = json.loads(proc.stdout)
    tests[about["test"]] = (about["style"], "bishengir")
    return suite, tests


def test_only_tests_land_in_the_upstream_tree_named_like_their_neighbours(
    exported: tuple[Path, dict[str, tuple[str, str]]],
) -> None:
    suite, tests = exported
    written = {str(p.relative_to(suite)) for p in suite.rglob("*")
               if p.is_file() and not {"bin", "Output"} & set(p.parts)}
    assert written == set(tests) | {"lit.cfg.py"}
    for relative in tests:
        name = Path(relative).stem
        if relative.startswith("ascend/"):  # triton-ascend: snake case, after the op or feature
            assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", name) and len(name) <= 48, relative
        else:  # AscendNPU-IR: kebab case, after what goes wrong
            assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", name), relative
        assert not re.search(r"[-_][0-9a-f]{8}$", name), f"a hash in a test name: {relative}"


def _lit(suite: Path) -> dict[str, str]:
    proc = subprocess.run([LIT, "-a", str(suite)], capture_output=True, text=True, timeout=600)
    return {m.group(2): m.group(1) for m in re.finditer(r"^(\w+): upstream-like :: (\S+) ", proc.stdout, re.M)}


def test_exported_tests_pass_or_xfail_upstream(exported: tuple[Path, dict[str, tuple[str, str]]]) -> None:
    suite, tests = exported
    results = _lit(suite)
    for relative, (style, _) in tests.items():
        want = "PASS" if style == "verify-diagnostics" else "XFAIL"
        assert results.get(relative) == want, (relative, results.get(relative))
        text = (suite / relative).read_text()
        assert "REQUIRES" not in text and "REDUCER-SIGNATURE" not in text
        assert len([ln for ln in text.splitlines() if ln.startswith("// RUN:")]) == 1
    # Every shipped diagnostic is the verifier rejecting what a pass produced, or a conversion left half done:
    # a known-broken lowering, XFAIL as upstream marks one; a diagnostic a pass means is a negative test.
    styles = {rel: style for rel, (style, _) in tests.items()}
    intended = [rel for rel in styles if "bitcast" in rel]
    assert len(intended) == 1 and styles.pop(intended[0]) == "verify-diagnostics"
    assert set(styles.values()) == {"xfail"}


# A kernel the single pass handles: what the test checks once the bug is fixed.
_FIXED = {
    "adapter": "tt.func public {name}() {{\n  tt.return\n}}\n",
    "bishengir": "func.func {name}() {{\n  return\n}}\n",
}


def test_fixed_ir_flips_each_test(exported: tuple[Path, dict[str, tuple[str, str]]], tmp_path: Path) -> None:
    suite, tests = exported
    flipped = tmp_path / "flipped"
    shutil.copytree(suite, flipped, symlinks=True)
    for relative, (style, stage) in tests.items():
        path = flipped / relative
        text = path.read_text()
        head = [ln for ln in text.splitlines() if ln.startswith("// ") and not ln.startswith("// expected-")]
        kernel = re.search(r'\w+\.func\s+(?:public\s+|private\s+)?(@(?:"[^"]*"|[\w$.-]+))', text).group(1)
        body = _FIXED[stage].format(name=kernel)
        if style == "verify-diagnostics":
            body = "// expected-error@+1 {{" + "the error this test expects}}\n" + body
        path.write_text("\n".join(head) + "\n\n" + body)
    results = _lit(flipped)
    for relative, (style, _) in tests.items():
        want = "FAIL" if style == "verify-diagnostics" else "XPASS"
        assert results.get(relative) == want, (relative, results.get(relative), (flipped / relative).read_text())
