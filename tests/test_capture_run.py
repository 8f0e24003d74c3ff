"""`reducer capture -- python script.py` with no NPU: each launch is compiled and recorded, then really runs on the
CPU tensors (Triton's interpreter), and the script sees what Triton would give it: results, kernels, exceptions.

Every test runs a script of its own kernels through the real wheels, end to end, as a user would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Kernels of a user's program: each shows one thing the CPU run must get right.
USER = '''
import sys
import types

import torch
import triton
import triton.language as tl
from triton.compiler.errors import CompilationError
from triton.language.extra.ascend import libdevice
from triton.language.math import rsqrt, tanh

rsqrt_as_imported = rsqrt

npu = sys.modules.get("reducer.npu")
if npu is None:  # the NPU stand-in is not loaded: a module of the same name shows the count
    npu = sys.modules["reducer.npu"] = types.ModuleType("reducer.npu")
    npu.LAUNCHES = 0
launches_before = npu.LAUNCHES


@triton.jit
def _halve(v):
    return v * 0.5


@triton.jit
def affine(x, out, eps, N: tl.constexpr):
    offs = tl.arange(0, N)
    e = eps.to(tl.float32)  # a float argument is an fp32 scalar in the kernel, and has `.to`
    tl.store(out + offs, rsqrt(tl.load(x + offs) * e + e))  # a builtin held by name


@triton.jit
def bf16_rms(x, w, out, N, BLOCK: tl.constexpr):
    # bf16 loads (masked, with `other`; a block pointer with zero padding), fp32 math, bf16 products and stores
    offs = tl.arange(0, BLOCK)
    mask = offs < N
    xf = tl.load(x + offs, mask=mask, other=0.0).to(tl.float32)
    r = 1.0 / tl.sqrt(tl.sum(xf * xf) / N + 1e-6)
    wp = tl.make_block_ptr(w, shape=(N,), strides=(1,), offsets=(0,), block_shape=(BLOCK,), order=(0,))
    wb = tl.load(wp, boundary_check=(0,), padding_option="zero")
    tl.store(out + offs, (xf * r).to(tl.bfloat16) * wb, mask=mask)


@triton.jit
def running_total(x, out, N: tl.constexpr):
    offs = tl.arange(0, N)
    tl.store(out + offs, tl.cumsum(tl.load(x + offs), 0))  # numpy sums int32 as int64: stored as int32


@triton.jit
def bf16_count(out, seen):
    # four lanes onto two elements, two programs: each lane sees what the one before it left
    old = tl.atomic_add(out + tl.arange(0, 4) % 2, tl.full((4,), 1.5, tl.bfloat16))
    tl.store(seen + tl.arange(0, 4), old)
    tl.atomic_max(out + 2 + tl.arange(0, 1), tl.full((1,), 3.0, tl.bfloat16))


@triton.jit
def scaled_add(x, y, out, n, reps, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    acc = tl.zeros((BLOCK,), dtype=tl.float32)
    for _ in range(reps):  # a scalar argument as a loop bound
        acc += tl.load(x + offs, mask=mask) + tl.load(y + offs, mask=mask)
    tl.store(out + offs, _halve(acc), mask=mask)


@triton.jit
def rows_from_zero_stride(x, out, M, N, BM: tl.constexpr, BN: tl.constexpr):
    # a 2D block pointer whose row stride is the constant 0: the Ascend adapter crashes on it
    src = tl.make_block_ptr(x, shape=(M, N), strides=(0, 1), offsets=(tl.program_id(0) * BM, 0),
                            block_shape=(BM, BN), order=(1, 0))
    rows = tl.program_id(0) * BM + tl.arange(0, BM)[:, None]
    cols = tl.arange(0, BN)[None, :]
    tl.store(out + rows * N + cols, tl.load(src, boundary_check=(0, 1)), mask=(rows < M) & (cols < N))


@triton.jit
def write_then_read_far(x, out, N: tl.constexpr):
    offs = tl.arange(0, N)
    tl.store(out + offs, 5.0)
    tl.store(out + offs, tl.load(x + offs + (1 << 36)))  # unmasked, far outside x: SIGSEGV if it ran


@triton.jit
def reciprocal(x, out, N: tl.constexpr):
    offs = tl.arange(0, N)
    tl.store(out + offs, libdevice.reciprocal(tl.load(x + offs)))


@triton.jit
def squashed(x, out, N: tl.constexpr):
    offs = tl.arange(0, N)
    tl.store(out + offs, tanh(tl.load(x + offs)) + libdevice.log1p(tl.load(x + offs)))  # libdevice on numpy


@triton.jit
def exponent_of(x, out, N: tl.constexpr):
    offs = tl.arange(0, N)
    tl.store(out + offs, libdevice.ilogb(tl.load(x + offs)))  # a symbol with no plain numpy meaning here


@triton.jit
def needs_big_block(x, N: tl.constexpr):
    tl.static_assert(N >= 64, "N must be at least 64")
    tl.store(x + tl.arange(0, N), 1.0)


class CachingEntry:
    """What FlagGems' LibEntry does: keep what the first `run` returns, launch that object afterwards."""

    def __init__(self, fn):
        self.fn, self.kernel = fn, None

    def __call__(self, grid, *args, **constexprs):
        if self.kernel is None:
            self.kernel = self.fn.run(*args, grid=grid, warmup=False, **constexprs)
        else:
            self.kernel[tuple(grid) + (1,) * (3 - len(grid))](*args)


n = 1000
x, y, out = torch.randn(n), torch.randn(n), torch.empty(n)
scaled_add[(triton.cdiv(n, 128),)](x, y, out, n, 2, BLOCK=128)
torch.testing.assert_close(out, x + y)

entry = CachingEntry(scaled_add)
for _ in range(2):
    x, y, out = torch.randn(n), torch.randn(n), torch.zeros(n)
    entry((triton.cdiv(n, 128),), x, y, out, n, 4, BLOCK=128)
    torch.testing.assert_close(out, 2 * (x + y))
assert type(entry.kernel).__name__ != "NoneType" and "ttir" in entry.kernel.asm

row, rows = torch.randn(32), torch.zeros(24, 32)
rows_from_zero_stride[(3,)](row, rows, 24, 32, BM=8, BN=32)
torch.testing.assert_close(rows, row.expand(24, 32))

src, affine_out = torch.rand(16), torch.zeros(16)
affine[(1,)](src, affine_out, 0.25, N=16)
torch.testing.assert_close(affine_out, torch.rsqrt(src * 0.25 + 0.25))
assert rsqrt is rsqrt_as_imported  # put back after the launch, for the compiles after it

xb, wb = torch.randn(100, dtype=torch.bfloat16), torch.randn(100, dtype=torch.bfloat16)
yb = torch.full((100,), 7.0, dtype=torch.bfloat16)
bf16_rms[(1,)](xb, wb, yb, 100, BLOCK=128)
xf = xb.float()
torch.testing.assert_close(yb, (xf * torch.rsqrt((xf * xf).mean() + 1e-6)).to(torch.bfloat16) * wb)

ints, totals = torch.arange(1, 9, dtype=torch.int32), torch.zeros(8, dtype=torch.int32)
running_total[(1,)](ints, totals, N=8)
assert totals.tolist() == torch.cumsum(ints, 0).tolist(), totals

counts, seen = torch.tensor([0.0, 0.0, 2.0], dtype=torch.bfloat16), torch.zeros(4, dtype=torch.bfloat16)
bf16_count[(2,)](counts, seen)
assert counts.tolist() == [6.0, 6.0, 3.0] and sorted(seen.tolist()) == [3.0, 3.0, 4.5, 4.5], (counts, seen)

far_out = torch.zeros(16)
write_then_read_far[(1,)](torch.ones(16), far_out, N=16)
assert (far_out == 0).all(), far_out  # stopped and undone: outputs as they were

rec_out = torch.zeros(16)
reciprocal[(1,)](torch.full((16,), 4.0), rec_out, N=16)
assert (rec_out == 0.25).all(), rec_out
src, sq = torch.rand(16), torch.zeros(16)
squashed[(1,)](src, sq, N=16)
torch.testing.assert_close(sq, torch.tanh(src) + torch.log1p(src))
exps = torch.zeros(16, dtype=torch.int32)
exponent_of[(1,)](torch.full((16,), 8.0), exps, N=16)
assert (exps == 0).all()  # not run: outputs as they were

for how in ("warmup", "launch"):
    try:
        if how == "warmup":
            needs_big_block.warmup(torch.float32, N=16, grid=(1,))
        else:
            needs_big_block[(1,)](torch.zeros(16), N=16)
        print(f"{how}: no error")
    except CompilationError as err:
        print(f"{how} raised {type(err).__name__}")

try:
    scaled_add[(70000,)](x, y, out, n, 3, BLOCK=128)
    print("big grid: launched")
except RuntimeError as err:
    print(f"big grid raised: {err}")

print(f"launches counted: {npu.LAUNCHES - launches_before}")
print("all checks passed")
'''


def _capture(tmp: Path, script: str, env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess, Path]:
    path = tmp / "user.py"
    path.write_text(textwrap.dedent(script))
    out = tmp / "capture"
    run_env = {k: v for k, v in os.environ.items() if not k.startswith(("REDUCER_EXEC", "TRITON_"))}
    run_env.update(env or {})
    argv = [sys.executable, "-m", "reducer", "capture", "-o", str(out), "--no-npu", "--", sys.executable, str(path)]
    done = subprocess.run(argv, cwd=ROOT, env=run_env, capture_output=True, text=True, timeout=600)
    return done, out


def _records(out: Path) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for path in sorted(out.glob("*/record.json")):
        record = json.loads(path.read_text())
        found.setdefault(record["kernel"], []).append(record)
    return found


@pytest.fixture(scope="module")
def user_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, dict[str, list[dict]]]:
    done, out = _capture(tmp_path_factory.mktemp("run"), USER)
    return done, _records(out)


@pytest.mark.slow
def test_results_are_real_so_the_scripts_own_asserts_pass(user_run) -> None:
    done, records = user_run
    assert done.returncode == 0, done.stdout + done.stderr
    assert "all checks passed" in done.stdout and "Traceback" not in done.stderr
    (unit,) = records["scaled_add"]
    assert unit["outcome"] == "passed" and unit["execution"]["counts"]["executed"] == 3


@pytest.mark.slow
def test_the_returned_kernel_is_launched_again_and_runs(user_run) -> None:
    """LibEntry-style reuse: the object a launch returned is launched with the non-constexpr arguments."""
    _, records = user_run
    # one specialisation: the first launch, the cached object's first launch and its reuse; the big grid last
    (unit,) = records["scaled_add"]
    assert unit["execution"]["counts"] == {"executed": 3, "skipped": 1}
    assert unit["execution"]["status"] == "skipped"


@pytest.mark.slow
def test_a_kernel_whose_compile_failed_still_runs(user_run) -> None:
    (unit,) = user_run[1]["rows_from_zero_stride"]
    assert unit["outcome"] == "failed" and unit["failed_stage"] == "adapter"
    assert unit["execution"]["status"] == "executed"


@pytest.mark.slow
def test_an_access_outside_the_tensors_is_recorded_not_a_crash(user_run) -> None:
    (unit,) = user_run[1]["write_then_read_far"]
    execution = unit["execution"]
    assert execution["status"] == "out-of-bounds"
    assert "load of 4 bytes" in execution["reason"] and "outputs left as they were" in execution["reason"]
    assert "write_then_read_far" not in user_run[0].stderr


@pytest.mark.slow
def test_an_ascend_only_builtin_is_recorded_and_the_run_goes_on(user_run) -> None:
    for name in ("reciprocal", "squashed"):  # libdevice symbols with a plain meaning run on numpy
        (unit,) = user_run[1][name]
        assert unit["outcome"] == "passed" and unit["execution"]["status"] == "executed", unit["execution"]
    (unit,) = user_run[1]["exponent_of"]
    assert unit["outcome"] == "passed"
    assert unit["execution"]["status"] == "unsupported"
    assert "cannot run it" in unit["execution"]["reason"] and "libdevice.ilogb" in unit["execution"]["reason"]


@pytest.mark.slow
def test_bf16_runs_on_numbers_atomics_included(user_run) -> None:
    (unit,) = user_run[1]["bf16_rms"]
    assert unit["execution"]["status"] == "executed", unit["execution"]  # and the script's assert_close passed
    (atomic,) = user_run[1]["bf16_count"]
    assert atomic["execution"]["status"] == "executed", atomic["execution"]


@pytest.mark.slow
def test_frontend_errors_raise_as_triton_raises_them(user_run) -> None:
    done, records = user_run
    assert "warmup raised CompileTimeAssertionFailure" in done.stdout
    assert "launch raised CompileTimeAssertionFailure" in done.stdout
    assert {r["outcome"] for r in records["needs_big_block"]} == {"frontend-error"}
    assert not any("execution" in r for r in records["needs_big_block"])


@pytest.mark.slow
def test_a_grid_triton_refuses_is_refused_and_launches_are_counted(user_run) -> None:
    done, records = user_run
    assert "big grid raised: grid should be less than 65536" in done.stdout
    assert "70000 programs: Triton refuses the launch" in records["scaled_add"][0]["execution"]["reason"]
    # 3 of scaled_add, its big grid, and one each of the others that launched (the warmup is not a launch)
    assert "launches counted: 14" in done.stdout


BUDGET = '''
import torch
import triton
import triton.language as tl


@triton.jit
def bump(x, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(x + offs, tl.load(x + offs, mask=offs < n) + 1, mask=offs < n)


n = 60000
many = torch.zeros(n)
bump[(n,)](many, n, BLOCK=1)  # one program per element: far over a one-second budget
assert (many == 0).all()
few = torch.zeros(n)
bump[(triton.cdiv(n, 4096),)](few, n, BLOCK=4096)
assert (few == 1).all()
print("went on")
'''


@pytest.mark.slow
def test_a_launch_over_its_budget_is_stopped_and_recorded(tmp_path: Path) -> None:
    done, out = _capture(tmp_path, BUDGET, {"REDUCER_EXEC_SECONDS": "1"})
    assert done.returncode == 0 and "went on" in done.stdout, done.stdout + done.stderr
    by_block = {r["constants"]["BLOCK"]: r["execution"] for r in _records(out)["bump"]}
    assert by_block[1]["status"] == "over-budget" and by_block[1]["seconds"] < 5
    assert "60000 programs would take" in by_block[1]["reason"] and "outputs left as they were" in by_block[1]["reason"]
    assert by_block[4096]["status"] == "executed"


def test_when_the_total_budget_is_spent_launches_are_skipped(tmp_path: Path) -> None:
    script = BUDGET.replace("assert (few == 1).all()", "assert (few == 0).all()")
    done, out = _capture(tmp_path, script, {"REDUCER_EXEC_TOTAL_SECONDS": "0"})
    assert done.returncode == 0 and "went on" in done.stdout, done.stdout + done.stderr
    for record in _records(out)["bump"]:
        assert record["execution"]["status"] == "skipped"
        assert "REDUCER_EXEC_TOTAL_SECONDS" in record["execution"]["reason"]


CRASH = '''
import os

import torch
import triton
import triton.language as tl


class _Storage:
    """Its size can be read (the record keeps it); its address only by the launch, which dies there."""

    def __init__(self, real):
        self.real = real

    def nbytes(self):
        return self.real.nbytes()

    def data_ptr(self):
        os._exit(17)


class DiesWhenRead(torch.Tensor):
    """The process dies while the launch runs (the memory guard reads its storage's address), as a crash would."""

    def untyped_storage(self):
        return _Storage(super().untyped_storage())


@triton.jit
def copy(x, out, N: tl.constexpr):
    tl.store(out + tl.arange(0, N), tl.load(x + tl.arange(0, N)))


copy[(1,)](torch.ones(8).as_subclass(DiesWhenRead), torch.zeros(8), N=8)
print("not reached")
'''


def test_the_record_is_written_before_the_launch_runs(tmp_path: Path) -> None:
    done, out = _capture(tmp_path, CRASH)
    assert "not reached" not in done.stdout
    (unit,) = _records(out)["copy"]
    assert unit["outcome"] == "passed" and "ttir" in unit["files"]
    assert unit["execution"]["status"] == "started"
    assert json.loads((out / "index.json").read_text())["returncode"] == 17


def test_a_compiler_stage_that_overruns_its_limit_is_stopped_and_the_program_goes_on(tmp_path: Path) -> None:
    """The backend runs its tools with no time limit: a hang in one would hang the user's program. With a limit
    no real compiler stage meets (1 ms), the stage is stopped, recorded as failed, and the launch still runs."""
    script = BUDGET.split("n = 60000")[0] + "x = torch.zeros(8)\nbump[(1,)](x, 8, BLOCK=8)\nassert (x == 1).all()\n"
    done, out = _capture(tmp_path, script, {"REDUCER_STAGE_TIMEOUT": "0.001"})
    assert done.returncode == 0, done.stdout + done.stderr
    (unit,) = _records(out)["bump"]
    assert unit["outcome"] == "failed", unit
    assert "did not finish in 0.001s: stopped as a hang" in unit["error"], unit["error"]
    assert unit["execution"]["status"] == "executed"
