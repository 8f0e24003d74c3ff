"""What a sweep found, for people: one group per signature, one row per kernel, and the renderers.

A new output format is one function in `RENDERERS` (file name -> renderer of the triage data).
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reducer import atomic
from reducer.capture.record import FRONTEND_ERROR, INCOMPLETE
from reducer.npu_options import Options

NEW = "new"
KNOWN = "known"
FIXED = "fixed"
NOT_REDUCED = "not reduced"


@dataclass
class Group:
    """All checked files that showed one signature."""

    id: str
    title: str
    outcome: str
    stage: str
    kernels: set[str] = field(default_factory=set)
    files: int = 0
    example: dict[str, Any] | None = None  # the smallest failing input
    status: str = NOT_REDUCED
    repro: str | None = None
    reduced: str | None = None
    note: str = ""
    ops: str | None = None
    tests: int | None = None  # predicate runs the reduction spent
    seconds: float | None = None  # the reduction's wall time
    releases: str = ""  # the version matrix's verdict (sweep --matrix), e.g. "fixed in 1.1.0"


@dataclass
class SweepResult:
    out: Path
    units: int
    resumed: int
    checked: int
    kernels: dict[str, dict[str, Any]]
    groups: list[Group]
    frontend: list[dict[str, Any]]
    seconds: float


def apply_reduction(group: Group, entry: dict[str, Any]) -> None:
    """What a reduction (now or in the state file) did for the group."""
    group.status = entry.get("status", NOT_REDUCED)
    group.repro = entry.get("repro")
    group.reduced = entry.get("reduced")
    group.note = entry.get("note", "")
    group.ops = entry.get("ops")
    group.tests = entry.get("tests")
    group.seconds = entry.get("seconds")


def group_checks(entries: list[dict[str, Any]]) -> list[Group]:
    """One group per signature id; its example is the smallest failing file (and the options it failed with)."""
    groups: dict[str, Group] = {}
    for e in entries:
        if not e.get("failure") or not e.get("id"):
            continue
        g = groups.setdefault(e["id"], Group(e["id"], e["title"], e["outcome"], e["stage"]))
        g.kernels.add(e["kernel"])
        g.files += 1
        if g.example is None or (e["bytes"], e["path"]) < (g.example["bytes"], g.example["path"]):
            g.example = {
                "kernel": e["kernel"],
                "path": e["path"],
                "bytes": e["bytes"],
                "options": e.get("options") or {},
            }
    return sorted(groups.values(), key=lambda g: (-len(g.kernels), g.id))


def kernel_rows(entries: list[dict[str, Any]], records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """One row per kernel name: worst outcome over its files, its signatures, and capture-only outcomes."""
    kernels: dict[str, dict[str, Any]] = {}

    def row(name: str, outcome: str) -> dict[str, Any]:
        return kernels.setdefault(name, {"kernel": name, "outcome": outcome, "ids": [], "files": [], "note": ""})

    for e in sorted(entries, key=lambda e: e["path"]):
        k = row(e["kernel"], "passed")
        k["files"].append(e["path"])
        if e.get("failure"):
            k["outcome"] = "failed"
            if e["id"] not in k["ids"]:
                k["ids"].append(e["id"])
        elif e["outcome"] == "unreadable" and k["outcome"] == "passed":
            k["outcome"], k["note"] = "unreadable", e.get("title", "")
    for r in records:
        k = row(r.get("kernel", "?"), r.get("outcome") or "?")
        k.setdefault("source", r.get("source"))
        if r.get("outcome") in (FRONTEND_ERROR, INCOMPLETE):
            last = ((r.get("error") or r["outcome"]).strip().splitlines() or [""])[-1][:200]
            known = (r.get("incompatibility") or {}).get("name")
            if known:  # a finding of its own even when the shimmed retry compiled
                last = f"known incompatibility {known} (shimmed retry captured): {last}"
            if not k["files"] or (known and k["outcome"] == "passed"):
                k["outcome"], k["note"] = r["outcome"], last
            else:
                k["note"] = f"another launch: {r['outcome']}: {last}"
    return dict(sorted(kernels.items()))


def _link(path: str | None, base: Path) -> str | None:
    """`path` as a link that resolves from the folder the triage files are written to."""
    if not path:
        return None
    return os.path.relpath(Path(path).resolve(), base.resolve())


def _reduction(g: dict[str, Any]) -> str:
    parts = [f"{g['ops']} ops" if g.get("ops") else None]
    parts.append(f"{g['tests']} tests" if g.get("tests") is not None else None)
    parts.append(f"{g['seconds']:.1f}s" if g.get("seconds") is not None else None)
    return ", ".join(p for p in parts if p) or "-"


def triage_data(result: SweepResult, root: str, options: Options, links_from: Path | None = None) -> dict[str, Any]:
    base = links_from or result.out
    counts: dict[str, int] = {}
    for g in result.groups:
        counts[g.status] = counts.get(g.status, 0) + 1
    return {
        "root": root,
        "target": options.target,
        "options": options.as_dict(),  # for files without their own; each example carries its own
        "summary": {
            "kernels": len(result.kernels),
            "files": result.units,
            "resumed": result.resumed,
            "checked": result.checked,
            "signatures": len(result.groups),
            "status": counts,
            "frontend_errors": len(result.frontend),
            "seconds": round(result.seconds, 1),
        },
        "signatures": [
            {
                "id": g.id,
                "title": g.title,
                "outcome": g.outcome,
                "stage": g.stage,
                "kernels": sorted(g.kernels),
                "files": g.files,
                "example": g.example,
                "options": g.example["options"] if g.example else None,
                "repro": g.repro,
                "reduced": g.reduced,
                "ops": g.ops,
                "tests": g.tests,
                "seconds": g.seconds,
                "repro_link": _link(g.repro, base),
                "reduced_link": _link(g.reduced, base),
                "status": g.status,
                "releases": g.releases,
                "note": g.note,
            }
            for g in result.groups
        ],
        "kernels": list(result.kernels.values()),
    }


def _md_cell(text: Any) -> str:
    return str(text if text is not None else "-").replace("|", "\\|").replace("\n", " ")


def _md_link(text: str | None, link: str | None) -> str:
    if not text or not link:
        return _md_cell(text)
    return f"[{_md_cell(Path(text).name)}](<{link.replace('>', '%3E')}>)"


def render_markdown(data: dict[str, Any]) -> str:
    s = data["summary"]
    out = [
        f"# Triage: {data['root']}",
        "",
        f"{s['kernels']} kernels, {s['files']} IR files, {s['signatures']} signatures "
        f"({', '.join(f'{v} {k}' for k, v in sorted(s['status'].items())) or 'none'}), "
        f"{s['frontend_errors']} frontend errors; target {data['target']}; {s['seconds']}s.",
        "",
        "## Signatures",
        "",
        "| signature | title | kernels hit | example kernel | repro | reduction | status | releases |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for g in data["signatures"]:
        example = g["example"]["kernel"] if g["example"] else "-"
        status = g["status"] + (f" ({g['note']})" if g["status"] == "not reduced" and g["note"] else "")
        out.append(
            f"| `{g['id']}` | {_md_cell(g['title'])} | {_md_cell(', '.join(g['kernels']))} | "
            f"{_md_cell(example)} | {_md_link(g.get('repro'), g.get('repro_link'))} | {_md_cell(_reduction(g))} | "
            f"{_md_cell(status)} | "
            f"{_md_cell(g.get('releases') or '-')} |"
        )
    out += ["", "## Kernels", "", "| kernel | outcome | signatures | note |", "|---|---|---|---|"]
    for k in data["kernels"]:
        note = k.get("note") or ""
        out.append(
            f"| {_md_cell(k['kernel'])} | {_md_cell(k['outcome'])} | "
            f"{_md_cell(', '.join(k['ids']) or '-')} | {_md_cell(note)} |"
        )
    return "\n".join(out) + "\n"


def render_html(data: dict[str, Any]) -> str:
    e = html.escape
    rows = []
    for g in data["signatures"]:
        example = g["example"]["kernel"] if g["example"] else "-"
        cells = [e(str(c)) for c in (g["id"], g["title"], ", ".join(g["kernels"]), example)]
        repro = g.get("repro")
        link = g.get("repro_link")
        cells.append(f'<a href="{e(link)}">{e(Path(repro).name)}</a>' if repro and link else e(repro or "-"))
        cells += [e(_reduction(g)), e(g["status"]), e(g.get("releases") or "-")]
        status_class = "s-" + "".join(ch if ch.isalnum() else "-" for ch in g["status"])
        rows.append(f'<tr class="{status_class}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    krows = [
        "<tr>"
        + "".join(
            f"<td>{e(str(c))}</td>"
            for c in (k["kernel"], k["outcome"], ", ".join(k["ids"]) or "-", k.get("note") or "")
        )
        + "</tr>"
        for k in data["kernels"]
    ]
    style = (
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}"
        "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}th{background:#eee}"
        ".s-new{background:#fde2e2}.s-known{background:#fff4d6}.s-fixed{background:#e2f5e2}"
        ".s-not-reduced{background:#eee}"
    )
    return (
        f"<!doctype html><meta charset=utf-8><title>triage</title><style>{style}</style>"
        f"<h1>Triage: {e(data['root'])}</h1><h2>Signatures</h2><table><tr><th>signature</th><th>title</th>"
        f"<th>kernels hit</th><th>example kernel</th><th>repro</th><th>reduction</th><th>status</th>"
        f"<th>releases</th></tr>"
        f"{''.join(rows)}</table>"
        f"<h2>Kernels</h2><table><tr><th>kernel</th><th>outcome</th><th>signatures</th><th>note</th></tr>"
        f"{''.join(krows)}</table>\n"
    )


def render_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


# The triage formats: file name -> renderer. A new format is one function and one entry here.
RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "triage.json": render_json,
    "triage.md": render_markdown,
    "triage.html": render_html,
}


def write_triage(result: SweepResult, root: str, options: Options, out: Path | None = None) -> dict[str, Any]:
    """Every format of `RENDERERS` into `out` (default: the sweep's folder); returns the data."""
    data = triage_data(result, root, options, links_from=out or result.out)
    for name, render in RENDERERS.items():
        atomic.write_text((out or result.out) / name, render(data))
    return data
