"""A census corpus (TOML): the projects to run, each with its command, where it runs and for which targets.

    [[project]]
    name = "servingops"
    version = "0.1.0"
    workdir = "project"                 # relative to the corpus file; or: requirement = "pkg==1.0"
    command = "python run_ops.py"
    env = { KEY = "value" }
    targets = ["Ascend910B3"]           # default: the default target
    install = ["transformers>=5"]       # optional: what the command needs beyond the project (its test suite's)

A `requirement` is installed into an isolated environment (a venv that still sees this one's packages, so the
compilers and reducer's capture are there), with `install`'s packages; the command then runs in `workdir`, or in
the project's own files (its sdist unpacked: see `source`). A `workdir` project with `install` gets such an
environment too, holding only those.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reducer.errors import InputError
from reducer.stage.source import read_regular

_KEYS = {"name", "version", "workdir", "requirement", "command", "env", "targets", "install"}
_MAX_BYTES = 1 << 20
DEFAULT_TARGET = "Ascend910B3"


@dataclass(frozen=True)
class Project:
    name: str
    command: str
    version: str = ""
    workdir: Path | None = None
    requirement: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    targets: tuple[str, ...] = (DEFAULT_TARGET,)
    install: tuple[str, ...] = ()

    @property
    def packages(self) -> str:
        """What its environment installs, as one would type it: the requirement, then `install`."""
        return " ".join(filter(None, [self.requirement, *self.install]))

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.command)

    def identity(self) -> dict[str, Any]:
        """What the project's runs depend on (with the target and the toolchain: the run's key)."""
        return {"name": self.name, "version": self.version, "command": self.command,
                "workdir": str(self.workdir) if self.workdir else None, "requirement": self.requirement,
                "env": dict(sorted(self.env.items())), "install": list(self.install)}


def _toml(data: bytes, where: Path) -> dict[str, Any]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise InputError(f"{where}: not a TOML corpus ({err})", "see `reducer census --help` for its form") from None


def _text(entry: dict[str, Any], key: str, where: str, required: bool = False) -> str | None:
    value = entry.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where}: `{key}` must be a non-empty string", "fix the corpus entry")
    return value


def _project(entry: Any, index: int, base: Path) -> Project:
    where = f"project {index + 1}"
    if not isinstance(entry, dict):
        raise InputError(f"{where}: not a table", "write each project as a [[project]] table")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise InputError(f"{where}: unknown key(s) {', '.join(unknown)}", f"use only {', '.join(sorted(_KEYS))}")
    name = _text(entry, "name", where, required=True)
    where = f"project {name!r}"
    command = _text(entry, "command", where, required=True)
    try:
        shlex.split(command)
    except ValueError as err:
        raise InputError(f"{where}: the command cannot be split into words ({err})", "fix its quoting") from None
    workdir = _text(entry, "workdir", where)
    requirement = _text(entry, "requirement", where)
    if requirement is not None and requirement.lstrip().startswith("-"):
        raise InputError(f"{where}: `requirement` {requirement!r} looks like a pip option", "give a requirement")
    if workdir is None and requirement is None:
        raise InputError(f"{where}: neither `workdir` nor `requirement`", "say where the project is")
    folder = (base / workdir).resolve() if workdir else None
    if folder is not None and not folder.is_dir():
        raise InputError(f"{where}: workdir {workdir} is not a folder", "give a checkout's folder")
    env = entry.get("env") or {}
    if not isinstance(env, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items()):
        raise InputError(f"{where}: `env` must map names to strings", 'write env = { KEY = "value" }')
    targets = entry.get("targets") or [DEFAULT_TARGET]
    if not isinstance(targets, list) or not all(isinstance(t, str) and re.fullmatch(r"[A-Za-z0-9_.-]+", t)
                                                 for t in targets):
        raise InputError(f"{where}: `targets` must be a list of target names", 'write targets = ["Ascend910B3"]')
    install = entry.get("install") or []
    if not isinstance(install, list) or not all(isinstance(r, str) and r.strip() and not r.startswith("-")
                                                 for r in install):
        raise InputError(f"{where}: `install` must be a list of requirements", 'write install = ["pkg>=1.0"]')
    version = entry.get("version", "")
    return Project(name, command, str(version), folder, requirement, dict(env), tuple(dict.fromkeys(targets)),
                   tuple(install))


def read_corpus(path: Path) -> list[Project]:
    """The corpus's projects, checked: InputError naming the entry and the key that is wrong."""
    data = read_regular(path, _MAX_BYTES, "a census corpus")
    projects = _toml(data, path).get("project")
    if not isinstance(projects, list) or not projects:
        raise InputError(f"{path}: no [[project]] entries", "list the projects to run, one [[project]] each")
    found = [_project(entry, i, path.resolve().parent) for i, entry in enumerate(projects)]
    names = [p.name for p in found]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InputError(f"{path}: project name(s) given twice: {', '.join(twice)}", "give each project its own name")
    return found
