"""Where a census `requirement` runs without a `workdir`: the project's own files (a copy of a local folder, an
unpacked archive, or the sdist pip downloads), never the user's folder, never outside the folder it unpacks into."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from reducer.census.source import project_source, unpack
from reducer.errors import ProjectSetupFailed


def _package(root: Path) -> Path:
    pkg = root / "demo-1.0"
    (pkg / "demo").mkdir(parents=True)
    (pkg / "demo" / "__init__.py").write_text("X = 1\n")
    (pkg / "tests").mkdir()
    (pkg / "tests" / "test_demo.py").write_text("def test_x():\n    assert True\n")
    (pkg / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "1.0"\n')
    return pkg


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_a_local_folder_runs_in_a_copy_and_is_never_written_to(tmp_path: Path) -> None:
    pkg = _package(tmp_path / "user")
    (pkg / ".git").mkdir()
    (pkg / ".git" / "HEAD").write_text("ref\n")
    before = _files(pkg)
    source = project_source(str(pkg), tmp_path / "env")
    assert source.install == str(source.folder) and source.folder != pkg
    assert source.folder.is_relative_to(tmp_path / "env")
    assert "tests/test_demo.py" in _files(source.folder) and ".git/HEAD" not in _files(source.folder)
    (source.folder / "build").mkdir()  # what pip leaves in the folder it builds
    assert _files(pkg) == before and not (pkg / "build").exists()


@pytest.mark.parametrize("kind", ["tar.gz", "zip"])
def test_a_local_archive_is_unpacked_to_its_top_folder(tmp_path: Path, kind: str) -> None:
    pkg = _package(tmp_path / "user")
    archive = tmp_path / f"demo-1.0.{kind}"
    if kind == "zip":
        with zipfile.ZipFile(archive, "w") as zf:
            for f in pkg.rglob("*"):
                zf.write(f, f.relative_to(pkg.parent).as_posix())
    else:
        with tarfile.open(archive, "w:gz") as tf:
            tf.add(pkg, arcname="demo-1.0")
    source = project_source(str(archive), tmp_path / "env")
    assert source.folder.name == "demo-1.0" and (source.folder / "tests" / "test_demo.py").is_file()
    assert source.install == str(archive.resolve()) and "demo-1.0" in source.kind


def _hostile_tar(path: Path, member: tarfile.TarInfo, data: bytes = b"x") -> None:
    with tarfile.open(path, "w:gz") as tf:
        member.size = len(data) if member.isfile() else 0
        tf.addfile(member, io.BytesIO(data) if member.isfile() else None)


@pytest.mark.parametrize("name,link", [("../escaped.txt", None), ("pkg/link", "/etc/passwd"), ("pkg/up", "../../..")])
def test_a_hostile_archive_is_refused_in_one_line_and_writes_nothing_outside(tmp_path: Path, name: str,
                                                                              link: str | None) -> None:
    archive = tmp_path / "evil-1.0.tar.gz"
    member = tarfile.TarInfo(name)
    if link:
        member.type, member.linkname = tarfile.SYMTYPE, link
    _hostile_tar(archive, member)
    with pytest.raises(ProjectSetupFailed) as err:
        unpack(archive, tmp_path / "env" / "src")
    assert "evil-1.0.tar.gz" in str(err.value) and "\n" not in str(err.value)
    assert not (tmp_path / "env" / "escaped.txt").exists() and not (tmp_path / "escaped.txt").exists()


def test_an_absolute_member_lands_inside(tmp_path: Path) -> None:
    outside = tmp_path / "abs-escape.txt"
    archive = tmp_path / "abs-1.0.tar.gz"
    _hostile_tar(archive, tarfile.TarInfo(str(outside)))
    folder = unpack(archive, tmp_path / "env" / "src")
    assert not outside.exists() and any(p.name == "abs-escape.txt" for p in folder.rglob("*"))


def test_a_zip_with_a_parent_path_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "evil-1.0.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../escaped.txt", "x")
    with pytest.raises(ProjectSetupFailed):
        unpack(archive, tmp_path / "env" / "src")
    assert not (tmp_path / "env" / "escaped.txt").exists()


def test_a_requirement_pip_cannot_find_runs_in_an_empty_folder_and_says_why(tmp_path: Path) -> None:
    source = project_source("no-such-project-reducer-census-xyz==0.0.1", tmp_path / "env")
    assert source.folder.is_dir() and not any(source.folder.iterdir())
    assert source.kind.startswith("an empty folder (no sdist of no-such-project-reducer-census-xyz==0.0.1")


@pytest.mark.slow
def test_a_requirement_from_pypi_runs_in_its_unpacked_sdist(tmp_path: Path) -> None:
    """A real sdist from PyPI (six: small, pure, its test file ships in the sdist and in no wheel)."""
    source = project_source("six==1.16.0", tmp_path / "env")
    assert source.folder.name == "six-1.16.0" and (source.folder / "test_six.py").is_file()
    assert source.install == "six==1.16.0" and source.kind == "the unpacked sdist six-1.16.0.tar.gz"
