"""Code written for a newer triton-ascend (`triton.language.extra.cann`) under capture with the 3.2.0 wheel (issue 23,
point 4): the aliases let it import and compile, each kernel that needs one is a version incompatibility on its unit
and in the triage, never an upstream report; the compiler bugs behind it are still captured."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reducer.capture.frontend import finding_of, version_incompatibility
from reducer.cli import exitcodes
from reducer.failure.outcome import Outcome

NEWER_API = '''
import torch
import triton
import triton.language as tl
import triton.language.extra.cann.libdevice as cann_dev     # the newer spelling, imported
from triton.language.extra.cann import extension as al

fast_exp = cann_dev.fast_expf                                 # a name 3.2.0 spells tl.math.exp


@triton.jit
def tanh_plus_exp(x_ptr, out_ptr, N, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    mask = offs < N
    x = tl.load(x_ptr + offs, mask=mask)
    tl.store(out_ptr + offs, cann_dev.tanh(x) + fast_exp(x), mask=mask)


@triton.jit
def _relu(v):
    return tl.extra.cann.libdevice.relu(v)                    # through tl.extra, in a helper


@triton.jit
def broadcast_row_relu(x_ptr, out_ptr, M, N, stride_out, BM: tl.constexpr, BN: tl.constexpr):
    # a compiler bug behind the alias: a constant 0 row stride aborts triton-adapter-opt
    pid = tl.program_id(0)
    src = tl.make_block_ptr(x_ptr, shape=(M, N), strides=(0, 1), offsets=(pid * BM, 0), block_shape=(BM, BN),
                            order=(1, 0))
    dst = tl.make_block_ptr(out_ptr, shape=(M, N), strides=(stride_out, 1), offsets=(pid * BM, 0),
                            block_shape=(BM, BN), order=(1, 0))
    tl.store(dst, _relu(tl.load(src, boundary_check=(0, 1))), boundary_check=(0, 1))


@triton.jit
def newer_only(x_ptr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    tl.store(x_ptr + offs, al.fixpipe(tl.load(x_ptr + offs)))  # not in 3.2.0 at all


@triton.jit
def plain(x_ptr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    tl.store(x_ptr + offs, tl.load(x_ptr + offs) + 1)


x = torch.randn(64)
tanh_plus_exp[(1,)](x, torch.empty_like(x), 64, BLOCK=64)
out = torch.empty(40, 32)
broadcast_row_relu[(3,)](torch.randn(32), out, 40, 32, out.stride(0), BM=16, BN=32)
plain[(1,)](x, BLOCK=64)
try:
    newer_only[(1,)](x, BLOCK=64)
except Exception as err:
    print("newer_only:", type(err).__name__)
'''

# The same attribute spelling with no import of it: with --no-shims the frontend rejects it ("no attribute 'cann'").
ATTRIBUTE_ONLY = '''
import torch
import triton
import triton.language as tl


@triton.jit
def relu_cann(x_ptr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    tl.store(x_ptr + offs, tl.extra.cann.libdevice.relu(tl.load(x_ptr + offs)))


try:
    relu_cann[(1,)](torch.randn(16), BLOCK=16)
except Exception as err:
    print("relu_cann:", type(err).__name__)
'''


def _reducer(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reducer", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=600)


def _records(folder: Path) -> dict[str, dict]:
    return {k["kernel"]: k for k in json.loads((folder / "index.json").read_text())["kernels"]}


@pytest.mark.slow
def test_newer_api_spellings_compile_are_named_and_never_reported_upstream(tmp_path: Path) -> None:
    (tmp_path / "newer.py").write_text(NEWER_API)
    proc = _reducer("sweep", "-q", "--no-npu", "--no-reduce", "-o", "cap", "--repros", "repros", "--",
                    sys.executable, "newer.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    records = _records(tmp_path / "cap")
    assert set(records) == {"tanh_plus_exp", "broadcast_row_relu", "newer_only", "plain"}
    assert "no attribute 'cann'" not in json.dumps(records)
    assert records["tanh_plus_exp"]["outcome"] == Outcome.PASSED  # imported, aliased, compiled
    for name in ("tanh_plus_exp", "broadcast_row_relu", "newer_only"):  # found in imports, helpers, tl.extra
        assert records[name]["incompatibility"]["kind"] == "version", name
    assert "incompatibility" not in records["plain"]
    # the compiler bug behind the alias is still captured, replayed and grouped
    assert records["broadcast_row_relu"]["outcome"] == Outcome.FAILED
    triage = json.loads((tmp_path / "cap" / "triage.json").read_text())
    assert any(g["kernels"] == ["broadcast_row_relu"] and g["stage"] == "adapter" for g in triage["signatures"])
    # a section of its own; the rejected newer-only API is no frontend finding to report upstream
    assert {v["kernel"] for v in triage["versions"]} == {"tanh_plus_exp", "broadcast_row_relu", "newer_only"}
    assert triage["frontend"] == []
    assert "## Version incompatibilities" in (tmp_path / "cap" / "triage.md").read_text()
    assert "Version incompatibilities" in (tmp_path / "cap" / "triage.html").read_text()
    report = _reducer("report", records["newer_only"]["folder"], "-o", "rep", cwd=tmp_path)
    assert report.returncode == exitcodes.BAD_INPUT
    assert report.stderr.count("\n") == 1 and "version incompatibility" in report.stderr
    assert not (tmp_path / "rep").exists()


@pytest.mark.slow
def test_without_aliases_the_attribute_error_is_a_version_finding_not_a_frontend_bug(tmp_path: Path) -> None:
    (tmp_path / "attr.py").write_text(ATTRIBUTE_ONLY)
    with_aliases = _reducer("capture", "-q", "--no-npu", "-o", "cap", "--", sys.executable, "attr.py", cwd=tmp_path)
    assert with_aliases.returncode == 0 and "relu_cann:" not in with_aliases.stdout, with_aliases.stdout
    raw = _reducer("capture", "-q", "--no-npu", "--no-shims", "-o", "raw", "--", sys.executable, "attr.py",
                   cwd=tmp_path)
    assert raw.returncode == 0 and "relu_cann:" in raw.stdout, raw.stdout + raw.stderr
    record = _records(tmp_path / "raw")["relu_cann"]
    assert record["outcome"] == Outcome.FRONTEND_ERROR and "cann" in record["error"]
    assert version_incompatibility(record)
    assert finding_of(record)[1].startswith("triton-ascend version")
    report = _reducer("report", record["folder"], "-o", "rep", cwd=tmp_path)
    assert report.returncode == exitcodes.BAD_INPUT and "version incompatibility" in report.stderr


def test_a_version_incompatibility_is_told_from_a_frontend_bug() -> None:
    shimmed = {"outcome": "frontend-error", "error": "KeyError: Keyword argument maxnreg was specified but unknown",
               "incompatibility": {"name": "drop-maxnreg", "summary": "..."}}
    attribute = {"outcome": "frontend-error", "error": "AttributeError(\"module 'triton.language.extra' has no "
                 "attribute 'cann'\")"}
    aliased = {"outcome": "passed", "incompatibility": {"name": "api-alias", "kind": "version", "summary": "uses X"}}
    assert version_incompatibility(shimmed) is None
    assert version_incompatibility(attribute) and version_incompatibility(aliased) == "uses X"
    assert finding_of(shimmed)[1].startswith("triton frontend")
    assert finding_of(attribute)[1].startswith("triton-ascend version")


NEWER_KEYWORD = '''
import torch
import triton
import triton.language as tl


@triton.jit
def scale(x_ptr, N, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    mask = offs < N
    tl.store(x_ptr + offs, tl.load(x_ptr + offs, mask=mask) * 2, mask=mask)


x = torch.ones(16)
scale[(1,)](x, 16, BLOCK=16, auto_blockify_size=4)   # an NPUOptions field of triton-ascend after 3.2.0
assert torch.equal(x, torch.full((16,), 2.0)), x
print("scaled")
'''


@pytest.mark.slow
def test_a_newer_launch_keyword_is_a_version_finding_and_the_kernel_behind_it_is_compiled(tmp_path: Path) -> None:
    (tmp_path / "kw.py").write_text(NEWER_KEYWORD)
    # Written for a newer release, the launch goes on without the keyword there (and the program with it): the
    # kernels after it are captured too.
    proc = _reducer("capture", "-q", "--no-npu", "-o", "cap", "--", sys.executable, "kw.py", cwd=tmp_path)
    assert proc.returncode == 0 and "scaled" in proc.stdout, proc.stdout + proc.stderr
    # --no-shims: the launch raises as the 3.2.0 wheel does, and the command's status passes through
    bare = _reducer("capture", "-q", "--no-npu", "--no-shims", "-o", "cap2", "--", sys.executable, "kw.py",
                    cwd=tmp_path)
    assert bare.returncode == 1 and "scaled" not in bare.stdout, bare.stdout + bare.stderr
    assert "KeyError" in bare.stderr and "auto_blockify_size" in bare.stderr
    kernels = json.loads((tmp_path / "cap" / "index.json").read_text())["kernels"]
    rejected = next(k for k in kernels if k["outcome"] == Outcome.FRONTEND_ERROR)
    assert "auto_blockify_size" in rejected["error"] and version_incompatibility(rejected)
    retried = next(k for k in kernels if k["outcome"] == Outcome.PASSED)
    assert [s["name"] for s in retried["shims"]] == ["drop-newer-launch-keyword"]
