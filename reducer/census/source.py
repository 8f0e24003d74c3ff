"""Where a `requirement` project's command runs when the corpus gives no `workdir`: the project's own files, as
its tests expect them (a `pytest test/...` command needs the test folder, which no wheel ships).

- a local folder: a copy of it (pip builds in a source folder; the user's folder is never written to);
- a local sdist archive: unpacked;
- a requirement pip resolves: its sdist, downloaded (`--no-binary :all: --no-deps`) and unpacked;
- no sdist to be had: an empty folder, and the run says so.

Archives are unpacked with the `data` filter: no absolute paths, no `..`, no links out, no device files.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from reducer.errors import ProjectSetupFailed

_ARCHIVES = (".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar", ".zip")
_NOT_COPIED = shutil.ignore_patterns(".git", ".hg", ".venv", "venv", "__pycache__", "*.egg-info", "build", "dist",
                                     ".pytest_cache", ".tox", ".nox")
DOWNLOAD_TIMEOUT = 600.0


@dataclass(frozen=True)
class Source:
    install: str  # what pip installs: the requirement, or the copied folder
    folder: Path  # where the command runs
    kind: str  # one line for the run's log and the site: where the folder came from


def _is_archive(name: str) -> bool:
    return name.lower().endswith(_ARCHIVES)


def _local(requirement: str) -> Path | None:
    path = Path(requirement).expanduser()
    looks_like_path = requirement.startswith((".", "/", "~")) or "/" in requirement or _is_archive(requirement)
    return path if looks_like_path and path.exists() else None


def unpack(archive: Path, into: Path) -> Path:
    """The archive's files under `into`; the folder the project is in (an sdist's one top folder)."""
    try:
        return _unpack(archive, into)
    except (tarfile.TarError, zipfile.BadZipFile, ValueError, OSError) as err:
        raise ProjectSetupFailed(f"could not unpack {archive.name}: {err}",
                                 "give the project's checkout as `workdir` instead") from None


def _unpack(archive: Path, into: Path) -> Path:
    if into.exists():
        shutil.rmtree(into)
    into.mkdir(parents=True)
    if archive.name.lower().endswith(".zip"):
        with zipfile.ZipFile(archive) as zf:
            for member in zf.namelist():  # zipfile already drops absolute parts and `..`; refuse them outright
                if member.startswith("/") or ".." in Path(member).parts:
                    raise ValueError(f"unsafe path in {archive.name}: {member}")
            zf.extractall(into)
    else:
        with tarfile.open(archive) as tf:
            tf.extractall(into, filter="data")
    top = [p for p in into.iterdir() if not p.name.startswith(".")]
    return top[0] if len(top) == 1 and top[0].is_dir() else into


def _download(requirement: str, into: Path) -> Path | str:
    """The requirement's sdist, or why there is none (one line)."""
    if into.exists():
        shutil.rmtree(into)
    into.mkdir(parents=True)
    try:
        done = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                               "-d", str(into), "--", requirement], capture_output=True, text=True,
                              timeout=DOWNLOAD_TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return f"pip download took over {DOWNLOAD_TIMEOUT:.0f}s"
    archives = sorted(p for p in into.iterdir() if _is_archive(p.name))
    if done.returncode != 0 or not archives:
        errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")] or ["no sdist downloaded"]
        return errors[-1].removeprefix("ERROR: ").strip()
    return archives[0]


def project_source(requirement: str, home: Path) -> Source:
    """Prepare where the command runs, under `home` (the project's environment folder)."""
    local = _local(requirement)
    if local is not None and local.is_dir():
        copy = home / "src" / local.resolve().name
        if copy.exists():
            shutil.rmtree(copy)
        shutil.copytree(local, copy, ignore=_NOT_COPIED, symlinks=True)
        return Source(str(copy), copy, f"a copy of the local folder {local.name}")
    if local is not None and _is_archive(local.name):
        folder = unpack(local, home / "src")
        return Source(str(local.resolve()), folder, f"the unpacked archive {local.name}")
    got = _download(requirement, home / "sdist")
    if isinstance(got, Path):
        folder = unpack(got, home / "src")
        return Source(requirement, folder, f"the unpacked sdist {got.name}")
    empty = home / "work"
    empty.mkdir(parents=True, exist_ok=True)
    return Source(requirement, empty, f"an empty folder (no sdist of {requirement}: {got})")
