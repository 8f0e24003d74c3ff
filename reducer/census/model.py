"""census.json from the runs' triage files: units counted by class per project and target, and one bug entry per
distinct finding across every project (a compiler bug per signature, its causes inside; a resource limit per
kernel and memory; a frontend error or a version incompatibility per its own id)."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reducer.census.runs import Run
from reducer.safety.names import path_component

FORMAT = "reducer-census/1"
_INSTALLED = re.compile(r"[^\s:]*/(?:site|dist)-packages/")
CLASSES = ("compiler-bug", "resource-limit", "frontend", "incompatibility")


@dataclass
class Bug:
    id: str
    title: str
    cls: str
    stage: str
    projects: list[str] = field(default_factory=list)
    units: int = 0
    kernels: list[dict[str, Any]] = field(default_factory=list)
    repro: str | None = None  # relative to the site
    repro_path: Path | None = None
    # a bug with no lit repro (a hang cannot be pinned by a RUN line): its reduced input, for the issue
    unpinned: Path | None = None
    unpinned_why: str = ""
    reduced: str | None = None  # `unpinned`, relative to the site
    fit: list[dict[str, Any]] | None = None
    causes: list[dict[str, Any]] = field(default_factory=list)  # a compiler bug's distinct causes, each its repro

    def add(self, project: str, units: int, kernels: list[dict[str, Any]]) -> None:
        if project not in self.projects:
            self.projects.append(project)
        self.units += units
        self.kernels += [k for k in kernels if k not in self.kernels]


def _read(run: Run) -> dict[str, Any] | None:
    try:
        data = json.loads(run.triage.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _site_path(path: str | None, run: Run, site: Path) -> Path | None:
    """A path a triage names (absolute, or relative to the sweep's own folder) as a file inside the site."""
    if not path:
        return None
    found = Path(path) if os.path.isabs(path) else run.folder / "sweep" / path
    try:
        found.resolve().relative_to(site.resolve())
    except ValueError:
        return None
    return found if found.is_file() else None


def _in_project(text: str, run: Run) -> str:
    """A source place as the project names it (relative to its folder): the site is for other people too."""
    root = run.workdir or run.project.workdir
    if root is not None:
        text = text.replace(str(root).rstrip("/") + "/", "")
    return _INSTALLED.sub("", text)  # an installed package's file: from its import name on


def _kernel_rows(run: Run, triage: dict[str, Any], ids: set[str], kernels: set[str],
                 folder: object = None) -> list[dict[str, Any]]:
    rows = []
    for unit in triage.get("units") or []:
        if folder is not None and unit.get("folder") != folder:
            continue
        if set(unit.get("ids") or []) & ids or (not ids and unit.get("kernel") in kernels):
            rows.append({"project": run.project.name, "target": run.target, "kernel": str(unit.get("kernel")),
                         "source": _in_project(str(unit.get("source") or ""), run), "triggered_by": []})
    return rows


def _counts(triage: dict[str, Any], incompatible_ids: set[str]) -> dict[str, int]:
    counts = {"units": 0, "passed": 0, "failed": 0, "frontend": 0, "resource": 0, "incompatible": 0, "other": 0}
    for unit in triage.get("units") or []:
        counts["units"] += 1
        outcome = unit.get("outcome")
        if outcome in ("passed", "passed-mlir"):
            counts["passed"] += 1
        elif outcome == "failed":
            counts["failed"] += 1
        elif outcome == "resource-limit":
            counts["resource"] += 1
        elif outcome == "frontend-error":
            counts["incompatible" if set(unit.get("ids") or []) & incompatible_ids else "frontend"] += 1
        else:
            counts["other"] += 1
    return counts


def resource_id(kind: str, kernel: str) -> str:
    return "r-" + hashlib.sha1(f"{kind}:{kernel}".encode()).hexdigest()[:12]


def _signatures(run: Run, triage: dict[str, Any], site: Path, bugs: dict[str, Bug]) -> list[str]:
    found = []
    for group in triage.get("signatures") or []:
        sig = str(group.get("id"))
        bug = bugs.setdefault(sig, Bug(sig, str(group.get("title") or sig), "compiler-bug",
                                       str(group.get("stage") or "")))
        rows = _kernel_rows(run, triage, {sig}, set())
        for cause in group.get("causes") or []:  # a cause's lines go to the kernels it was reduced from
            lines = [_in_project(str(t), run) for t in cause.get("triggered_by") or []]
            for row in rows:
                if row["kernel"] in (cause.get("kernels") or []) and not row["triggered_by"]:
                    row["triggered_by"] = lines
        bug.add(run.project.name, len(rows), rows)
        for cause in group.get("causes") or []:
            found_at = _site_path(cause.get("repro"), run, site)
            entry = {"project": run.project.name, "target": run.target, "kernels": list(cause.get("kernels") or []),
                     "repro": found_at.relative_to(site).as_posix() if found_at else None,
                     "ops": str(cause.get("ops") or "")}
            if not any(c["repro"] == entry["repro"] and c["kernels"] == entry["kernels"] for c in bug.causes):
                bug.causes.append(entry)
        repro = _site_path(group.get("repro"), run, site)
        if repro is not None and bug.repro_path is None:
            bug.repro_path, bug.repro = repro, repro.relative_to(site).as_posix()
        reduced = _site_path(group.get("reduced"), run, site)
        if repro is None and reduced is not None and bug.unpinned is None:
            bug.unpinned, bug.reduced = reduced, reduced.relative_to(site).as_posix()
            # the sweep's note names files by absolute path: the site names them from its own folder
            note = str(group.get("note") or "no lit repro was saved").replace(str(site.resolve()) + "/", "")
            bug.unpinned_why = _in_project(note.replace(str(site) + "/", ""), run)
        found.append(sig)
    return found


def _resource_limits(run: Run, triage: dict[str, Any], bugs: dict[str, Bug]) -> list[str]:
    found = []
    for limit in triage.get("resource_limits") or []:
        kind, kernel = str(limit.get("kind") or "memory"), str(limit.get("kernel"))
        rid = resource_id(kind, kernel)
        ratio = limit.get("ratio")
        needs = f" needs {ratio}x what the target has" if ratio else ""
        title = f"{kind} overflow: {kernel}{needs}"
        stage = next((str(u.get("stage") or "") for u in triage.get("units") or []
                      if u.get("kernel") == kernel and u.get("outcome") == "resource-limit"), "")
        bug = bugs.setdefault(rid, Bug(rid, title, "resource-limit", stage, fit=[]))
        # an entry is one unit: its own row, not the kernel's first unit (that specialisation may well fit)
        rows = _kernel_rows(run, triage, set(), {kernel}, limit.get("folder"))
        bug.add(run.project.name, 1, rows[:1])
        assert bug.fit is not None
        bug.fit.append({"project": run.project.name, "target": run.target, "kernel": kernel,
                        "config": str(limit.get("config") or ""), "suggestion": str(limit.get("suggestion") or "")})
        found.append(rid)
    return list(dict.fromkeys(found))


def _frontend(run: Run, triage: dict[str, Any], bugs: dict[str, Bug]) -> list[str]:
    found = []
    for entry in triage.get("frontend") or []:
        fid = str(entry.get("id"))
        cls = "incompatibility" if entry.get("incompatibility") else "frontend"
        bug = bugs.setdefault(fid, Bug(fid, str(entry.get("title") or fid), cls, "frontend"))
        bug.add(run.project.name, int(entry.get("units") or 0), _kernel_rows(run, triage, {fid}, set()))
        found.append(fid)
    return found


def _why_no_triage(run: Run) -> str:
    """The sweep's own one-line error (the command exited before its first launch, say), places as the project
    names them."""
    try:
        lines = (run.folder / "sweep.log").read_text(errors="replace").splitlines()
    except OSError:
        lines = []
    said = [line.removeprefix("reducer: error: ") for line in lines if line.startswith("reducer: error: ")]
    why = _in_project(said[-1], run) if said else "the sweep wrote no triage"
    return f"{why} (see {run.folder.name}/sweep.log)"


def collect(runs: list[Run], site: Path) -> tuple[list[dict[str, Any]], dict[str, Bug]]:
    """The projects' rows and the bugs, merged across every run."""
    bugs: dict[str, Bug] = {}
    projects: dict[str, dict[str, Any]] = {}
    for run in runs:
        row = projects.setdefault(run.project.name, {"name": run.project.name, "version": run.project.version,
                                                     "command": run.project.command, "targets": {}})
        if run.setup:
            row["setup"] = run.setup
        triage = _read(run)
        if triage is None:
            row["targets"][run.target] = {"error": _why_no_triage(run),
                                          "run": run.folder.relative_to(site).as_posix()}
            continue
        incompatible = {str(e.get("id")) for e in triage.get("frontend") or [] if e.get("incompatibility")}
        ids = _signatures(run, triage, site, bugs) + _resource_limits(run, triage, bugs) + _frontend(run, triage, bugs)
        row["targets"][run.target] = {**_counts(triage, incompatible), "bugs": ids,
                                      "run": run.folder.relative_to(site).as_posix(), "reused": run.reused,
                                      "seconds": round(run.seconds, 1)}
    return list(projects.values()), bugs


def bug_entry(bug: Bug, upstream: dict[str, Any] | None) -> dict[str, Any]:
    up = upstream or {}
    return {"id": bug.id, "title": bug.title, "class": bug.cls, "stage": bug.stage, "projects": bug.projects,
            "units": bug.units, "kernels": bug.kernels, "repro": bug.repro,
            "reduced": bug.reduced,
            "releases": up.get("releases"),
            "verdict": up.get("verdict"), "upstream_test": up.get("upstream_test"), "issue": up.get("issue"),
            "problems": up.get("problems") or [], "fit": bug.fit, "causes": bug.causes,
            "page": f"bugs/{path_component(bug.id)}.html"}


def ranked(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Most units first, then most projects, then the class order (compiler bugs before the rest)."""
    return sorted(entries, key=lambda b: (-b["units"], -len(b["projects"]), CLASSES.index(b["class"]), b["id"]))
