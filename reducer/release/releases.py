"""Other releases of a stage's wheel, side by side: each unpacked once (just the stage's binaries) into the
user's cache, reused by every later run, created under a lock so concurrent runs share one copy.

The registry is asked through pip, as the user's own installs are (same index, same proxies). When it cannot
be reached, what is cached is used and what is not is an error that says so.
"""

from __future__ import annotations

import json
import os
import re
import sys
import zipfile
from pathlib import Path

from packaging.version import InvalidVersion, Version

from reducer.errors import ReleaseUnavailable
from reducer.proc import atomic, locks
from reducer.proc.groups import owned_tempdir
from reducer.proc.run import run_process
from reducer.stage.table import StageSpec
from reducer.stage.toolchain import package_version

CACHE_ENV = "REDUCER_CACHE"
_READY = ".ready"


def cache_root() -> Path:
    base = os.environ.get(CACHE_ENV) or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / ("" if os.environ.get(CACHE_ENV) else "reducer")


def _version_key(version: str) -> tuple[int, Version, str]:
    """PEP 440 order (`3.2.0.dev1` < `3.2.0rc1` < `3.2.0` < `3.2.0.post1`); a name pip would not list sorts last."""
    try:
        return 0, Version(version), version
    except InvalidVersion:
        return 1, Version("0"), version


def sort_versions(versions: list[str]) -> list[str]:
    """Distinct releases, oldest first, as pip orders them."""
    return sorted(set(versions), key=_version_key)


def available(wheel: str, timeout: float = 120.0) -> tuple[list[str], bool]:
    """(every release pip can see, oldest first; whether the list came from the cache because the registry
    could not be asked)."""
    cached = cache_root() / "index" / f"{wheel}.json"
    try:
        done = run_process([sys.executable, "-m", "pip", "index", "versions", wheel, "--disable-pip-version-check"],
                           timeout=timeout)
    except OSError:
        done = None
    found = re.search(r"^Available versions: (.+)$", done.stdout, re.M) if done and done.returncode == 0 else None
    if found:
        versions = sort_versions([v.strip() for v in found.group(1).split(",") if v.strip()])
        atomic.write_text(cached, json.dumps(versions) + "\n")
        return versions, False
    if cached.is_file():
        return json.loads(cached.read_text()), True
    raise ReleaseUnavailable(
        f"cannot list the releases of {wheel}: the registry did not answer and none are cached",
        "check the network or pip's index settings, or pass --versions",
    )


def tool_of(spec: StageSpec, version: str, timeout: float = 900.0) -> Path:
    """The stage's binary from release `version` of its wheel: the installed one when that is the version,
    else the cached copy, fetched and unpacked first if needed (under a lock)."""
    if package_version(spec.wheel) == version:
        from reducer.stage.toolchain import locate

        return locate(spec).path
    folder = cache_root() / "releases" / f"{spec.wheel}-{version}"
    tool = folder / spec.package / spec.path_in_package
    if (folder / _READY).is_file():
        return tool
    with locks.exclusive(folder.parent, wait=True, what="release download"):
        if not (folder / _READY).is_file():
            _fetch(spec, version, folder, timeout)
    return tool


def is_cached(spec: StageSpec, version: str) -> bool:
    ready = cache_root() / "releases" / f"{spec.wheel}-{version}" / _READY
    return package_version(spec.wheel) == version or ready.is_file()


def _fetch(spec: StageSpec, version: str, folder: Path, timeout: float) -> None:
    with owned_tempdir("download") as tmp:
        done = run_process(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check",
             "-q", "-d", str(tmp), f"{spec.wheel}=={version}"],
            timeout=timeout,
        )
        wheels = list(tmp.glob("*.whl"))
        if done.returncode != 0 or not wheels:
            last = (done.stderr.strip().splitlines() or ["no wheel"])[-1][:200]
            raise ReleaseUnavailable(f"cannot fetch {spec.wheel} {version}: {last}", "check the network or the version")
        # Only the binaries the stage runs: a wheel is 50-160 MB, its tools a fraction of that.
        wanted = {f"{spec.package}/{spec.path_in_package}"}
        if spec.parser:
            wanted.add(f"{spec.package}/{Path(spec.path_in_package).parent / spec.parser}")
        with zipfile.ZipFile(wheels[0]) as wheel:
            for info in wheel.infolist():
                # Some releases install from `<name>.data/purelib/`: the same layout one level down.
                name = re.sub(r"^[^/]+\.data/(?:purelib|platlib)/", "", info.filename)
                if name in wanted:
                    target = folder / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with wheel.open(info) as src, open(target, "wb") as dst:
                        while chunk := src.read(1 << 20):
                            dst.write(chunk)
                    target.chmod(0o755)
    if not (folder / spec.package / spec.path_in_package).is_file():
        raise ReleaseUnavailable(f"{spec.wheel} {version} has no {spec.path_in_package}", "this release lacks the tool")
    atomic.write_text(folder / _READY, version + "\n")
