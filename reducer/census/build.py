"""`reducer census`'s work: every (project, target) run (or reused), their findings merged, each compiler bug's
releases, upstream test and issue, then census.json, history.json and the site, each written atomically."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from reducer.census.corpus import Project
from reducer.census.model import FORMAT, bug_entry, collect, ranked
from reducer.census.runs import Run, Settings, run_one
from reducer.census.upstream import upstream_for
from reducer.proc import atomic

HISTORY_KEEP = 200  # runs the trend remembers


@dataclass(frozen=True)
class CensusResult:
    site: Path
    census: dict[str, Any]
    runs: list[Run]
    upstream_reused: int
    upstream_made: int
    seconds: float


def toolchain() -> dict[str, str]:
    """The wheels' versions and the binaries' builds: a run's results hold for these only."""
    from reducer.stage.toolchain import fingerprint, versions

    return {**versions(), **fingerprint(paths=False)}


def _history(site: Path, census: dict[str, Any]) -> list[dict[str, Any]]:
    path = site / "history.json"
    try:
        past = json.loads(path.read_text())
        past = past if isinstance(past, list) else []
    except (OSError, ValueError):
        past = []
    bugs = {b["id"]: b for b in census["bugs"] if b["class"] == "compiler-bug"}
    targets = [t for p in census["projects"] for t in p["targets"].values() if "units" in t]
    before = {str(b.get("id")): int(b.get("units") or 0) for b in (past[-1].get("bug_units") or [])} if past else {}
    fixed = sorted(set(before) - set(bugs))  # seen by the previous run, by none of this one's units
    row = {"generated": census["generated"], "toolchain": census["toolchain"],
           "units": sum(t["units"] for t in targets), "passed": sum(t["passed"] for t in targets),
           "bugs": len(bugs), "fixed": fixed, "fixed_units": sum(before[i] for i in fixed),
           "bug_units": [{"id": i, "units": b["units"]} for i, b in sorted(bugs.items())]}
    history = [*past, row][-HISTORY_KEEP:]
    atomic.write_text(path, json.dumps(history, indent=1))
    return history


def run_census(projects: list[Project], site: Path, settings: Settings, *, matrix: bool = True,
               status: Callable[[str], None] = lambda _: None) -> CensusResult:
    t0 = time.monotonic()
    site.mkdir(parents=True, exist_ok=True)
    tools = toolchain()
    pairs = [(p, t) for p in projects for t in p.targets]
    runs = []
    for i, (project, target) in enumerate(pairs, 1):
        where = f"[{i}/{len(pairs)}] {project.name} on {target}"
        status(f"{where}: running `{project.command}` under sweep")
        runs.append(run_one(site, project, target, settings, tools, lambda text, at=where: status(f"{at}: {text}")))
        status(f"[{i}/{len(pairs)}] {project.name} on {target}: "
               + ("reused (same key)" if runs[-1].reused else f"swept in {runs[-1].seconds:.0f}s"))
    rows, bugs = collect(runs, site)
    entries, reused, made = [], 0, 0
    compiler = [b for b in bugs.values() if b.cls == "compiler-bug"]
    for j, bug in enumerate(compiler, 1):
        source = bug.repro_path or bug.unpinned
        if source is None:
            continue
        status(f"bug {j}/{len(compiler)} {bug.id}: releases, upstream test, issue")
        # a bug with no lit repro (a hang) still gets its releases and its issue, from its reduced input
        up = upstream_for(bug.id, source, site, tools, matrix=matrix, stage_timeout=settings.timeout,
                          unpinned=None if bug.repro_path else bug.unpinned_why)
        reused, made = reused + up.reused, made + (not up.reused)
        entries.append(bug_entry(bug, up.to_dict()))
    entries += [bug_entry(b, None) for b in bugs.values()
                if b.cls != "compiler-bug" or (b.repro_path or b.unpinned) is None]
    census = {"format": FORMAT, "generated": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
              "toolchain": tools, "projects": rows, "bugs": ranked(entries)}
    atomic.write_text(site / "census.json", json.dumps(census, indent=1, sort_keys=True))
    history = _history(site, census)
    from reducer.census.site import write_site

    write_site(site, census, history)
    return CensusResult(site, census, runs, reused, made, time.monotonic() - t0)
