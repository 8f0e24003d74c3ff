"""What a sweep found, as one plain-data document: the summary, one entry per signature (and its causes), the
frontend findings, the version incompatibilities, and one row per kernel and per compile unit. `render` turns it
into triage.json/.md/.html."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reducer.capture.frontend import FrontendFinding
from reducer.failure.outcome import Outcome
from reducer.proc import atomic
from reducer.safety.artifacts import Unusable
from reducer.stage.options import Options
from reducer.sweep.groups import Cause, Group
from reducer.sweep.render import RENDERERS


@dataclass
class SweepResult:
    out: Path
    units: int
    resumed: int
    checked: int
    kernels: dict[str, dict[str, Any]]
    groups: list[Group]
    frontend: list[FrontendFinding]
    seconds: float
    rows: list[dict[str, Any]] = field(default_factory=list)  # one per compile unit
    replayed: int = 0  # checks that ran a compiler (the others were passes the capture had seen)
    lost: int = 0  # tasks whose worker died past Ray's retries: not recorded, so the next run does them
    executor: str = "local"
    executor_setup: float = 0.0
    fits: dict[str, Any] = field(default_factory=dict)  # the fit phase's figures (sweep/fits.fit_summary)
    unusable: Unusable = field(default_factory=Unusable)  # broken artifacts, files skipped: reported, not fatal
    transient: int = 0  # reductions that failed for a transient reason (a full disk): not recorded, retried
    warnings: list[str] = field(default_factory=list)  # e.g. a repros path lit cannot run (repro/lit_setup.py)


def _link(path: str | None, base: Path) -> str | None:
    """`path` as a link that resolves from the folder the triage files are written to."""
    if not path:
        return None
    return os.path.relpath(Path(path).resolve(), base.resolve())


def _summary(result: SweepResult) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for g in result.groups:
        counts[g.status] = counts.get(g.status, 0) + 1
    return {
        "kernels": len(result.kernels),
        "units": len(result.rows),
        "files": result.units,
        "replayed": result.replayed,
        "resumed": result.resumed,
        "checked": result.checked,
        "signatures": len(result.groups),
        "status": counts,
        "frontend_errors": sum(1 for row in result.rows if row["outcome"] == Outcome.FRONTEND_ERROR),
        "frontend_findings": sum(1 for f in result.frontend if not f.version),
        "version_incompatibilities": len({row["kernel"] for row in result.rows if row.get("version")}),
        "seconds": round(result.seconds, 1),
        "lost": result.lost,
        "executor": result.executor,
        "executor_setup": round(result.executor_setup, 2),
        "resource_limits": sum(1 for row in result.rows if row["outcome"] == Outcome.RESOURCE_LIMIT),
        "fit": result.fits,
        "broken": len(result.unusable.broken),
        "skipped": len(result.unusable.skipped),
        "transient": result.transient,
    }


def _reduced(x: Group | Cause, base: Path) -> dict[str, Any]:
    """What a group's or a cause's reductions came to, with links that resolve from `base`."""
    return {
        "status": x.status,
        "repro": x.repro,
        "repro_link": _link(x.repro, base),
        "reduced": x.reduced,
        "reduced_link": _link(x.reduced, base),
        "ops": x.ops,
        "tests": x.tests,
        "seconds": x.seconds,
        "note": x.note,
        "triggered_by": x.triggered_by,
    }


def _cause(c: Cause, base: Path) -> dict[str, Any]:
    return {"kernels": c.kernels, "example": c.example, "skeleton": c.skeleton, **_reduced(c, base)}


def _signature(g: Group, base: Path) -> dict[str, Any]:
    return {
        "id": g.id,
        "title": g.title,
        "outcome": g.outcome,
        "stage": g.stage,
        "kernels": sorted(g.kernels),
        "files": g.files,
        "example": g.example,
        "options": g.example["options"] if g.example else None,
        **_reduced(g, base),
        "releases": g.releases,
        "causes": [_cause(c, base) for c in g.causes],
    }


def _finding(f: FrontendFinding, base: Path) -> dict[str, Any]:
    return {
        "id": f.id,
        "title": f.title,
        "error": f.error,
        "incompatibility": f.incompatibility,
        "kernels": sorted(f.kernels),
        "units": len(f.folders),
        "shimmed": f.shimmed,
        "folders": f.folders,
        "folder_links": [_link(folder, base) for folder in f.folders],
    }


def _versions(rows: list[dict[str, Any]], base: Path) -> list[dict[str, Any]]:
    """One entry per kernel written for another triton-ascend release: why, and its units (none is a bug to
    report upstream; its compiler failures, if any, are signatures like any other)."""
    kernels: dict[str, dict[str, Any]] = {}
    for row in rows:
        if not row.get("version"):
            continue
        k = kernels.setdefault(
            row["kernel"], {"kernel": row["kernel"], "why": row["version"], "units": 0, "rejected": 0, "ids": [],
                            "folders": [], "folder_links": []},
        )
        k["units"] += 1
        k["rejected"] += row["outcome"] == Outcome.FRONTEND_ERROR
        k["ids"] += [i for i in row["ids"] if i not in k["ids"]]
        k["folders"].append(row["folder"])
        k["folder_links"].append(_link(row["folder"], base))
    return [kernels[name] for name in sorted(kernels)]


def _limits(rows: list[dict[str, Any]], out: Path, base: Path) -> list[dict[str, Any]]:
    """One entry per unit that hit a resource limit (not a compiler bug unless anomalous): what fits."""
    found = []
    for row in rows:
        r = row.get("resource")
        if r is None:
            continue
        fit = r.get("fit") or {}
        found.append({
            "kernel": row["kernel"], "config": row["config"], "folder": row["folder"],
            "folder_link": _link(row["folder"], base), "kind": r.get("kind"), "requires_bits": r.get("requires_bits"),
            "available_bits": r.get("available_bits"), "ratio": r.get("ratio"),
            "suggestion": r.get("summary") or f"none fits: {r.get('reason')}", "tried": r.get("tried", 0),
            "fit_ir": fit.get("ir"), "fit_link": _link(str(out / fit["ir"]), base) if fit.get("ir") else None,
            "seconds": r.get("seconds"), "anomaly": (r.get("anomaly") or {}).get("rule"),
        })
    return found


def triage_data(result: SweepResult, root: str, options: Options, links_from: Path | None = None) -> dict[str, Any]:
    """The document every format renders; links resolve from `links_from` (default: the sweep's folder)."""
    base = links_from or result.out
    return {
        "root": root,
        "target": options.target,
        "options": options.as_dict(),  # for files without their own; each example carries its own
        "summary": _summary(result),
        "signatures": [_signature(g, base) for g in result.groups],
        "frontend": [_finding(f, base) for f in result.frontend if not f.version],
        "versions": _versions(result.rows, base),
        "resource_limits": _limits(result.rows, result.out, base),
        "kernels": list(result.kernels.values()),
        "units": [dict(row, folder_link=_link(row["folder"], base)) for row in result.rows],
        # What the sweep could not use, each with its path and why: never the end of the run.
        "broken": [b.to_dict() for b in sorted(result.unusable.broken, key=lambda b: (b.path, b.kind))],
        "skipped": [s.to_dict() for s in sorted(result.unusable.skipped, key=lambda s: s.path)],
        "warnings": list(result.warnings),
    }


def write_triage(result: SweepResult, root: str, options: Options, out: Path | None = None) -> dict[str, Any]:
    """Every format of `RENDERERS` into `out` (default: the sweep's folder); returns the data."""
    data = triage_data(result, root, options, links_from=out or result.out)
    for name, render in RENDERERS.items():
        atomic.write_text((out or result.out) / name, render(data))
    return data
