"""The shared secret table: every kind is redacted and found wherever it sits in IR or stderr, look-alikes are
left alone, and a real crash planted with secrets gives a report that `reducer report --check` passes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from reducer.safety import secrets
from reducer.safety.redact import Redactor
from reducer.stage.table import ADAPTER
from reducer.stage.toolchain import locate

from conftest import example, run_cli


@dataclass(frozen=True)
class Planted:
    kind: str  # the row of reducer.secrets that must find it
    raw: str  # as it stands in prose, a comment or stderr
    secret: str  # the part that must vanish, and that --check must name
    bare: bool = False  # also a valid bare MLIR symbol name (`@<raw>`)


def _token(prefix: str, length: int) -> str:
    body = "Planted0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" * 2
    return prefix + body[: length - len(prefix)]


AWS_SECRET = "Planted/Secret+Key0123456789abcdefghijKL"
PEM_BODY = "b3BlbnNzaC1rZXktdjEAAAAAplantedKeyMaterial0123456789"
PEM = f"-----BEGIN OPENSSH PRIVATE KEY-----\n{PEM_BODY}\n-----END OPENSSH PRIVATE KEY-----"
GITHUB_TOKENS = [*(_token(p, 40) for p in ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")), _token("github_pat_11AB_", 93)]
BARE_HOSTS = ["build.corp.example.com", "ci.acmerobotics.de", "nas.home.arpa", "wiki.intranet", "gw7.lan", "jump.corp"]

PLANTED = [
    Planted("email", "alice.planted@corp.com", "alice.planted@corp.com"),
    Planted("email", "bob+ci@build.corp.internal", "bob+ci@build.corp.internal"),
    *[Planted("github_token", t, t, bare=True) for t in GITHUB_TOKENS],
    Planted("aws_access_key_id", "AKIAPLANTED012345678", "AKIAPLANTED012345678", bare=True),
    Planted("aws_access_key_id", "ASIAPLANTED876543210", "ASIAPLANTED876543210", bare=True),
    Planted("aws_secret_access_key", f"aws_secret_access_key = {AWS_SECRET}", AWS_SECRET),
    Planted("api_key", _token("sk-", 48), _token("sk-", 48)),
    Planted("api_key", "sk-proj-Planted_0123456789-abcdefghijKLMNOP", "sk-proj-Planted_0123456789-abcdefghijKLMNOP"),
    Planted("bearer_token", "Bearer eyJhbGciOiJIUzI1NiJ9.cGxhbnRlZA.Planted0123", "eyJhbGciOiJIUzI1NiJ9.cGxhbnRlZA"),
    Planted("authorization", "Authorization: Basic cGxhbnRlZDpodW50ZXIy", "cGxhbnRlZDpodW50ZXIy"),
    Planted("private_key", PEM, PEM_BODY),
    Planted("ipv4", "10.23.45.67", "10.23.45.67"),
    Planted("ipv4", "192.168.7.21", "192.168.7.21"),
    *[Planted("host", h, h, bare=True) for h in BARE_HOSTS],
    Planted("host", "build-07.corp.internal", "build-07.corp.internal"),  # `-`: only quoted as a symbol
    Planted("host", "alice-mbp.local", "alice-mbp.local"),
    Planted("url_credentials", "https://alice:hunter2pw@git.corp.internal/team/kernels.git", "hunter2pw"),
    Planted("windows_path", r"C:\Users\winplanted\kernels\k.py", "winplanted"),
    Planted("windows_path", r"D:\planted-builds\out\log.txt", "planted-builds"),
]
KINDS = sorted({p.kind for p in PLANTED})


def _pieces(planted: Planted) -> list[str]:
    """The secret and its long alphanumeric runs: a redaction that cuts a secret in two must not pass."""
    return [planted.secret, *(run for run in re.findall(r"[A-Za-z0-9]{10,}", planted.secret) if run != planted.secret)]


def _leaked(text: str) -> list[str]:
    return [piece for p in PLANTED for piece in _pieces(p) if piece in text]


def _mlir_string(text: str) -> str:
    """`text` as the body of an MLIR string literal."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _comment(text: str) -> str:
    return "\n".join(f"// note: {line}" for line in text.splitlines())


POSITIONS = {
    "comment": _comment,
    "loc": lambda s: f'#loc3 = loc("{_mlir_string(s)}":14:60)',
    "quoted_symbol": lambda s: f'tt.func private @"{_mlir_string(s)}"()',
    "string_attr": lambda s: f'tt.func public @k() attributes {{note = "{_mlir_string(s)}"}} {{',
    "stderr": lambda s: f"triton-adapter-opt: error: cannot reach {s} (kernel.ttir.mlir:3:7)",
}


def _placements() -> list[tuple[Planted, str]]:
    cases = [(p, pos) for p in PLANTED for pos in POSITIONS]
    return cases + [(p, "bare_symbol") for p in PLANTED if p.bare]


def _place(planted: Planted, position: str) -> str:
    if position == "bare_symbol":
        return f"  tt.call @{planted.raw}() : () -> ()"
    return POSITIONS[position](planted.raw)


# --- unit: every kind, every position ------------------------------------------------------


def test_every_kind_is_planted() -> None:
    table = {kind.name for kind in secrets.SECRET_KINDS}
    assert set(KINDS) == table
    assert len(AWS_SECRET) == 40


@pytest.mark.parametrize(("planted", "position"), _placements(), ids=lambda v: v if isinstance(v, str) else v.kind)
def test_secret_is_redacted_and_found(planted: Planted, position: str) -> None:
    text = _place(planted, position)
    redactor = Redactor()
    assert planted.kind in {f.kind for f in secrets.find(text)}
    assert any(planted.secret in leak for leak in redactor.leaks(text)), redactor.leaks(text)
    clean = redactor.text(text)
    assert [piece for piece in _pieces(planted) if piece in clean] == [], clean
    assert secrets.find(clean) == [] and redactor.leaks(clean) == []
    assert secrets.redact(clean) == clean


@pytest.mark.parametrize("planted", [p for p in PLANTED if p.bare], ids=lambda p: p.kind)
def test_bare_symbol_stays_a_bare_symbol(planted: Planted) -> None:
    clean = Redactor().text(_place(planted, "bare_symbol"))
    assert re.fullmatch(r"  tt\.call @REDACTED_[A-Z]+\(\) : \(\) -> \(\)", clean), clean


def test_placeholders_are_identifier_safe() -> None:
    for kind in secrets.SECRET_KINDS:
        assert re.fullmatch(r"[A-Za-z_]\w*", kind.placeholder), kind.name


def test_planted_user_name_in_a_bare_symbol_keeps_it_parseable() -> None:
    redactor = Redactor(("zoe-planted", "buildhost"))
    assert redactor.text("tt.call @buildhost() : () -> ()") == "tt.call @REDACTED_NAME() : () -> ()"
    assert redactor.text("run by zoe-planted@buildhost") == "run by <redacted>@<redacted>"


LOOK_ALIKES = [
    "%0 = tt.func public @repeat_row(%arg0: !tt.ptr<f32>) {",
    "triton.runtime.jit",
    "mlir::detail::StorageUserBase<mlir::StridedLayoutAttr>",
    "scf.for %i = %c0 to %c8 step %c1 {",
    "%c0_i64 = arith.constant 0 : i64",
    "hivm.hir.vsort ins(%0 : memref<128xf32>)",
    "kernel.ttir.mlir",
    "StorageUniquerSupport.h:180: static ConcreteT",
    "triton-ascend 3.2.0, ascendnpu-ir 1.2.0, LLVM 20.0.0git, clang 19.1.7",
    "#12 0x1f288b1 (triton-adapter-opt+0x1f288b1)",
    "%ret.tr = llvm.add %a, %b : i32",
    "cf.br ^bb1(%0 : i32)",
    "%1 = tt.cat %a, %b : tensor<4xf32> -> tensor<8xf32>",
    "llvm.x86.tdpbssd.internal",
    "logger.info(msg); _TLS = threading.local()",
    'loc("block_ptr_zero_stride.py":11:0)',
    "exitcodes.INTERNAL",
    "%cst = arith.constant dense<2.000000e+00> : tensor<16x32xf32>",
    "memcpy@GLIBC_2.2.5 libc.so.6",
    "PLEASE submit a bug report to https://github.com/llvm/llvm-project/issues/",
    "https://gitcode.com/Ascend/triton-ascend/issues https://llvm.org/docs/ https://pypi.org/project/triton-ascend/",
    "pip install triton-ascend==3.2.0 --index-url https://pypi.python.org/simple",
    "see example.invalid; git clone git@github.com:triton-lang/triton.git",
    "listening on 127.0.0.1 and 0.0.0.0",
    'tt.print " x:\\0A" {hex = false}',
    'log.debug("Generated %s:\\n%s", artifact)',
    'res += "\\n@triton.jit\\n"',
    "the bearer of bad news; authorization",
    "skip-the-check ask-for-reference-counting",
    "REDACTED_HOST REDACTED_EMAIL REDACTED_TOKEN",
]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_are_left_alone(text: str) -> None:
    assert secrets.find(text) == []
    assert Redactor().text(text) == text


# --- the redacted IR still parses ----------------------------------------------------------


def _module_with_every_secret() -> str:
    """A valid module holding every planted secret in a comment, a loc, a symbol and a string attribute.

    Symbols stay distinct after redaction: quoted ones carry a number, and one bare symbol per placeholder
    (two secrets that both become `@REDACTED_TOKEN` would define one symbol twice).
    """
    lines = [_comment(p.raw) for p in PLANTED]
    lines.append("module {")
    bare_done: set[str] = set()
    for i, p in enumerate(PLANTED):
        lines.append(f'  tt.func private @"s{i} {_mlir_string(p.raw)}"() loc(#loc{i})')
        placeholder = secrets.redact(p.raw)
        if p.bare and placeholder not in bare_done:
            bare_done.add(placeholder)
            lines.append(f"  tt.func private @{p.raw}() loc(#loc{i})")
    notes = ", ".join(f'note{i} = "{_mlir_string(p.raw)}"' for i, p in enumerate(PLANTED))
    lines += [f"  tt.func public @k() attributes {{{notes}}} {{", "    tt.return", "  }", "}"]
    lines += [f'#loc{i} = loc("{_mlir_string(p.raw)}":{i + 1}:1)' for i, p in enumerate(PLANTED)]
    return "\n".join(lines) + "\n"


def _parses(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(locate(ADAPTER).path), str(path)], capture_output=True, text=True, timeout=60)


def test_redacted_ir_still_parses(tmp_path: Path) -> None:
    raw = tmp_path / "raw.mlir"
    raw.write_text(_module_with_every_secret())
    assert _parses(raw).returncode == 0, _parses(raw).stderr  # guard: the planted module is valid IR
    clean = tmp_path / "clean.mlir"
    clean.write_text(Redactor().text(raw.read_text()))
    proc = _parses(clean)
    assert proc.returncode == 0, proc.stderr
    assert _leaked(clean.read_text()) == []
    assert "@REDACTED_HOST()" in proc.stdout and "@REDACTED_TOKEN" in proc.stdout


# --- end to end: a real crash, planted, reported, checked ----------------------------------


def _plant(ir: str) -> str:
    """block_ptr_zero_stride.ttir with every secret in comments, locs, the kernel name and a string attribute."""
    raws = [p.raw for p in PLANTED]
    ir = ir.replace("@repeat_row", "@build.corp.example.com")
    notes = ", ".join(f'note{i} = "{_mlir_string(r)}"' for i, r in enumerate(raws))
    ir = ir.replace("attributes {noinline = false}", f"attributes {{noinline = false, {notes}}}")
    # Each location names another secret instead of the kernel's source file.
    slots = iter(raws * 3)
    source = re.compile(r'loc\("examples/kernels/block_ptr_zero_stride\.py"')
    ir = source.sub(lambda _m: f'loc("{_mlir_string(next(slots))}"', ir)
    extra = [f'#planted{i} = loc("{_mlir_string(r)}":1:1)' for i, r in enumerate(raws)]
    return "\n".join(_comment(r) for r in raws) + "\n" + ir + "\n".join(extra) + "\n"


def _bundle_texts(bundle: Path) -> dict[str, str]:
    with tarfile.open(bundle) as tar:
        return {m.name: tar.extractfile(m).read().decode() for m in tar.getmembers() if m.isfile()}


@pytest.fixture
def planted_crash(tmp_path: Path) -> Path:
    """The planted IR, checked to crash exactly as the unplanted example does."""
    original = example("block_ptr_zero_stride.ttir")
    path = tmp_path / "k.ttir"
    path.write_text(_plant(original.read_text()))
    sig = json.loads(run_cli("check", str(original), "--json").stdout)["id"]
    same = run_cli("check", str(path), "--expect", sig)
    assert same.returncode == 0, same.stdout + same.stderr
    return path


@pytest.fixture
def noisy_tool(tmp_path: Path) -> dict[str, str]:
    """An environment whose triton-adapter-opt prints every secret to stderr before crashing as usual."""
    note = tmp_path / "tool-note.txt"
    note.write_text("\n".join(f"note: {p.raw}" for p in PLANTED) + "\n")
    wrapper = tmp_path / "bin" / "triton-adapter-opt"
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/bash\ncat "{note}" >&2\nexec "{locate(ADAPTER).path}" "$@"\n')
    wrapper.chmod(0o755)
    return {**os.environ, "TRITON_ADAPTER_OPT": str(wrapper)}


def test_report_of_planted_crash_holds_no_secret(
    planted_crash: Path, noisy_tool: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    made = run_cli("report", str(planted_crash), "-o", str(out), cwd=tmp_path, env=noisy_tool)
    assert made.returncode == 0, made.stdout + made.stderr
    texts = {"issue.md": (out / "issue.md").read_text(), **_bundle_texts(out / "bundle.tar.gz")}
    assert any(name.endswith("/repro.mlir") for name in texts)
    for name, text in texts.items():
        assert _leaked(text) == [], name
    assert "strides must not be zero" in texts["issue.md"]
    stderr = next(text for name, text in texts.items() if name.endswith("/stderr.txt"))
    assert "note: REDACTED_EMAIL" in stderr and "note: REDACTED_PRIVATE_KEY" in stderr  # the secrets reached it
    checked = run_cli("report", "--check", str(out))
    assert checked.returncode == 0, checked.stdout + checked.stderr

    dirty = tmp_path / "dirty"
    shutil.copytree(out, dirty)
    with (dirty / "issue.md").open("a") as fh:
        fh.write("\n".join(p.raw for p in PLANTED) + "\n")
    caught = run_cli("report", "--check", str(dirty))
    assert caught.returncode == 1, caught.stdout + caught.stderr
    for p in PLANTED:
        assert p.secret in caught.stdout, f"--check did not name {p.kind} {p.secret!r}"
