"""`reducer fit` (issue 25): the candidate lattice, the recipe a capture records, the `resource` contract, and end to
end against the real compilers on examples/fit/tiles.py, every proposed fit recompiled by hand.

The hand recompile (`hand_compile`) reads nothing of reducer's: it builds bishengir-compile's command line the way
triton-ascend 3.2.0's backend does (`linalg_to_bin_enable_npu_compile_A2_A3` / `_910_95`) from the NPUOptions the
capture recorded, so a fit the search and its replay agree on wrongly still fails here. bench/fit.py uses it too.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reducer.fit import candidates
from reducer.fit.candidates import FLOOR, Candidate, is_block_name, nearest_first, smallest, tunables
from reducer.fit.recipe import NoSource, parse_attrs, read_recipe, recipe_of
from reducer.fit.result import Fit, FitResult

from conftest import ROOT, run_cli

TILES = ROOT / "examples" / "fit" / "tiles.py"
A5 = "Ascend910_9589"
# What the capture wrote for a launch of tiles.py's autotuned kernel (record.json's `attrs`).
ATTRS = ("AttrsDescriptor.from_dict({'arg_properties': {'tt.divisibility': [0, 1, 2, 3, 4], 'tt.equal_to': []}, "
         "'cls': 'AscendAttrsDescriptor'})")

# --- the independent recompile ------------------------------------------------------------------------------

_MIX_MODE = re.compile(r', mix_mode\s*=\s*"[^"]*"')
# How the 1.2.0 binaries end when the MLIR pipeline finished and only CANN's external compiler is missing.
_HEALTHY = ("External hivmc run fails", "Cannot find hivmc-a5 under $PATH")


def bishengir_bin() -> Path:
    """The installed ascendnpu-ir wheel's bin folder (found without importing it, or reducer)."""
    spec = importlib.util.find_spec("ascendnpuir")
    assert spec is not None and spec.submodule_search_locations, "ascendnpu-ir is not installed"
    return Path(next(iter(spec.submodule_search_locations))) / "bin"


def backend_flags(npu: dict[str, Any]) -> list[str]:
    """bishengir-compile's flags as the 3.2.0 backend builds them from NPUOptions' defaults: the A5 builder
    (compile_on_910_95) drops `--enable-hivm-compile`; an option left None passes no flag."""
    flags = [f"--target={npu['target']}"]
    for key, flag in (("multibuffer", "--enable-auto-multi-buffer"),
                      ("enable_auto_bind_sub_block", "--enable-auto-bind-sub-block")):
        if npu.get(key) is not None:
            flags.append(f"{flag}={npu[key]}")
    flags.append("--enable-hfusion-compile=true")
    if not npu.get("compile_on_910_95"):
        flags.append("--enable-hivm-compile=true")
    return [*flags, "--enable-triton-kernel-compile=true"]


def hand_compile(ir: Path, npu: dict[str, Any], work: Path) -> str:
    """`passed-mlir`, `overflow`, or `failed (...)`: `ir` (a ttadapter) through the installed bishengir-compile.
    The bin folder goes first on PATH: for an A5 target the binary runs its `-a5` sibling from there."""
    work.mkdir(parents=True, exist_ok=True)
    src = work / "kernel.ttadapter.mlir"
    src.write_text(_MIX_MODE.sub("", ir.read_text()))
    folder = bishengir_bin()
    env = dict(os.environ, PATH=f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    argv = [str(folder / "bishengir-compile"), str(src), *backend_flags(npu), "-o", str(work / "kernel")]
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=work, timeout=600, check=False)
    errors = [line for line in proc.stderr.splitlines() if "error:" in line and _HEALTHY[0] not in line]
    if any("overflow, requires" in line for line in errors):
        return "overflow"
    if proc.returncode in (0, 1) and not errors and any(end in proc.stderr for end in _HEALTHY):
        return "passed-mlir"
    last = (errors or proc.stderr.strip().splitlines() or ["no output"])[-1]
    return f"failed (exit {proc.returncode}): {last[:200]}"


# --- candidates ---------------------------------------------------------------------------------------------


def test_tunables_are_powers_of_two_above_the_floor_and_never_bools() -> None:
    constants = {"BLOCK": 64, "BIG": 1 << 20, "FLAG": True, "ODD": 48, "AT_FLOOR": FLOOR, "TINY": 8,
                 "RATIO": 64.0, "MODE": "fast", "NEG": -64}
    assert tunables(constants) == {"BLOCK": 64, "BIG": 1 << 20}


def test_block_names() -> None:
    assert all(is_block_name(n) for n in ("BLOCK", "BLOCK_M", "XBLOCK", "BM", "BN", "BK", "TILE_N", "CHUNK_SIZE"))
    assert not any(is_block_name(n) for n in ("HEAD_DIM", "VOCAB", "DIM", "HD"))


def _spelled(ranked: list[Candidate]) -> list[dict[str, int]]:
    return [c.constants for c in ranked]


def test_fewer_halvings_come_first() -> None:
    assert _spelled(list(nearest_first({"BLOCK": 128}))) == [{"BLOCK": 64}, {"BLOCK": 32}, {"BLOCK": 16}]


def test_one_change_before_two_and_block_names_before_others_at_equal_distance() -> None:
    # DIM sorts before TILE by name: only the block-name rule puts TILE first.
    ranked = list(nearest_first({"DIM": 64, "TILE": 64}))
    assert len(ranked) == 3 * 3 - 1  # every lattice point but the user's own
    assert _spelled(ranked[:4]) == [{"TILE": 32}, {"DIM": 32}, {"TILE": 16}, {"DIM": 16}]
    assert [c.distance for c in ranked] == sorted(c.distance for c in ranked)
    assert all(len(c.changes) == 2 for c in ranked[4:])
    assert ranked[4].constants == {"DIM": 32, "TILE": 32}
    assert ranked[-1].constants == {"DIM": 16, "TILE": 16}


def test_smallest_puts_every_parameter_at_the_floor() -> None:
    low = smallest({"BLOCK": 256, "N": 64, "AT_FLOOR": 16})
    assert low.constants == {"BLOCK": 16, "N": 16}
    assert low.halvings == 4 + 2
    assert low.label({"BLOCK": 256, "N": 64, "AT_FLOOR": 16}) == "BLOCK 256->16, N 64->16"
    assert Candidate((), 0).label({}) == "as captured"


def test_covers_means_at_least_as_big_in_every_parameter() -> None:
    user = {"A": 64, "B": 64}
    a32 = Candidate((("A", 32),), 1)
    a16_b32 = Candidate((("A", 16), ("B", 32)), 3)
    b32 = Candidate((("B", 32),), 1)
    assert a32.covers(a16_b32, user) and a32.covers(a32, user)
    assert not a16_b32.covers(a32, user)
    assert not a32.covers(b32, user) and not b32.covers(a32, user)  # neither is bigger everywhere


def test_a_big_lattice_loses_middle_levels_but_keeps_the_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    user = {"A": 1024, "B": 1024}  # 7 levels each: 49 points
    full = list(nearest_first(user))
    assert len(full) == 48
    monkeypatch.setattr(candidates, "MAX_LATTICE", 20)
    trimmed = list(nearest_first(user))
    assert len(trimmed) + 1 <= 20
    assert {"A": 16, "B": 16} in _spelled(trimmed)  # the floor stays
    assert {"A": 512} in _spelled(trimmed) and {"B": 512} in _spelled(trimmed)  # so does the nearest step
    assert all(v in (1024, 512, 256, 128, 64, 32, 16) for c in trimmed for v in c.constants.values())
    monkeypatch.setattr(candidates, "MAX_LATTICE", 100_000)
    monkeypatch.setattr(candidates, "MAX_CANDIDATES", 5)
    assert _spelled(list(nearest_first(user))) == _spelled(full[:5])


# --- recipe -------------------------------------------------------------------------------------------------


def test_parse_attrs_reads_a_records_attrs_descriptor() -> None:
    attrs = parse_attrs(ATTRS)
    assert attrs == {"arg_properties": {"tt.divisibility": [0, 1, 2, 3, 4], "tt.equal_to": []},
                     "cls": "AscendAttrsDescriptor"}
    assert parse_attrs(None) is None
    assert parse_attrs("AttrsDescriptor.from_dict({'a': os.system('x')})") is None  # never evaluated
    assert parse_attrs("something else") is None


def _record(**over: Any) -> dict[str, Any]:
    """A failing unit's record.json as the capture writes it (trimmed), without the fields fit support added."""
    record = {
        "kernel": "_k", "qualname": "pkg.ops._k", "source": "/proj/src/pkg/ops.py:12", "replay": "bishengir",
        "failed_stage": "bishengir", "files": {"ttadapter": "_k.ttadapter", "ttir": "_k.ttir"},
        "signature": {"x_ptr": "*fp32", "n": "i32"}, "constants": {"BLOCK": 4096}, "attrs": ATTRS,
        "npu_options": {"target": "Ascend910B3", "multibuffer": True}, "launch_options": {"BLOCK": 4096,
                                                                                          "num_warps": 4},
        "target": "Ascend910B3", "error": "error: ub overflow, requires 2097152 bits while 1572864 bits available!",
    }
    record.update(over)
    return record


@pytest.fixture
def unit(tmp_path: Path) -> Path:
    (tmp_path / "_k.ttadapter").write_text("module {}\n")
    return tmp_path


def test_an_old_record_derives_module_qualname_and_import_path(unit: Path) -> None:
    recipe = recipe_of(unit, _record())
    assert (recipe.module, recipe.fn_qualname) == ("pkg.ops", "_k")
    assert recipe.import_path == ("/proj/src",)  # the folder the top package sits in
    assert recipe.stage.name == "bishengir" and recipe.ir == unit / "_k.ttadapter"
    assert recipe.attrs is not None and recipe.attrs["cls"] == "AscendAttrsDescriptor"
    assert recipe.options["num_warps"] == 4 and "BLOCK" not in recipe.options  # launch keywords: NPUOptions only
    script = recipe_of(unit, _record(qualname="__main__._k", source="/proj/scripts/run.py:3"))
    assert (script.module, script.fn_qualname, script.import_path) == ("__main__", "_k", ("/proj/scripts",))
    assert script.file == "/proj/scripts/run.py"


def test_a_new_record_is_taken_as_written(unit: Path) -> None:
    recipe = recipe_of(unit, _record(module="pkg.ops", fn_qualname="Ops._k", import_path=["/a", "/b"]))
    assert (recipe.module, recipe.fn_qualname, recipe.import_path) == ("pkg.ops", "Ops._k", ("/a", "/b"))


def test_a_kernel_defined_inside_a_function_has_no_source(unit: Path) -> None:
    with pytest.raises(NoSource):
        recipe_of(unit, _record(module="__main__", fn_qualname="make.<locals>._k",
                                qualname="__main__.make.<locals>._k"))


def test_an_old_record_of_a_kernel_inside_a_function_has_no_source(unit: Path) -> None:
    with pytest.raises(NoSource):
        recipe_of(unit, _record(qualname="__main__.make.<locals>._k"))


def test_a_folder_without_a_record_has_no_source(tmp_path: Path) -> None:
    with pytest.raises(NoSource, match="no record.json"):
        read_recipe(tmp_path)


def test_a_unit_that_did_not_fail_is_no_fit_input(unit: Path) -> None:
    from reducer.errors import InputError

    with pytest.raises(InputError, match="did not fail in a compiler stage") as err:
        recipe_of(unit, _record(replay=None, failed_stage=None))
    assert not isinstance(err.value, NoSource)


# --- the `resource` contract ----------------------------------------------------------------------------------


def test_to_dict_holds_the_contract_keys_with_ir_relative(tmp_path: Path) -> None:
    ir = tmp_path / "fit" / "_k-1" / "fit.ttadapter"
    result = FitResult("_k", "ub", 2097152, 1572864, Fit({"BLOCK": 2048, "N": 7}, {"BLOCK": 2048}, None, ir), tried=5)
    data = result.to_dict(relative_to=tmp_path)
    assert {"kind", "requires_bits", "available_bits", "ratio", "fit", "tried"} <= set(data)
    assert {"config", "changes", "requires_bits", "ir"} <= set(data["fit"])
    assert data["fit"]["ir"] == "fit/_k-1/fit.ttadapter"
    assert (data["kind"], data["ratio"], data["tried"], data["fit"]["requires_bits"]) == ("ub", 1.333, 5, None)
    assert data["fit"]["config"] == {"BLOCK": 2048, "N": 7} and data["fit"]["changes"] == {"BLOCK": 2048}
    assert "reason" not in data
    json.dumps(data)  # what triage.json embeds must serialise


def test_to_dict_without_a_fit_says_why() -> None:
    data = FitResult("_k", reason="no source: not a capture unit").to_dict(relative_to=Path("/x"))
    assert data["fit"] is None and data["reason"] == "no source: not a capture unit"
    assert data["kind"] is None and data["ratio"] is None and data["tried"] == 0


def test_a_folder_that_is_not_a_unit_exits_3(tmp_path: Path) -> None:
    proc = run_cli("fit", str(tmp_path / "empty"), "-o", str(tmp_path / "out"))
    assert proc.returncode == 3 and "no such folder" in proc.stderr
    (tmp_path / "empty").mkdir()
    proc = run_cli("fit", str(tmp_path / "empty"), "-o", str(tmp_path / "out"))
    assert proc.returncode == 3, proc.stderr
    assert "not a capture unit" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    written = json.loads((tmp_path / "out" / "fit.json").read_text())
    assert written["fit"] is None and written["reason"].startswith("no source")


# --- end to end, real compilers ---------------------------------------------------------------------------------


def _capture(folder: Path, script: Path, *args: str) -> dict[tuple[str, Any], Path]:
    """Capture `script` (compile only, no execution); its unit folders by (kernel, BLOCK)."""
    env = dict(os.environ, REDUCER_EXEC_SECONDS="0")
    proc = run_cli("capture", "-q", *args, "-o", str(folder), "--", sys.executable, str(script),
                   env=env, cwd=script.parent)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    units = {}
    for path in folder.glob("*/record.json"):
        record = json.loads(path.read_text())
        units[(record["kernel"], record["constants"].get("BLOCK"))] = path.parent
    return units


def _record_of(unit: Path) -> dict[str, Any]:
    return json.loads((unit / "record.json").read_text())


def _fit_json(unit: Path, out: Path, *extra: str) -> dict[str, Any]:
    proc = run_cli("fit", str(unit), "-o", str(out), "-j", "2", "--json", *extra)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads(proc.stdout)
    assert data == json.loads((out / "fit.json").read_text())
    return data


@pytest.fixture(scope="module", autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """`reducer fit` keeps its verdicts in the user's cache: this module's runs get one of their own, fresh."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REDUCER_CACHE", str(tmp_path_factory.mktemp("reducer-cache")))
        yield


@pytest.fixture(scope="module")
def a2_units(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, Any], Path]:
    return _capture(tmp_path_factory.mktemp("capture-a2"), TILES)


@pytest.fixture(scope="module")
def a5_units(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, Any], Path]:
    return _capture(tmp_path_factory.mktemp("capture-a5"), TILES, "--target", A5)


@pytest.fixture(scope="module")
def autotuned_fit(a2_units: dict[tuple[str, Any], Path], tmp_path_factory: pytest.TempPathFactory,
                  ) -> tuple[Path, dict[str, Any]]:
    """`reducer fit --json` on the 6th config (BLOCK=65536) of the autotuned kernel: its out folder and fit.json."""
    out = tmp_path_factory.mktemp("fits") / "scaled-65536"
    return out, _fit_json(a2_units[("_scaled_rows_kernel", 65536)], out)


@pytest.mark.slow
def test_the_autotuned_overflow_fits_and_says_which_configs_do(autotuned_fit: tuple[Path, dict[str, Any]],
                                                                a2_units: dict[tuple[str, Any], Path]) -> None:
    _, data = autotuned_fit
    record = _record_of(a2_units[("_scaled_rows_kernel", 65536)])
    assert record["failed_stage"] == "bishengir" and "ub overflow" in record["error"]
    assert data["kind"] == "ub" and data["requires_bits"] > data["available_bits"] == 1572864
    assert data["fit"]["changes"] == {"BLOCK": 16384} and data["fit"]["ir"] == "fit.ttadapter"
    tune = data["autotune"]
    assert (tune["configs"], tune["fit"], tune["overflow"], tune["own"]) == (6, [0, 1, 2, 3], [4, 5], 5)
    assert tune["sentence"].startswith("4 of 6 configs fit; these 2 overflow: ")
    overflowing = tune["sentence"].split("overflow: ", 1)[1]
    assert "BLOCK=32768" in overflowing and "BLOCK=65536" in overflowing and "BLOCK=16384" not in overflowing
    assert data["anomaly"] is None
    # The capture agrees on which slots overflow.
    failed = sorted(block for (kernel, block), unit in a2_units.items()
                    if kernel == "_scaled_rows_kernel" and _record_of(unit)["failed_stage"])
    assert failed == [32768, 65536]


@pytest.mark.slow
def test_the_fit_recompiles_by_hand_and_the_captured_input_does_not(autotuned_fit: tuple[Path, dict[str, Any]],
                                                                     a2_units: dict[tuple[str, Any], Path],
                                                                     tmp_path: Path) -> None:
    out, data = autotuned_fit
    unit = a2_units[("_scaled_rows_kernel", 65536)]
    npu = _record_of(unit)["npu_options"]
    assert hand_compile(out / data["fit"]["ir"], npu, tmp_path / "fit") == "passed-mlir"
    assert hand_compile(unit / "_scaled_rows_kernel.ttadapter", npu, tmp_path / "captured") == "overflow"


@pytest.mark.slow
def test_the_summary_names_the_fit_and_a_second_run_hits_the_cache(autotuned_fit: tuple[Path, dict[str, Any]],
                                                                    a2_units: dict[tuple[str, Any], Path]) -> None:
    first_out, first = autotuned_fit
    again = first_out.parent / "scaled-65536-again"  # the same parent: the same verdict cache
    proc = run_cli("fit", str(a2_units[("_scaled_rows_kernel", 65536)]), "-o", str(again), "-j", "2", "-q")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"fits with\s+BLOCK=16384", proc.stdout)
    assert "4 of 6 configs fit" in proc.stdout and "none: the user's config" in proc.stdout
    second = json.loads((again / "fit.json").read_text())
    assert second["fit"]["changes"] == first["fit"]["changes"]
    assert first["cache_hits"] < first["tried"]
    assert second["cache_hits"] == second["tried"] == first["tried"]  # every verdict from the first run's cache
    assert re.search(rf"{second['cache_hits']} from the cache", proc.stdout)


@pytest.mark.slow
def test_static_range_overflowing_on_a5_is_an_equivalent_form_anomaly(a5_units: dict[tuple[str, Any], Path],
                                                                       tmp_path: Path) -> None:
    unit = a5_units[("_chunk_sum_kernel", 8192)]
    record = _record_of(unit)
    assert record["target"] == A5 and record["failed_stage"] == "bishengir"
    data = _fit_json(unit, tmp_path / "fit")
    assert data["anomaly"]["rule"] == "equivalent-form-fits"
    assert "tl.range" in data["anomaly"]["detail"] and "tl.static_range" in data["anomaly"]["detail"]
    assert data["kind"] == "ub" and data["requires_bits"] > data["available_bits"]
    assert data["fit"] is not None and "BLOCK" in data["fit"]["changes"]
    # The A5 binary prints what a fitting kernel allocates: the fit's own bits, below what is available.
    assert 0 < data["fit"]["requires_bits"] <= data["available_bits"]
    npu = record["npu_options"]
    assert npu["compile_on_910_95"] is True
    assert hand_compile(tmp_path / "fit" / data["fit"]["ir"], npu, tmp_path / "hand") == "passed-mlir"
    assert hand_compile(unit / "_chunk_sum_kernel.ttadapter", npu, tmp_path / "captured") == "overflow"


@pytest.mark.slow
def test_a_unit_that_compiled_exits_3_in_one_line(a2_units: dict[tuple[str, Any], Path], tmp_path: Path) -> None:
    proc = run_cli("fit", str(a2_units[("_scaled_rows_kernel", 2048)]), "-o", str(tmp_path / "out"))
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert proc.stderr.strip().startswith("reducer: error:") and len(proc.stderr.strip().splitlines()) == 1
    assert "did not fail" in proc.stderr


_NO_GUARD = '''
from pathlib import Path

import torch
import triton
import triton.language as tl


@triton.jit
def _wide_mul_kernel(x_ptr, y_ptr, out_ptr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    tl.store(out_ptr + offs, tl.load(x_ptr + offs) * tl.load(y_ptr + offs))


x = torch.randn(131072)
_wide_mul_kernel[(1,)](x, x, torch.empty_like(x), BLOCK=131072)
with Path(__file__).with_suffix(".ran").open("a") as marker:
    marker.write("past the launch\\n")
'''


@pytest.mark.slow
def test_a_script_without_a_main_guard_still_fits(tmp_path: Path) -> None:
    script = tmp_path / "noguard.py"
    script.write_text(_NO_GUARD)
    units = _capture(tmp_path / "cap", script)
    marker = script.with_suffix(".ran")
    assert marker.read_text().count("\n") == 1  # the captured run went past its launch
    data = _fit_json(units[("_wide_mul_kernel", 131072)], tmp_path / "fit")
    assert data["fit"] is not None and data["fit"]["changes"]["BLOCK"] < 131072
    assert marker.read_text().count("\n") == 1  # the worker's import stopped at the launch
    npu = _record_of(units[("_wide_mul_kernel", 131072)])["npu_options"]
    assert hand_compile(tmp_path / "fit" / data["fit"]["ir"], npu, tmp_path / "hand") == "passed-mlir"


@pytest.mark.slow
def test_a_relative_out_folder_is_the_callers(a2_units: dict[tuple[str, Any], Path], tmp_path: Path) -> None:
    proc = run_cli("fit", str(a2_units[("_scaled_rows_kernel", 32768)]), "-o", "rel", "-j", "2", "-q", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads((tmp_path / "rel" / "fit.json").read_text())["fit"]["changes"] == {"BLOCK": 16384}


_ARGV_AT_IMPORT = _NO_GUARD.replace("x = torch.randn(131072)", "import sys\nif len(sys.argv) != 2:\n    sys.exit(2)\n"
                                    "x = torch.randn(int(sys.argv[1]))")


@pytest.mark.slow
def test_a_script_that_exits_at_import_without_its_arguments_still_fits(tmp_path: Path) -> None:
    script = tmp_path / "argv.py"
    script.write_text(_ARGV_AT_IMPORT)
    env = dict(os.environ, REDUCER_EXEC_SECONDS="0")
    proc = run_cli("capture", "-q", "-o", str(tmp_path / "cap"), "--", sys.executable, str(script), "131072",
                   env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (unit,) = [p.parent for p in (tmp_path / "cap").glob("*/record.json")]
    assert _fit_json(unit, tmp_path / "fit")["fit"] is not None


def test_a_dump_without_source_is_a_resource_limit_with_no_fit_and_no_fit_skips_the_search(tmp_path: Path) -> None:
    # A plain dump folder (no capture record): the unit has its bits, `fit` null and reason "no source".
    dump = tmp_path / "dump" / "a1b2c3"
    dump.mkdir(parents=True)
    text = (ROOT / "examples" / "ir" / "ub_overflow_elementwise.ttadapter.mlir").read_text()
    (dump / "kernel.ttadapter").write_text(text)
    out = tmp_path / "sweep"
    done = run_cli("sweep", str(tmp_path / "dump"), "-o", str(out), "--repros", str(tmp_path / "repros"), "-q")
    assert done.returncode == 0, done.stderr
    triage = json.loads((out / "triage.json").read_text())
    assert not triage["signatures"] and not (tmp_path / "repros").exists()  # not a bug: nothing saved
    (row,) = [u for u in triage["units"] if u["outcome"] == "resource-limit"]
    r = row["resource"]
    assert r["kind"] == "ub" and r["requires_bits"] == 10485760 and r["available_bits"] == 1572864
    assert r["fit"] is None and r["reason"] == "no source" and r["tried"] == 0
    assert "units hit a resource limit" in done.stdout


@pytest.mark.slow
def test_sweep_no_fit_keeps_the_limits_apart_without_searching(a2_units: dict[tuple[str, Any], Path],
                                                                 tmp_path: Path) -> None:
    capture = next(iter(a2_units.values())).parent
    out = tmp_path / "sweep"
    done = run_cli("sweep", str(capture), "-o", str(out), "--repros", str(tmp_path / "repros"), "--no-fit", "-q")
    assert done.returncode == 0, done.stderr
    triage = json.loads((out / "triage.json").read_text())
    limits = [u for u in triage["units"] if u["outcome"] == "resource-limit"]
    assert len(limits) == 2 and not triage["signatures"]
    assert all(u["resource"]["fit"] is None and u["resource"]["reason"] == "--no-fit" for u in limits)
    assert not (out / "fit").exists()


# --- the search alone, on a fake compiler: memory grows with the tile ------------------------------------------


class _FakeWorker:
    """Stands in for the worker: a candidate's 'IR' is its constants as JSON."""

    configs: list[dict[str, Any]] = []
    src = "def k(...):\n    for i in tl.static_range(4):\n        pass\n"

    def __init__(self, recipe: Any, out: Path) -> None:
        self.recipe, self.out, self.count = recipe, out, 0

    def start(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)

    def compile(self, constants: dict[str, Any], options: Any = None, variant: Any = None) -> tuple[Path, None]:
        self.count += 1
        path = self.out / f"c{self.count}.ttadapter"
        path.write_text(json.dumps({**self.recipe.constants, **constants, "variant": variant}))
        return path, None

    def close(self) -> None:
        pass

    def __enter__(self) -> _FakeWorker:
        return self

    def __exit__(self, *_: object) -> None:
        pass


class _FakeCache:
    """Judges a candidate by its tile: the product of its integer constants, against `available`."""

    def __init__(self, available: int, equivalent_fits: bool = False) -> None:
        self.available, self.equivalent_fits, self.hits, self.runs = available, equivalent_fits, 0, 0

    def judge(self, stage: Any, options: Any, text: str, timeout: float) -> Any:
        from reducer.fit.verdict import Verdict

        self.runs += 1
        c = json.loads(text)
        need = 1
        for v in c.values():
            if isinstance(v, int) and not isinstance(v, bool):
                need *= v
        if need <= self.available or (c["variant"] and self.equivalent_fits):
            return Verdict("fits", "passed-mlir")
        return Verdict("overflows", "resource-limit", need, self.available, "ub")


def _search(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, constants: dict[str, Any], cache: _FakeCache,
            jobs: int = 1) -> FitResult:
    from reducer.fit import search as search_mod

    monkeypatch.setattr(search_mod, "Respecialiser", _FakeWorker)
    folder = tmp_path / "unit"
    folder.mkdir()
    (folder / "k.ttadapter").write_text("module {}")
    record = _record(constants=constants, files={"ttadapter": "k.ttadapter"}, replay="bishengir",
                     failed_stage="bishengir")
    recipe = recipe_of(folder, record)
    request = search_mod.FitRequest(recipe, tmp_path / "out", jobs=jobs, cache=cache)  # type: ignore[arg-type]
    return search_mod.FitSearch(request).run()


def test_the_search_finds_the_nearest_fit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = _FakeCache(available=64 * 64 * 32)
    result = _search(tmp_path, monkeypatch, {"BLOCK_M": 128, "BLOCK_N": 128, "BLOCK_K": 64}, cache)
    assert result.fit is not None and result.anomaly is None
    # An eighth of the tile fits: one parameter halved three times is nearer than two halved (fewest changes first);
    # BLOCK_K stops at the floor (64 -> 16 is a quarter), so BLOCK_M, first by name among equals.
    assert result.fit.changes == {"BLOCK_M": 16}
    assert result.kind == "ub" and result.requires_bits == 128 * 128 * 64
    assert result.tried == cache.runs  # each candidate compiled and judged once
    nearer = [t for t in result.tried_log if t["changes"] and len(t["changes"]) == 1
              and list(t["changes"].values())[0] > 16 and t["variant"] is None]
    assert nearer and all(t["result"].startswith("overflows") for t in nearer)  # nothing nearer fits


def test_smallest_overflowing_is_an_anomaly_only_when_nothing_else_is_large(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _search(tmp_path, monkeypatch, {"BLOCK": 64, "FLAG": True}, _FakeCache(available=8))
    assert result.fit is None and result.anomaly is not None and result.anomaly.rule == "smallest-overflows"
    other = tmp_path / "other"
    other.mkdir()
    result = _search(other, monkeypatch, {"BLOCK": 64, "N": 3000}, _FakeCache(available=1000))
    assert result.fit is None and result.anomaly is None and "N not shrunk" in (result.reason or "")


def test_an_equivalent_form_that_fits_is_an_anomaly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _search(tmp_path, monkeypatch, {"BLOCK": 64}, _FakeCache(available=32, equivalent_fits=True))
    assert result.fit is not None and result.fit.changes == {"BLOCK": 32}
    assert result.anomaly is not None and result.anomaly.rule == "equivalent-form-fits"
