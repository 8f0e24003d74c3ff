"""One census run per (project, target): the project's command, as written, under `reducer sweep` in its own
folder of the site. A run is keyed on what its outcome depends on (the project's entry, the target, the sweep's
settings and the compiler builds); a run whose key is on disk with its triage is reused, never redone.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reducer.census.corpus import Project
from reducer.census.source import project_source
from reducer.errors import ProjectSetupFailed
from reducer.proc import atomic
from reducer.safety.names import path_component

KEY_FILE = "key.json"
PROGRESS_SECONDS = 2.0


@dataclass(frozen=True)
class Settings:
    jobs: int | None = None
    ray: str | None = None
    fit: bool = True
    timeout: float = 120.0
    max_time_per_bug: float = 300.0

    def identity(self) -> dict[str, Any]:
        # jobs and the cluster change how fast a run is, not what it finds
        return {"fit": self.fit, "timeout": self.timeout, "max_time_per_bug": self.max_time_per_bug}


@dataclass(frozen=True)
class Run:
    project: Project
    target: str
    folder: Path  # SITE/runs/<project>-<target>
    key: str
    reused: bool
    seconds: float
    returncode: int | None  # the sweep's (the project's command's) exit status; None when reused
    workdir: Path | None = None  # where the command ran (a requirement's unpacked sdist, say)
    setup: dict[str, Any] | None = None  # a requirement's: where its folder came from, what was removed

    @property
    def triage(self) -> Path:
        return self.folder / "sweep" / "triage.json"


def run_key(project: Project, target: str, settings: Settings, toolchain: dict[str, str]) -> str:
    from reducer import __version__

    # reducer's own release too: what a capture records and a sweep finds changes with it
    blob = json.dumps({"project": project.identity(), "target": target, "settings": settings.identity(),
                       "toolchain": toolchain, "reducer": __version__}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def run_folder(site: Path, project: Project, target: str) -> Path:
    return site / "runs" / path_component(f"{project.name}-{target}")


def _reusable(folder: Path, key: str) -> bool:
    try:
        saved = json.loads((folder / KEY_FILE).read_text())
    except (OSError, ValueError):
        return False
    return isinstance(saved, dict) and saved.get("key") == key and (folder / "sweep" / "triage.json").is_file()


def _environment(site: Path, project: Project, progress: Callable[[str], None]
                 ) -> tuple[dict[str, str], Path, dict[str, Any] | None]:
    """The command's environment and folder: a `requirement` is installed into a venv of its own first, and runs
    in `workdir`, or else in the project's own files (see `census.source`)."""
    env = {**os.environ, **project.env}
    if project.requirement is None and not project.install:
        assert project.workdir is not None
        return env, project.workdir, None
    venv = site / "envs" / path_component(project.name)
    marker = venv / "installed.json"
    try:
        done = json.loads(marker.read_text())
    except (OSError, ValueError):
        done = None
    wanted = {"requirement": project.requirement, "install": list(project.install)}
    if not (isinstance(done, dict) and all(done.get(k) == v for k, v in wanted.items())
            and Path(str(done.get("folder"))).is_dir()):
        progress(f"installing {project.packages} into its venv")
        done = _install(venv, project)
        atomic.write_text(marker, json.dumps(done, indent=1))
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    setup = {"source": "workdir" if project.workdir else done.get("source"), "removed": done.get("removed") or []}
    return env, project.workdir or Path(done["folder"]), setup


def _install(venv: Path, project: Project) -> dict[str, Any]:
    if venv.exists():
        shutil.rmtree(venv)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    _see_this_environment(venv)
    if project.requirement is not None:
        source = project_source(project.requirement, venv)
        packages, folder, kind = [source.install], source.folder, source.kind
    else:
        assert project.workdir is not None
        packages, folder, kind = [], project.workdir, "workdir"
    python = str(venv / "bin" / "python")
    # `--` keeps a requirement that looks like an option an argument
    done = subprocess.run([python, "-m", "pip", "install", "-q", "--", *packages, *project.install],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ProjectSetupFailed(f"project {project.name!r}: pip could not install {project.packages} ({tail})",
                                 "check the requirement and `install`, or give a `workdir` instead")
    removed = _unshadow(python)
    return {"requirement": project.requirement, "install": list(project.install), "folder": str(folder),
            "source": kind, "removed": removed}


# A package the project's requirements pull in that would hide this environment's compiler stack: Ascend users
# replace `triton` with `triton-ascend` (same import name, another distribution), and so does the census.
_SHADOWED = {"triton": "triton-ascend"}


def _unshadow(python: str) -> list[str]:
    removed = []
    for name, ours in _SHADOWED.items():
        ask = (f"import importlib.metadata as m, sys\ntry: d = m.distribution({name!r})\n"
               "except m.PackageNotFoundError: sys.exit(1)\nprint(d.version, d.locate_file('').resolve())")
        found = subprocess.run([python, "-c", ask], capture_output=True, text=True)
        version, _, where = found.stdout.strip().partition(" ")
        if found.returncode != 0 or not where.startswith(str(Path(python).parent.parent.resolve())):
            continue  # not installed, or the parent environment's own
        subprocess.run([python, "-m", "pip", "uninstall", "-y", "-q", name], capture_output=True, check=False)
        removed.append(f"{name} {version} (in favour of {ours})")
    return removed


def _see_this_environment(venv: Path) -> None:
    """The project's venv sees this environment's packages (the compilers, torch, reducer's capture hook) below its
    own: a venv made from inside a venv would see only the base interpreter's."""
    import site
    import sysconfig

    ask = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    own = subprocess.run([str(venv / "bin" / "python"), "-c", ask], check=True, capture_output=True,
                         text=True).stdout.strip()
    paths = sysconfig.get_paths()
    parents = dict.fromkeys([*site.getsitepackages(), paths["purelib"], paths["platlib"]])
    lines = [f"import site; site.addsitedir({p!r})" for p in parents if Path(p).is_dir()]
    atomic.write_text(Path(own) / "_reducer_census_parent.pth", "\n".join(lines) + "\n")


def sweep_argv(folder: Path, repros: Path, target: str, settings: Settings, command: list[str]) -> list[str]:
    argv = [sys.executable, "-m", "reducer", "sweep", "-q", "--target", target, "-o", str(folder / "sweep"),
            "--repros", str(repros), "--timeout", str(settings.timeout),
            "--max-time-per-bug", str(settings.max_time_per_bug)]
    if settings.jobs:
        argv += ["-j", str(settings.jobs)]
    if settings.ray:
        argv += ["--ray", settings.ray]
    if not settings.fit:
        argv.append("--no-fit")
    return [*argv, "--", *command]


def run_one(site: Path, project: Project, target: str, settings: Settings, toolchain: dict[str, str],
            progress: Callable[[str], None] = lambda _: None) -> Run:
    """The project's sweep for `target`, or the one on disk when its key matches; `progress` hears what it is
    doing every few seconds (installing, units captured so far)."""
    folder = run_folder(site, project, target)
    key = run_key(project, target, settings, toolchain)
    if _reusable(folder, key):
        saved = json.loads((folder / KEY_FILE).read_text())
        workdir = Path(saved["workdir"]) if isinstance(saved.get("workdir"), str) else None
        return Run(project, target, folder, key, True, 0.0, None, workdir, saved.get("setup"))
    env, work, setup = _environment(site, project, progress)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / KEY_FILE).unlink(missing_ok=True)  # a run cut short must not look finished
    t0 = time.monotonic()
    argv = sweep_argv(folder, site / "repros", target, settings, project.argv)
    with open(folder / "sweep.log", "wb") as log:
        child = subprocess.Popen(argv, cwd=work, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                 stderr=subprocess.STDOUT)
        try:
            while True:
                try:
                    child.wait(timeout=PROGRESS_SECONDS)
                    break
                except subprocess.TimeoutExpired:
                    units = sum(1 for _ in (folder / "sweep").glob("*/record.json"))
                    progress(f"{units} compile units captured so far, running `{project.command}` under sweep")
        finally:
            if child.poll() is None:  # interrupted: the sweep stops with us
                child.terminate()
                child.wait()
    seconds = time.monotonic() - t0
    if (folder / "sweep" / "triage.json").is_file():
        atomic.write_text(folder / KEY_FILE, json.dumps({"key": key, "returncode": child.returncode,
                                                          "seconds": round(seconds, 1), "workdir": str(work),
                                                          "setup": setup}, indent=1))
    return Run(project, target, folder, key, False, seconds, child.returncode, work, setup)
