"""The triage document in each format people read: JSON, markdown and an HTML page.

A new output format is one function in `RENDERERS` (file name -> renderer of the triage data).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import PurePath
from typing import Any

import jinja2
from markupsafe import Markup

from reducer.safety.names import Markdown, code_span, href, html_templates, markdown_link, markdown_text
from reducer.sweep.groups import NOT_REDUCED
from reducer.table import markdown_table


def cause_rows(g: dict[str, Any]) -> list[dict[str, Any]]:
    """What a signature's table shows: one row per cause when its reductions found several, else one."""
    causes = g.get("causes") or []
    if len(causes) < 2:
        example = g["example"]["kernel"] if g["example"] else "-"
        return [dict(g, label="", example=example)]
    return [
        dict(c, label=f" cause {i}/{len(causes)}", example=c["example"].get("kernel", "-"))
        for i, c in enumerate(causes, 1)
    ]


def reduction(r: dict[str, Any]) -> str:
    """What a reduction spent and reached, e.g. `40 -> 3 ops, 212 tests, 31.0s`."""
    parts = [f"{r['ops']} ops" if r.get("ops") else None]
    parts.append(f"{r['tests']} tests" if r.get("tests") is not None else None)
    parts.append(f"{r['seconds']:.1f}s" if r.get("seconds") is not None else None)
    return ", ".join(p for p in parts if p) or "-"


def source_lines(r: dict[str, Any], count: int = 2) -> str:
    """The first source lines behind a cause, as `file:line` (the full lines are in triage.json)."""
    places = [str(t).split(" ", 1)[0] for t in (r.get("triggered_by") or [])[:count]]
    return ", ".join(p.rsplit("/", 1)[-1] for p in places) or "-"


def _headline(data: dict[str, Any]) -> list[str]:
    s = data["summary"]
    statuses = ", ".join(f"{v} {k}" for k, v in sorted(s["status"].items())) or "none"
    out = [
        f"# Triage: {markdown_text(data['root'])}",
        "",
        f"{s['units']} compile units of {s['kernels']} kernels, {s['files']} IR files "
        f"({s['replayed']} replayed, {s['resumed']} from the state file, "
        f"{s['checked'] - s['replayed']} passed in the capture), {s['signatures']} signatures ({statuses}), "
        f"{s['frontend_errors']} frontend errors ({s['frontend_findings']} findings)"
        f"{_versions_count(s)}; "
        f"target {markdown_text(data['target'])}; {s['seconds']}s.",
        "",
    ]
    if s.get("lost"):
        out += [f"{s['lost']} tasks were lost with their workers and not recorded: run the sweep again to do them.", ""]
    out += [f"Warning: {markdown_text(w)}" for w in data.get("warnings") or []]
    if s.get("broken") or s.get("skipped"):
        out += [f"{s.get('broken', 0)} broken artifacts left out, {s.get('skipped', 0)} files not checked (below).", ""]
    return out


def _signature_table(data: dict[str, Any]) -> str:
    rows = []
    for g in data["signatures"]:
        for r in cause_rows(g):
            status = r["status"] + (f" ({r['note']})" if r["note"] and r["status"] == NOT_REDUCED else "")
            rows.append([
                Markdown(code_span(g["id"], table=True) + r["label"]), g["title"], ", ".join(r["kernels"]),
                r["example"], markdown_link(r.get("repro"), r.get("repro_link")), reduction(r), status,
                g.get("releases") or "-", source_lines(r),
            ])
    header = ["signature", "title", "kernels hit", "example kernel", "repro", "reduction", "status", "releases",
              "triggered by"]
    return markdown_table(header, rows)


def _frontend_table(data: dict[str, Any]) -> str:
    rows = []
    for f in data["frontend"]:
        example = markdown_link(f["folders"][0] + "/", f["folder_links"][0]) if f["folders"] else "-"
        shimmed = f["shimmed"] if f["incompatibility"] else "no shim known"
        rows.append([code_span(f["id"], table=True), f["title"], ", ".join(f["kernels"]), f["units"], shimmed, example])
    return markdown_table(["signature", "title", "kernels", "launches", "shimmed retries", "example"], rows)


def _versions_count(summary: dict[str, Any]) -> str:
    n = summary.get("version_incompatibilities") or 0
    return f", {n} kernel{'s' if n != 1 else ''} written for another triton-ascend release" if n else ""


# Why a version incompatibility is no one's bug: the same words in every format.
VERSIONS_NOTE = (
    "Written for another triton-ascend release (its API spelling, e.g. `triton.language.extra.cann`): not a compiler "
    "or frontend bug, never reported upstream. Where an alias exists the kernel was compiled through it, and its "
    "compiler failures are among the signatures above; port the code or install the release it was written for."
)


def _versions_table(data: dict[str, Any]) -> str:
    rows = [
        [v["kernel"], v["why"], v["units"], v["rejected"], ", ".join(v["ids"]) or "-",
         markdown_link(v["folders"][0] + "/", v["folder_links"][0]) if v["folders"] else "-"]
        for v in data.get("versions") or []
    ]
    return markdown_table(["kernel", "why", "units", "rejected", "findings", "example"], rows)


# Why a resource limit is not a compiler bug, and what the anomaly rule is: the same words in every format.
LIMITS_NOTE = (
    "The kernel's config needs more on-chip memory than the target has (`ub overflow`, `cc overflow`...): the "
    "user's to fix, not a compiler bug, never reported upstream. Each was specialised again with smaller "
    "power-of-two compile-time parameters (and its autotune list): the suggestion is the nearest config that fits, "
    "and `fit input` is that config's input to the failing stage, to recompile by hand. An ANOMALY is a "
    "compiler-bug candidate, grouped with the signatures above: even the smallest specialisation overflows, or a "
    "structurally equivalent form of the kernel (`tl.range` for `tl.static_range`) fits at the same config."
)


def _limits_table(data: dict[str, Any]) -> str:
    rows = []
    for r in data.get("resource_limits") or []:
        need = f"{r['requires_bits']} / {r['available_bits']} bits ({r['ratio']}x)" if r.get("ratio") else "-"
        seconds = f"{r['seconds']:.1f}s" if r.get("seconds") is not None else "-"
        rows.append([r["kernel"], r["config"], r.get("kind") or "-", need, r["suggestion"],
                     markdown_link(r.get("fit_ir"), r.get("fit_link")), r.get("tried", 0), seconds])
    return markdown_table(["kernel", "config", "space", "requires / available", "suggestion", "fit input", "tried",
                           "search"], rows)


def _unusable(data: dict[str, Any]) -> list[str]:
    """The artifacts the sweep could not use (left out, the run went on) and the inputs it did not read."""
    out = []
    if data.get("broken"):
        rows = [[b["kind"], code_span(b["path"], table=True), b["why"]] for b in data["broken"]]
        out += ["", "## Broken artifacts", "", "Left out; the rest of the run went on. Fix or delete each file.", "",
                markdown_table(["kind", "path", "why"], rows)]
    if data.get("skipped"):
        rows = [[code_span(s["path"], table=True), s.get("bytes") if s.get("bytes") is not None else "-", s["why"]]
                for s in data["skipped"]]
        out += ["", "## Not checked", "", markdown_table(["path", "bytes", "why"], rows)]
    return out


def _unit_table(data: dict[str, Any]) -> str:
    rows = [
        [u["kernel"], u["config"], u["outcome"], u["stage"], ", ".join(u["ids"]) or "-",
         markdown_link(u["folder"] + "/", u.get("folder_link")), u.get("note") or ""]
        for u in data["units"]
    ]
    return markdown_table(["kernel", "config", "outcome", "stage", "signatures", "folder", "note"], rows)


def render_markdown(data: dict[str, Any]) -> str:
    out = _headline(data) + ["## Signatures", "", _signature_table(data)]
    if data["frontend"]:
        out += [
            "",
            "## Frontend findings",
            "",
            "Rejected by Triton's frontend before any compiler ran; `reducer report FOLDER` writes the issue.",
            "",
            _frontend_table(data),
        ]
    if data.get("versions"):
        out += ["", "## Version incompatibilities", "", VERSIONS_NOTE, "", _versions_table(data)]
    if data.get("resource_limits"):
        out += ["", "## Resource limits", "", LIMITS_NOTE, "", _limits_table(data)]
    out += _unusable(data)
    out += ["", "## Compile units", "", _unit_table(data)]
    return "\n".join(out) + "\n"


@cache
def _page() -> jinja2.Template:
    """triage.html.j2, autoescaped: every name in the data reaches the page as text, never as markup."""
    env = html_templates("reducer.sweep")
    env.filters.update(
        basename=lambda path: PurePath(path).name,
        css=lambda word: "".join(ch if ch.isalnum() else "-" for ch in word),
        href=href,
        reduction=reduction,
        source_lines=source_lines,
    )
    env.globals.update(cause_rows=cause_rows, zip=zip)
    return env.get_template("triage.html.j2")


@cache
def _style() -> Markup:
    """triage.css as one line (the page is one line of markup)."""
    css = resources.files("reducer.sweep").joinpath("templates", "triage.css").read_text()
    return Markup("".join(line.strip() for line in css.splitlines()))


def render_html(data: dict[str, Any]) -> str:
    return _page().render(data, style=_style(), versions=data.get("versions") or [], versions_note=VERSIONS_NOTE,
                          limits=data.get("resource_limits") or [], limits_note=LIMITS_NOTE,
                          broken=data.get("broken") or [], skipped=data.get("skipped") or [])


def render_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


# The triage formats: file name -> renderer. A new format is one function and one entry here.
RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "triage.json": render_json,
    "triage.md": render_markdown,
    "triage.html": render_html,
}
