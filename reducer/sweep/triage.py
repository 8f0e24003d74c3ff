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

from reducer.capture.frontend import FrontendFinding, finding_of
from reducer.capture.record import FRONTEND_ERROR, INCOMPLETE, config_label, failed_where
from reducer.proc import atomic
from reducer.stage.options import Options

NEW = "new"
KNOWN = "known"
FIXED = "fixed"
NOT_REDUCED = "not reduced"


@dataclass
class Cause:
    """The kernels of one signature whose reductions ended in one repro (the same op skeleton)."""

    kernels: list[str]
    example: dict[str, Any]  # the input whose reduction shows it
    skeleton: list[str] = field(default_factory=list)
    status: str = NOT_REDUCED
    repro: str | None = None
    reduced: str | None = None
    note: str = ""
    ops: str | None = None
    tests: int | None = None
    seconds: float | None = None


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
    by_kernel: dict[str, dict[str, Any]] = field(default_factory=dict)  # each kernel's smallest failing input
    causes: list[Cause] = field(default_factory=list)  # after reduction: one per distinct repro

    def representatives(self, limit: int) -> list[dict[str, Any]]:
        """The inputs to reduce: one per kernel, smallest first, at most `limit`."""
        return sorted(self.by_kernel.values(), key=lambda e: (e["bytes"], e["path"]))[: max(1, limit)]


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


def _ops_after(entry: dict[str, Any]) -> int:
    try:
        return int(str(entry.get("ops")).split(" -> ")[-1])
    except ValueError:
        return 1 << 30


def apply_reductions(group: Group, entries: list[dict[str, Any]]) -> None:
    """What the group's reductions (now or in the state file) found: reductions that ended in one repro, or in
    one op skeleton when not saved, are one cause; each cause names its kernels."""
    buckets: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        if entry.get("repro"):
            key = "repro:" + str(Path(entry["repro"]).resolve())
        elif entry.get("skeleton"):
            key = "skeleton:" + ",".join(entry["skeleton"])
        else:
            key = "alone:" + str(entry.get("example"))
        buckets.setdefault(key, []).append(entry)
    causes = []
    for bucket in buckets.values():
        best = min(bucket, key=lambda e: (e.get("status") != NEW and e.get("status") != KNOWN, _ops_after(e)))
        kernels = sorted({e.get("kernel") or group.example["kernel"] for e in bucket})
        statuses = {e.get("status", NOT_REDUCED) for e in bucket}
        status = NEW if NEW in statuses else KNOWN if KNOWN in statuses else NOT_REDUCED
        example = group.by_kernel.get(best.get("kernel") or "", group.example) or {}
        causes.append(
            Cause(
                kernels,
                example,
                list(best.get("skeleton") or []),
                status,
                best.get("repro"),
                best.get("reduced"),
                best.get("note", ""),
                best.get("ops"),
                sum(e.get("tests") or 0 for e in bucket) or best.get("tests"),
                round(sum(e.get("seconds") or 0.0 for e in bucket), 2),
            )
        )
    causes.sort(key=lambda c: (-len(c.kernels), c.example.get("bytes", 0)))
    group.causes = causes
    first = causes[0] if causes else None
    if first is None:
        return
    group.status, group.repro, group.reduced, group.note = first.status, first.repro, first.reduced, first.note
    group.ops, group.tests, group.seconds = first.ops, sum(c.tests or 0 for c in causes), sum(
        c.seconds or 0.0 for c in causes
    )
    if any(c.status == NEW for c in causes):
        group.status = NEW
    left = sorted(set(group.by_kernel) - {k for c in causes for k in c.kernels})
    if left:
        group.note = " ".join(
            p for p in (group.note, f"not reduced on their own (the per-signature limit): {', '.join(left)}") if p
        )


def group_checks(entries: list[dict[str, Any]]) -> list[Group]:
    """One group per signature id; its example is the smallest failing file (and the options it failed with)."""
    groups: dict[str, Group] = {}
    for e in entries:
        if not e.get("failure") or not e.get("id"):
            continue
        g = groups.setdefault(e["id"], Group(e["id"], e["title"], e["outcome"], e["stage"]))
        g.kernels.add(e["kernel"])
        g.files += 1
        example = {"kernel": e["kernel"], "path": e["path"], "bytes": e["bytes"], "options": e.get("options") or {}}
        if g.example is None or (e["bytes"], e["path"]) < (g.example["bytes"], g.example["path"]):
            g.example = example
        own = g.by_kernel.get(e["kernel"])
        if own is None or (e["bytes"], e["path"]) < (own["bytes"], own["path"]):
            g.by_kernel[e["kernel"]] = example
    return sorted(groups.values(), key=lambda g: (-len(g.kernels), g.id))


def _last_line(record: dict[str, Any]) -> str:
    return ((record.get("error") or record.get("outcome") or "").strip().splitlines() or [""])[-1][:200]


def unit_rows(by_path: dict[str, dict[str, Any]], records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per compile unit (kernel + specialisation): a capture's record, or a dump folder of plain files.

    `by_path` maps every IR file path (identical copies included) to its check entry.
    """
    rows = []
    covered: set[str] = set()
    for r in records:
        folder = Path(r.get("folder", "."))
        files = [str(folder / name) for name in (r.get("files") or {}).values()]
        covered.update(files)
        checks = [by_path[f] for f in files if f in by_path]
        rows.append(_row(r.get("kernel", "?"), config_label(r), str(folder), checks, r))
    loose: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for path, entry in by_path.items():
        if path not in covered and path == entry["path"]:  # a plain dump: one kernel in one folder is a unit
            loose.setdefault((str(Path(path).parent), entry["kernel"]), []).append(entry)
    for (folder, kernel), checks in loose.items():
        rows.append(_row(kernel, "-", folder, checks, None))
    return sorted(rows, key=lambda row: (row["kernel"], row["config"], row["folder"]))


def _row(
    kernel: str, config: str, folder: str, checks: list[dict[str, Any]], record: dict[str, Any] | None
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "kernel": kernel,
        "config": config,
        "folder": folder,
        "outcome": "passed" if checks else "not checked",
        "stage": "-",
        "ids": [],
        "files": sorted(e["path"] for e in checks),
        "note": "",
        "source": (record or {}).get("source"),
    }
    failing = [e for e in checks if e.get("failure")]
    for e in failing:
        row["outcome"], row["stage"] = "failed", e["stage"]
        if e["id"] not in row["ids"]:
            row["ids"].append(e["id"])
    captured = (record or {}).get("outcome")
    known = ((record or {}).get("incompatibility") or {}).get("name")
    if record is not None and captured in (FRONTEND_ERROR, INCOMPLETE) and not failing:
        row["outcome"], row["stage"] = captured, failed_where(record)
        if captured == FRONTEND_ERROR:
            row["ids"].append(finding_of(record)[0])
        row["note"] = f"known incompatibility {known}: {_last_line(record)}" if known else _last_line(record)
    elif not failing and any(e["outcome"] == "unreadable" for e in checks):
        row["outcome"] = "unreadable"
        row["note"] = next(e.get("title", "") for e in checks if e["outcome"] == "unreadable")
    elif not failing and captured == "failed":
        row["note"] = f"the capture saw it fail at {record.get('failed_stage')}; the replay passes"
    shims = [s.get("name", "?") for s in (record or {}).get("shims") or []]
    if shims:
        row["note"] = " ".join(p for p in (row["note"], f"compiled with shim {', '.join(shims)}") if p)
    return row


_WORST = ["passed", "not checked", "unreadable", INCOMPLETE, FRONTEND_ERROR, "failed"]


def kernel_rows(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The units rolled up per kernel name: its worst outcome and every signature it showed."""
    kernels: dict[str, dict[str, Any]] = {}
    for row in rows:
        k = kernels.setdefault(
            row["kernel"],
            {"kernel": row["kernel"], "outcome": "passed", "ids": [], "units": 0, "files": [], "note": "",
             "source": row.get("source")},
        )
        k["units"] += 1
        k["files"] += row["files"]
        k["ids"] += [i for i in row["ids"] if i not in k["ids"]]
        rank = _WORST.index(row["outcome"]) if row["outcome"] in _WORST else 0
        if rank > (_WORST.index(k["outcome"]) if k["outcome"] in _WORST else 0):
            k["outcome"] = row["outcome"]
        if row["note"] and row["note"] not in k["note"]:
            k["note"] = "; ".join(p for p in (k["note"], row["note"]) if p)
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
            "units": len(result.rows),
            "files": result.units,
            "replayed": result.replayed,
            "resumed": result.resumed,
            "checked": result.checked,
            "signatures": len(result.groups),
            "status": counts,
            "frontend_errors": sum(1 for row in result.rows if row["outcome"] == FRONTEND_ERROR),
            "frontend_findings": len(result.frontend),
            "seconds": round(result.seconds, 1),
            "lost": result.lost,
            "executor": result.executor,
            "executor_setup": round(result.executor_setup, 2),
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
                "causes": [
                    {
                        "kernels": c.kernels,
                        "example": c.example,
                        "skeleton": c.skeleton,
                        "status": c.status,
                        "repro": c.repro,
                        "repro_link": _link(c.repro, base),
                        "reduced": c.reduced,
                        "reduced_link": _link(c.reduced, base),
                        "ops": c.ops,
                        "tests": c.tests,
                        "seconds": c.seconds,
                        "note": c.note,
                    }
                    for c in g.causes
                ],
            }
            for g in result.groups
        ],
        "frontend": [
            {
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
            for f in result.frontend
        ],
        "kernels": list(result.kernels.values()),
        "units": [dict(row, folder_link=_link(row["folder"], base)) for row in result.rows],
    }


def _cause_rows(g: dict[str, Any]) -> list[dict[str, Any]]:
    """What a signature's table shows: one row per cause when its reductions found several, else one."""
    causes = g.get("causes") or []
    if len(causes) < 2:
        example = g["example"]["kernel"] if g["example"] else "-"
        return [dict(g, label="", example=example)]
    return [
        dict(c, label=f" cause {i}/{len(causes)}", example=c["example"].get("kernel", "-"))
        for i, c in enumerate(causes, 1)
    ]


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
        f"{s['units']} compile units of {s['kernels']} kernels, {s['files']} IR files "
        f"({s['replayed']} replayed, {s['resumed']} from the state file, "
        f"{s['checked'] - s['replayed']} passed in the capture), "
        f"{s['signatures']} signatures "
        f"({', '.join(f'{v} {k}' for k, v in sorted(s['status'].items())) or 'none'}), "
        f"{s['frontend_errors']} frontend errors ({s['frontend_findings']} findings); "
        f"target {data['target']}; {s['seconds']}s.",
        "",
    ]
    if s.get("lost"):
        out += [f"{s['lost']} tasks were lost with their workers and not recorded: run the sweep again to do them.", ""]
    out += [
        "## Signatures",
        "",
        "| signature | title | kernels hit | example kernel | repro | reduction | status | releases |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for g in data["signatures"]:
        for r in _cause_rows(g):
            status = r["status"] + (f" ({r['note']})" if r["note"] and r["status"] == NOT_REDUCED else "")
            out.append(
                f"| `{g['id']}`{r['label']} | {_md_cell(g['title'])} | {_md_cell(', '.join(r['kernels']))} | "
                f"{_md_cell(r['example'])} | {_md_link(r.get('repro'), r.get('repro_link'))} | "
                f"{_md_cell(_reduction(r))} | {_md_cell(status)} | {_md_cell(g.get('releases') or '-')} |"
            )
    if data["frontend"]:
        out += [
            "",
            "## Frontend findings",
            "",
            "Rejected by Triton's frontend before any compiler ran; `reducer report FOLDER` writes the issue.",
            "",
            "| signature | title | kernels | launches | shimmed retries | example |",
            "|---|---|---|---|---|---|",
        ]
        for f in data["frontend"]:
            example = _md_link(f["folders"][0] + "/", f["folder_links"][0]) if f["folders"] else "-"
            out.append(
                f"| `{f['id']}` | {_md_cell(f['title'])} | {_md_cell(', '.join(f['kernels']))} | {f['units']} | "
                f"{f['shimmed'] if f['incompatibility'] else 'no shim known'} | {example} |"
            )
    out += [
        "",
        "## Compile units",
        "",
        "| kernel | config | outcome | stage | signatures | folder | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for u in data["units"]:
        out.append(
            f"| {_md_cell(u['kernel'])} | {_md_cell(u['config'])} | {_md_cell(u['outcome'])} | "
            f"{_md_cell(u['stage'])} | {_md_cell(', '.join(u['ids']) or '-')} | "
            f"{_md_link(u['folder'] + '/', u.get('folder_link'))} | {_md_cell(u.get('note') or '')} |"
        )
    return "\n".join(out) + "\n"


def render_html(data: dict[str, Any]) -> str:
    e = html.escape
    rows = []
    for g in data["signatures"]:
        for r in _cause_rows(g):
            cells = [e(g["id"] + r["label"]), e(g["title"]), e(", ".join(r["kernels"])), e(r["example"])]
            repro, link = r.get("repro"), r.get("repro_link")
            cells.append(f'<a href="{e(link)}">{e(Path(repro).name)}</a>' if repro and link else e(repro or "-"))
            cells += [e(_reduction(r)), e(r["status"]), e(g.get("releases") or "-")]
            status_class = "s-" + "".join(ch if ch.isalnum() else "-" for ch in r["status"])
            rows.append(f'<tr class="{status_class}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    frows = []
    for f in data["frontend"]:
        cells = [e(str(c)) for c in (f["id"], f["title"], ", ".join(f["kernels"]), f["units"], f["shimmed"])]
        links = [
            f'<a href="{e(link)}/">{e(Path(folder).name)}</a>'
            for folder, link in zip(f["folders"], f["folder_links"], strict=True)
            if link
        ]
        cells.append(" ".join(links) or "-")
        frows.append('<tr class="u-frontend-error">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    frontend = (
        "<h2>Frontend findings</h2><table><tr><th>signature</th><th>title</th><th>kernels</th><th>launches</th>"
        f"<th>shimmed retries</th><th>launch folders</th></tr>{''.join(frows)}</table>"
        if frows
        else ""
    )
    urows = []
    for u in data["units"]:
        cells = [e(str(c)) for c in (u["kernel"], u["config"], u["outcome"], u["stage"], ", ".join(u["ids"]) or "-")]
        link = u.get("folder_link")
        cells.append(f'<a href="{e(link)}/">{e(Path(u["folder"]).name)}</a>' if link else e(u["folder"]))
        cells.append(e(u.get("note") or ""))
        outcome_class = "u-" + "".join(ch if ch.isalnum() else "-" for ch in u["outcome"])
        urows.append(f'<tr class="{outcome_class}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    style = (
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}"
        "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}th{background:#eee}"
        ".s-new{background:#fde2e2}.s-known{background:#fff4d6}.s-fixed{background:#e2f5e2}"
        ".s-not-reduced{background:#eee}.u-failed{background:#fde2e2}.u-frontend-error{background:#fff4d6}"
        ".u-incomplete{background:#fff4d6}.u-unreadable{background:#eee}"
    )
    return (
        f"<!doctype html><meta charset=utf-8><title>triage</title><style>{style}</style>"
        f"<h1>Triage: {e(data['root'])}</h1><h2>Signatures</h2><table><tr><th>signature</th><th>title</th>"
        f"<th>kernels hit</th><th>example kernel</th><th>repro</th><th>reduction</th><th>status</th>"
        f"<th>releases</th></tr>"
        f"{''.join(rows)}</table>{frontend}"
        f"<h2>Compile units</h2><table><tr><th>kernel</th><th>config</th><th>outcome</th><th>stage</th>"
        f"<th>signatures</th><th>folder</th><th>note</th></tr>"
        f"{''.join(urows)}</table>\n"
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
