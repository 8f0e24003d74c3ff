"""Other releases of a stage's wheel, side by side: each unpacked once (just the stage's binaries) into the
user's cache, reused by every later run, created under a lock so concurrent runs share one copy.

The registry is asked through pip, as the user's own installs are (same index, same proxies). When it cannot
be reached, what is cached is used and what is not is an error that says so.

The cache holds programs the tool runs and verdicts it believes, so nothing in it is trusted as found: a cache
folder or file another user owns, or that its group or everyone may write, is refused in one line
(`trusted`); every file of an unpacked release is checked against the wheel's RECORD when it is unpacked and
against the sha256 recorded then (`.ready`) before it runs; a release that does not verify is unpacked again.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import stat
import sys
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from reducer.errors import InputError, ReleaseUnavailable
from reducer.proc import atomic, locks
from reducer.proc.groups import owned_tempdir
from reducer.proc.run import run_process
from reducer.stage.table import StageSpec
from reducer.stage.toolchain import package_version

CACHE_ENV = "REDUCER_CACHE"
_READY = ".ready"
_MANIFEST_FORMAT = 2  # 1 was the bare version: no hashes, so such a release is unpacked again
_SMALL = 1 << 20  # a manifest or the index's release list: far smaller


def cache_root() -> Path:
    base = os.environ.get(CACHE_ENV) or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / ("" if os.environ.get(CACHE_ENV) else "reducer")


# --- trust ------------------------------------------------------------------------------------------------


def trusted(path: Path) -> None:
    """InputError (one line) when `path` exists and another user owns it or its group or everyone may write it:
    whoever can write the cache chooses what the tool runs and what its verdicts say."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    if st.st_uid != os.geteuid():
        raise InputError(f"{path}: the cache is owned by uid {st.st_uid}, not by you: not used",
                         f"point {CACHE_ENV} at a folder of your own")
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        who = "everyone" if st.st_mode & stat.S_IWOTH else "its group"
        raise InputError(f"{path}: the cache is writable by {who} (mode {stat.S_IMODE(st.st_mode):o}): not used",
                         f"chmod go-w {path}, or point {CACHE_ENV} at a folder of your own")


def trusted_path(path: Path) -> Path:
    """`path` under the cache root, after `trusted` held for the root and every existing folder down to it."""
    root = cache_root()
    here = root
    trusted(here)
    for part in path.relative_to(root).parts:
        here = here / part
        trusted(here)
    return path


def private_dir(path: Path) -> Path:
    """`path` (under the cache root) created as needed, each new folder 0700: a umask of 002 must not make the
    cache group-writable, or the next run would refuse it."""
    root = cache_root()
    root.parent.mkdir(parents=True, exist_ok=True)
    here = root
    for part in ("", *path.relative_to(root).parts):
        here = here / part if part else here
        try:
            here.mkdir(mode=0o700)
        except FileExistsError:
            pass
    return trusted_path(path)


# --- hashes -----------------------------------------------------------------------------------------------

_HASHED: dict[tuple[int, ...], str] = {}  # a file's identity (inode, size, times) -> its sha256
_HASHED_LOCK = threading.Lock()


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes, hashed once per process while its inode, size and times stay the same (a
    replaced or rewritten file changes its ctime, which nobody can set)."""
    st = path.stat()
    ident = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    with _HASHED_LOCK:
        if ident in _HASHED:
            return _HASHED[ident]
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    with _HASHED_LOCK:
        _HASHED[ident] = digest.hexdigest()
    return _HASHED[ident]


def _read_small_json(path: Path) -> object:
    """JSON from a small trusted regular file; None when it is missing, too large or does not parse."""
    trusted_path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = fh.read(_SMALL + 1)
    try:
        return json.loads(data) if len(data) <= _SMALL else None
    except (ValueError, RecursionError):  # not JSON, or nested past what the decoder takes
        return None


# --- the releases -----------------------------------------------------------------------------------------


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
        private_dir(cached.parent)
        atomic.write_text(cached, json.dumps(versions) + "\n")
        os.chmod(cached, 0o600)
        return versions, False
    listed = _read_small_json(cached)
    if isinstance(listed, list) and listed and all(isinstance(v, str) for v in listed):
        return sort_versions(listed), True
    raise ReleaseUnavailable(
        f"cannot list the releases of {wheel}: the registry did not answer and none are cached",
        "check the network or pip's index settings, or pass --versions",
    )


@dataclass(frozen=True)
class ReleaseTool:
    """A release's binary, verified: where it is and the sha256 it was checked against."""

    path: Path
    sha256: str


def tool_of(spec: StageSpec, version: str, timeout: float = 900.0) -> Path:
    return release_tool(spec, version, timeout).path


def release_tool(spec: StageSpec, version: str, timeout: float = 900.0) -> ReleaseTool:
    """The stage's binary from release `version` of its wheel: the installed one when that is the version,
    else the cached copy once every file of it verifies, fetched and unpacked first if needed (under a lock)."""
    if package_version(spec.wheel) == version:
        from reducer.stage.toolchain import locate

        path = locate(spec).path
        return ReleaseTool(path, file_sha256(path))
    folder = _folder(spec, version)
    files = _verified(folder, version)
    if files is None:
        with locks.exclusive(private_dir(folder.parent), wait=True, what="release download"):
            files = _verified(folder, version)
            if files is None:
                changed = (folder / _READY).exists()
                try:
                    _fetch(spec, version, folder, timeout)
                except ReleaseUnavailable as err:
                    if changed:  # what is cached is not run: it is not what was unpacked
                        err.args = (f"the cached copy does not verify (changed since it was unpacked), and {err}",)
                    raise
                files = _verified(folder, version)
    name = f"{spec.package}/{spec.path_in_package}"
    if files is None or name not in files:
        raise ReleaseUnavailable(f"{spec.wheel} {version}: the unpacked release does not verify",
                                 f"remove {folder} and run again")
    return ReleaseTool(folder / name, files[name])


def is_cached(spec: StageSpec, version: str) -> bool:
    return package_version(spec.wheel) == version or _verified(_folder(spec, version), version) is not None


def _folder(spec: StageSpec, version: str) -> Path:
    return cache_root() / "releases" / f"{spec.wheel}-{version}"


def _verified(folder: Path, version: str) -> dict[str, str] | None:
    """The release's files (path in the wheel -> sha256) when `.ready` lists exactly the files the folder holds,
    each a regular file with the recorded hash; None when not (absent, unfinished, an older cache, tampered)."""
    manifest = _read_small_json(folder / _READY)
    if not isinstance(manifest, dict) or manifest.get("format") != _MANIFEST_FORMAT:
        return None
    files = manifest.get("files")
    if manifest.get("version") != version or not isinstance(files, dict) or not files:
        return None
    held: set[str] = set()
    for here, dirs, names in os.walk(folder):
        for name in dirs + names:
            path = Path(here) / name
            trusted(path)
            mode = path.lstat().st_mode
            if stat.S_ISDIR(mode):
                continue
            if not stat.S_ISREG(mode):
                return None  # a link or a device among the binaries: not what was unpacked
            held.add(path.relative_to(folder).as_posix())
    if held != {*files, _READY}:
        return None
    for name, digest in files.items():
        if not isinstance(digest, str) or file_sha256(folder / name) != digest:
            return None
    return files


def _record_hashes(wheel: zipfile.ZipFile) -> dict[str, str]:
    """The wheel's RECORD: archive name -> sha256 (hex)."""
    record = next((n for n in wheel.namelist() if re.fullmatch(r"[^/]+\.dist-info/RECORD", n)), None)
    if record is None:
        return {}
    found = {}
    for line in wheel.read(record).decode("utf-8", "replace").splitlines():
        name, _, rest = line.partition(",")
        algo, _, value = rest.partition(",")[0].partition("=")
        if algo == "sha256" and value:
            found[name] = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).hex()
    return found


def _unpack(wheel: zipfile.ZipFile, wanted: set[str], folder: Path) -> dict[str, str]:
    """Unpack the `wanted` files of the wheel into `folder`, each checked against the wheel's RECORD."""
    recorded = _record_hashes(wheel)
    files: dict[str, str] = {}
    for info in wheel.infolist():
        # Some releases install from `<name>.data/purelib/`: the same layout one level down.
        name = re.sub(r"^[^/]+\.data/(?:purelib|platlib)/", "", info.filename)
        if name not in wanted:
            continue
        target = folder / name
        private_dir(target.parent)
        digest = hashlib.sha256()
        with wheel.open(info) as src, open(target, "wb") as dst:
            while chunk := src.read(1 << 20):
                digest.update(chunk)
                dst.write(chunk)
        if recorded.get(info.filename) != digest.hexdigest():
            raise ReleaseUnavailable(f"{info.filename}: its bytes do not match the wheel's RECORD",
                                     "the download is damaged or was altered; run again")
        target.chmod(0o755)
        files[name] = digest.hexdigest()
    return files


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
        if folder.is_symlink() or folder.is_file():
            folder.unlink()
        shutil.rmtree(folder, ignore_errors=True)  # what failed to verify goes, whatever it held
        with zipfile.ZipFile(wheels[0]) as wheel:
            files = _unpack(wheel, wanted, private_dir(folder))
    if f"{spec.package}/{spec.path_in_package}" not in files:
        raise ReleaseUnavailable(f"{spec.wheel} {version} has no {spec.path_in_package}", "this release lacks the tool")
    manifest = {"format": _MANIFEST_FORMAT, "version": version, "files": files}
    atomic.write_text(folder / _READY, json.dumps(manifest, sort_keys=True) + "\n")
    os.chmod(folder / _READY, 0o600)
