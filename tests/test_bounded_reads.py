"""Every read is bounded (issue 26, class 5 and the deadline): a FIFO or a device is refused at once, a log or a
report is read up to a stated size, a gzip bomb stops at a stated size, a log cannot make the tool walk the disk,
and `reduce --max-time` ends within 5 s of it with the reducer's own process under 1 GB, whatever the input size.
Every attack input is made here; every CLI run has a timeout, so a regression fails instead of hanging."""

from __future__ import annotations

import gzip
import io
import os
import re
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from reducer.capture import logs
from reducer.cli.capture import capture
from reducer.mlir.module import count_ops
from reducer.reduce.parse_cost import QUICK_BYTES, _measure, parse_limit
from reducer.reduce.request import MAX_INPUT_BYTES
from reducer.safety.leaks import SCAN_MAX_BYTES, UNPACKED_MAX_BYTES, find_leaks
from reducer.search.formats import XDSL_MAX_BYTES, MlirGeneric, line_count, ops_or_lines

from conftest import example, run_cli

GB = 1 << 30
# Measures the reducer's own peak RSS (not its compilers'): written at exit to the file named first.
_SELF_RSS = ("import atexit, resource, runpy, sys\n"
             "out = sys.argv.pop(1)\n"
             "atexit.register(lambda: open(out, 'w').write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)))\n"
             "sys.argv[0] = 'reducer'\n"
             "runpy.run_module('reducer', run_name='__main__')\n")


def _measured(tmp_path: Path, *args: str, timeout: float) -> tuple[subprocess.CompletedProcess[str], float, int]:
    """(the run, its wall seconds, the reducer process's own peak RSS in bytes)."""
    rss = tmp_path / "rss"
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", _SELF_RSS, str(rss), *args], capture_output=True, text=True,
                          cwd=tmp_path, timeout=timeout)
    took = time.monotonic() - t0
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc, took, int(rss.read_text()) * 1024


def _one_line_crash(pad: int) -> str:
    """The zero-stride crash on one line, a string attribute of `pad` bytes in it: the compiler fails at once."""
    src = re.sub(r" ?loc\([^()]*\)", "", example("block_ptr_zero_stride.ttir").read_text())
    one = " ".join(ln for ln in src.splitlines() if not ln.startswith("#loc")).split()
    return " ".join(one).replace("{noinline = false}", '{noinline = false, pad = "' + "x" * pad + '"}') + "\n"


def _errors(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.startswith("reducer: error")]


# --- FIFOs and devices: refused at once -------------------------------------------------------------------


@pytest.mark.parametrize("command", [["capture"], ["report", "--check"]])
def test_a_fifo_or_a_device_is_refused_at_once(tmp_path: Path, command: list[str]) -> None:
    os.mkfifo(tmp_path / "pipe.log")
    for target in (str(tmp_path / "pipe.log"), "/dev/zero"):
        t0 = time.monotonic()
        proc = run_cli(*command, target, cwd=tmp_path, timeout=30)
        assert time.monotonic() - t0 < 15
        [line] = _errors(proc.stderr)
        assert proc.returncode == 3 and "not a regular file" in line, proc.stderr


def test_a_log_over_the_stated_size_is_refused_unread(tmp_path: Path) -> None:
    log = tmp_path / "huge.log"
    with log.open("wb") as fh:  # sparse: refused by its size, never read
        fh.truncate(logs.LOG_MAX_BYTES + 1)
    proc = run_cli("capture", str(log), cwd=tmp_path, timeout=30)
    [line] = _errors(proc.stderr)
    assert proc.returncode == 3 and "too large for a log (at most 64 MiB)" in line


# --- a log names folders; only the user's and Triton's cache are walked ---------------------------------------


def _log(cache: str) -> str:
    return ("    repeat_row[grid](x, out)\nE   [ConvertTritonIRToLinalgIR] encounters error:\n"
            f"E   [INFO]: The compiled kernel cache is in {cache}\nE   [ERROR][Triton][END]\n")


def test_a_log_naming_the_root_as_its_cache_walks_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    walked: list[Path] = []
    real = logs.discover
    monkeypatch.setattr(logs, "discover", lambda folder: walked.append(Path(folder)) or real(folder))
    monkeypatch.setenv("TRITON_CACHE_DIR", str(tmp_path / "triton-cache"))
    dumps = tmp_path / "run"
    dumps.mkdir()
    for cache in ("/", "/..", "/etc", str(tmp_path / "triton-cache" / ".." / "..")):
        log = dumps / "pytest.log"
        log.write_text(_log(cache))
        result = CliRunner().invoke(capture, [str(log)])
        assert result.exit_code == 0, result.output
        assert walked == [dumps], (cache, walked)  # the log's own folder, nothing it names
        walked.clear()
    hashed = tmp_path / "triton-cache" / "Hx1"
    hashed.mkdir(parents=True)
    (hashed / "repeat_row.ttir").write_text(example("block_ptr_zero_stride.ttir").read_text())
    log.write_text(_log(str(hashed)))
    result = CliRunner().invoke(capture, [str(log)])
    assert result.exit_code == 0 and walked == [dumps, hashed], walked  # inside Triton's cache: looked at
    assert logs.search_folders(Path("/pytest.log"), ()) == []  # a log at / names no dump folder


def test_hostile_log_lines_cost_no_more_than_short_ones() -> None:
    tag = "[ConvertTritonIRToLinalgIR] encounters error:\n"
    hostile = ["a" * 2_000_000, "x[" * 1_000_000, "b.py:1:1: error " * 100_000, "/" * 2_000_000 + ".py:1:1: error"]
    t0 = time.monotonic()
    for line in hostile:
        [failure] = logs.parse_log(line + "\n" + tag + line + "\n")
        assert failure.line == 2
    assert time.monotonic() - t0 < 10  # each was minutes or hours (quadratic regexes) before
    assert logs.source_locations('at x/y/k.py:12:3: error: bad') == [("x/y/k.py", 12)]


# --- report --check: bounded decompression ------------------------------------------------------------------


def _bomb(path: Path, member: int, members: int = 1) -> None:
    """A tar.gz of `members` files of `member` zero bytes: a few MB that unpack to far more."""
    chunk = b"\0" * (1 << 20)
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=1) as gz:
        for n in range(members):
            info = tarfile.TarInfo(f"issue-{n}.md")
            info.size = member
            gz.write(info.tobuf())
            for _ in range(member // len(chunk)):
                gz.write(chunk)


@pytest.mark.parametrize("member, members, why", [
    (SCAN_MAX_BYTES * 16, 1, "larger than 64 MiB"),  # one member of 1 GiB
    (32 << 20, UNPACKED_MAX_BYTES // (32 << 20) + 2, "unpacks to more than 128 MiB"),  # many under the member cap
])
def test_a_gzip_bomb_stops_at_the_stated_size(tmp_path: Path, member: int, members: int, why: str) -> None:
    bundle = tmp_path / "bundle.tar.gz"
    _bomb(bundle, member, members)
    assert bundle.stat().st_size < 16 << 20
    proc, took, rss = _measured(tmp_path, "report", "--check", str(bundle), timeout=120)
    assert proc.returncode == 1 and "not scanned:" in proc.stdout and why in proc.stdout, (proc.stdout, proc.stderr)
    assert took < 30 and rss < GB, (took, rss)


def test_a_zip_bomb_and_plain_text_gzip_are_bounded_too(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("issue.md", "w", force_zip64=True) as fh:
        for _ in range(SCAN_MAX_BYTES // (1 << 20) + 8):
            fh.write(b"\0" * (1 << 20))
    text = tmp_path / "notes.md.gz"
    text.write_bytes(gzip.compress(f"built in {Path.home()}/secret-project\n".encode()))
    found = {(leak.where, leak.text) for leak in find_leaks(tmp_path)}
    assert ("bundle.zip", "not scanned: issue.md is larger than 64 MiB") in found
    assert any(where == "notes.md.gz" and "secret-project" in what for where, what in found)  # read, not skipped


def test_links_and_pipes_in_a_report_folder_are_listed_not_followed(tmp_path: Path) -> None:
    (tmp_path / "issue.md").write_text("clean\n")
    (tmp_path / "shadow").symlink_to("/etc/shadow")
    os.mkfifo(tmp_path / "pipe")
    found = {leak.where: leak.text for leak in find_leaks(tmp_path)}
    assert found == {"shadow": "not scanned: a link to /etc/shadow, not followed",
                     "pipe": "not scanned: not a regular file (a pipe, socket or device)"}


# --- reduce: refused in one line past a stated size, a deadline on any size ---------------------------------


def test_xdsl_is_not_given_text_over_its_stated_size() -> None:
    text = '"builtin.module"() ({\n  "test.op"() : () -> ()\n  "test.op"() : () -> ()\n}) : () -> ()\n'
    assert MlirGeneric(max_bytes=len(text) - 1).normalise(text) is None
    assert MlirGeneric().normalise(text) is not None
    assert ops_or_lines(text, len(text) - 1) == line_count(text) != ops_or_lines(text)


def _generic_funcs(size: int) -> str:
    """A generic module of about `size` bytes: many small functions (xDSL parses ~0.3 MiB a second)."""
    func = ('  "func.func"() <{{function_type = (i32) -> i32, sym_name = "f{n}"}}> ({{\n  ^bb0(%a: i32):\n'
            '    %0 = "arith.addi"(%a, %a) : (i32, i32) -> i32\n'
            '    "func.return"(%0) : (i32) -> ()\n  }}) : () -> ()\n')
    count = size // len(func.format(n=0))
    return '"builtin.module"() ({\n' + "".join(func.format(n=n) for n in range(count)) + "}) : () -> ()\n"


def test_under_a_deadline_a_large_parse_is_measured_where_it_can_be_killed() -> None:
    small, large = _generic_funcs(QUICK_BYTES // 2), _generic_funcs(4 << 20)  # ~14 s of parsing
    measured = _measure(small, 30)
    assert measured is not None and measured[0] == count_ops(small) > 1000  # the subprocess parses what we do
    assert parse_limit(large, None) == XDSL_MAX_BYTES  # no deadline: memory is the only bound
    assert parse_limit(small, time.monotonic() + 60) == QUICK_BYTES  # quick enough to parse in-process at once
    t0 = time.monotonic()
    assert parse_limit(large, time.monotonic() + 60) == QUICK_BYTES  # too slow here: reduced as lines
    assert time.monotonic() - t0 < 10  # the subprocess was killed, not waited for
    t0 = time.monotonic()
    assert parse_limit(large, time.monotonic() + 0.5) == QUICK_BYTES
    assert time.monotonic() - t0 < 3


def test_a_60_mib_one_line_input_is_refused_in_one_line_at_once(tmp_path: Path) -> None:
    src = tmp_path / "huge.ttir"
    src.write_text(_one_line_crash(60 << 20))
    assert src.stat().st_size > MAX_INPUT_BYTES
    proc, took, rss = _measured(tmp_path, "reduce", str(src), "-o", str(tmp_path / "o.mlir"), "-q",
                                "--max-time", "10", timeout=120)
    [line] = _errors(proc.stderr)
    assert proc.returncode == 3 and "more than reduce takes (16 MiB" in line, proc.stderr
    assert took < 10 + 5 and rss < GB, (took, rss)
    assert not (tmp_path / "o.mlir").exists()


@pytest.mark.slow
def test_max_time_holds_on_a_one_line_input_just_under_the_stated_size(tmp_path: Path) -> None:
    src = tmp_path / "big.ttir"
    src.write_text(_one_line_crash(MAX_INPUT_BYTES - (64 << 10)))
    proc, took, rss = _measured(tmp_path, "reduce", str(src), "-o", str(tmp_path / "o.mlir"), "-q",
                                "--max-time", "10", timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert took < 10 + 5, took
    assert rss < GB, rss
    assert (tmp_path / "o.mlir").is_file()


@pytest.mark.slow
def test_max_time_holds_on_ir_whose_generic_form_takes_seconds_to_parse(tmp_path: Path) -> None:
    body = io.StringIO()
    size, n = 0, 0
    while size < 256 << 10:  # its generic print is about 1 MiB: 3.5 s of parsing, more on a loaded machine
        func = f" tt.func @pad{n}(%a: i32) {{ %0 = arith.addi %a, %a : i32 tt.return }}"
        body.write(func)
        size, n = size + len(func), n + 1
    src = tmp_path / "many.ttir"
    src.write_text(_one_line_crash(0).rstrip()[:-1] + body.getvalue() + " }\n")
    for max_time in (4, 7):
        proc, took, rss = _measured(tmp_path, "reduce", str(src), "-o", str(tmp_path / "o.mlir"), "-q",
                                    "--max-time", str(max_time), timeout=300)
        assert proc.returncode in (0, 3), proc.stderr
        assert took < max_time + 5 and rss < GB, (max_time, took, rss)
