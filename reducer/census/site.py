"""The census as a static site: `SITE/index.html`, the page a porting engineer and a compiler maintainer open first
(per project and target: units, the share that compiles, the counts per class and a stacked bar; the bugs ranked
by units hit; the trend of earlier runs), and one page per bug at its `page`.

Static and self-contained (inline CSS, no script, no external resource) so it works from file:// and from any
static host. Names come from users' code and folders: the templates (reducer/census/templates) are autoescaped and
every link goes through `href`, as the sweep's triage page does.
"""

from __future__ import annotations

import posixpath
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

import jinja2
from markupsafe import Markup

from reducer.errors import InputError
from reducer.proc import atomic
from reducer.safety.names import href, html_templates


class UnitClass(NamedTuple):
    key: str  # the count's key in a target's entry of census.json
    label: str
    colour: str


# What became of a compile unit, in the order a bar stacks them. A new class is one row: table, bar and legend follow.
CLASSES = (
    UnitClass("passed", "passed", "#43a047"),
    UnitClass("failed", "failed (compiler bug)", "#e53935"),
    UnitClass("resource", "resource", "#1e88e5"),
    UnitClass("frontend", "frontend", "#fb8c00"),
    UnitClass("incompatible", "incompatible", "#8e24aa"),
    UnitClass("other", "other", "#9e9e9e"),
)
# A bug's class (census.json) -> the unit class it leaves its units in: one colour per idea on both.
BUG_CLASSES = {"compiler-bug": "failed", "resource-limit": "resource", "frontend": "frontend",
               "incompatibility": "incompatible"}

BAR_WIDTH = 480  # px of a project's widest bar: the other bars and every segment are to the same scale
BAR_HEIGHT = 18
BAR_GAP = 6
LABEL_WIDTH = 180  # px left of the bars for the target's name

_CSS = (
    "body{font-family:sans-serif;margin:2em;max-width:80em}"
    "table{border-collapse:collapse;margin:0 0 1.5em}"
    "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}"
    "th{background:#eee}td.n{text-align:right}"
    ".swatch{display:inline-block;width:.9em;height:.9em;margin-right:.3em;vertical-align:middle}"
    ".legend span.item{margin-right:1.2em}.lines{margin:0;padding-left:1.2em}"
    "svg.chart text{font-size:12px;font-family:sans-serif}.muted{color:#666}.id{white-space:nowrap}"
)


def share(passed: int, units: int) -> str:
    """The share of units that compile, as the page shows it (`60.0%`); `-` when there are none."""
    return f"{100 * passed / units:.1f}%" if units else "-"


def _counts(entry: dict[str, Any]) -> dict[str, int]:
    return {c.key: int(entry.get(c.key) or 0) for c in CLASSES}


def _inside(path: str, what: str) -> str:
    """`path` if it is relative to SITE and stays inside it: the site is one folder to copy or to serve."""
    parts = PurePosixPath(path).parts
    if not path or PurePosixPath(path).is_absolute() or ".." in parts or "\\" in path:
        raise InputError(f"census.json: {what} {path!r} is not a path inside the site",
                         "paths in census.json are relative to its folder")
    return path


def link(target: str | None, page: str, what: str = "link") -> str | None:
    """`target` (a path relative to SITE) as a URL from `page` (another one), e.g. `../repros/x.mlir` from a bug
    page; None when there is no target (the page then shows no link)."""
    if not target:
        return None
    here = posixpath.dirname("/" + _inside(page, "page"))
    return href(posixpath.relpath("/" + _inside(target, what), here))


# --- index.html -------------------------------------------------------------------------------------------


def _bar(target: str, counts: dict[str, int], units: int, row: int, scale: float) -> dict[str, Any]:
    """One target's stacked bar: a segment per class with units in it, each `scale` px a unit."""
    x, segments = float(LABEL_WIDTH), []
    for c in CLASSES:
        n = counts[c.key]
        if n:
            width = round(n * scale, 3)
            segments.append({"key": c.key, "label": c.label, "count": n, "x": round(x, 3), "width": width,
                             "share": share(n, units)})
            x += width
    y = row * (BAR_HEIGHT + BAR_GAP)
    return {"target": target, "y": y, "text_y": y + BAR_HEIGHT - 5, "units": units, "segments": segments}


def _chart(targets: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The project's bars, all to one scale so targets compare at a glance (a bar never outgrows BAR_WIDTH, even
    when the counts add up to more than `units`)."""
    totals = {t: max(int(e.get("units") or 0), sum(_counts(e).values())) for t, e in targets.items()}
    widest = max(totals.values(), default=0)
    scale = BAR_WIDTH / widest if widest else 0.0
    bars = [_bar(t, _counts(e), int(e.get("units") or 0), i, scale) for i, (t, e) in enumerate(targets.items())]
    return {"bars": bars, "width": LABEL_WIDTH + BAR_WIDTH + 2, "bar_height": BAR_HEIGHT,
            "height": max(len(bars) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP, 1)}


def _target_row(target: str, entry: dict[str, Any], pages: dict[str, str]) -> dict[str, Any]:
    units, counts = int(entry.get("units") or 0), _counts(entry)
    bugs = [{"id": b, "link": link(pages.get(b), "index.html", "page")} for b in entry.get("bugs") or []]
    return {"target": target, "units": units, "share": share(counts["passed"], units), "counts": counts,
            "bugs": bugs, "reused": bool(entry.get("reused")), "seconds": entry.get("seconds"),
            "error": str(entry["error"]) if entry.get("error") else None}


def _project(p: dict[str, Any], pages: dict[str, str]) -> dict[str, Any]:
    targets = p.get("targets") or {}
    setup = p.get("setup") if isinstance(p.get("setup"), dict) else {}
    return {"name": p["name"], "version": p.get("version") or "", "command": p.get("command") or "",
            "source": str(setup.get("source") or ""), "removed": [str(r) for r in setup.get("removed") or []],
            "rows": [_target_row(t, e, pages) for t, e in targets.items()], "chart": _chart(targets)}


def ranked(bugs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bugs most worth fixing first: most units hit, then most projects (then by id, so a rerun is stable)."""
    return sorted(bugs, key=lambda b: (-int(b.get("units") or 0), -len(b.get("projects") or []), b["id"]))


def _bug_row(bug: dict[str, Any]) -> dict[str, Any]:
    return {"id": bug["id"], "title": bug.get("title") or "", "class": bug.get("class") or "-",
            "colour": BUG_CLASSES.get(bug.get("class") or "", "other"), "stage": bug.get("stage") or "-",
            "units": int(bug.get("units") or 0), "projects": bug.get("projects") or [],
            "link": link(bug["page"], "index.html", "page")}


def _totals(census: dict[str, Any]) -> dict[str, Any]:
    entries = [e for p in census.get("projects") or [] for e in (p.get("targets") or {}).values()]
    units = sum(int(e.get("units") or 0) for e in entries)
    passed = sum(int(e.get("passed") or 0) for e in entries)
    return {"generated": census.get("generated") or "-", "units": units, "passed": passed,
            "share": share(passed, units), "bugs": len(census.get("bugs") or []), "projects":
            len(census.get("projects") or []), "targets": len(entries)}


def _run_row(run: dict[str, Any], current: bool) -> dict[str, Any]:
    units, passed = int(run.get("units") or 0), int(run.get("passed") or 0)
    fixed = run.get("fixed")
    return {"generated": run.get("generated") or "-", "units": units, "passed": passed, "share": share(passed, units),
            "bugs": int(run.get("bugs") or 0), "fixed": list(fixed) if fixed is not None else None,
            "current": current}


def trend(census: dict[str, Any], history: list[dict[str, Any]] | None) -> dict[str, Any]:
    """The runs oldest first, this one last. Each run's `fixed` lists the bugs it no longer saw against the run
    before it; the runner may pass this run's own entry last (same `generated`) to say what it fixed, otherwise
    this run's row comes from census.json and its `fixed` is unknown."""
    now = census.get("generated")
    earlier = sorted((h for h in history or [] if h.get("generated") != now), key=lambda h: str(h.get("generated")))
    this = next((h for h in history or [] if h.get("generated") == now), None)
    current = _run_row(this if this is not None else _totals(census) | {"fixed": None}, True)
    return {"rows": [_run_row(h, False) for h in earlier] + [current], "fixed": current["fixed"],
            "shown": bool(earlier) or this is not None}


def index_context(census: dict[str, Any], history: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """What index.html.j2 shows, computed here so the template only lays it out."""
    bugs = census.get("bugs") or []
    pages = {b["id"]: b["page"] for b in bugs}
    return {"generated": census.get("generated") or "-", "toolchain": census.get("toolchain") or {},
            "totals": _totals(census), "classes": CLASSES,
            "projects": [_project(p, pages) for p in census.get("projects") or []],
            "bugs": [_bug_row(b) for b in ranked(bugs)], "trend": trend(census, history)}


# --- bug pages --------------------------------------------------------------------------------------------


def _kernel(k: dict[str, Any]) -> dict[str, Any]:
    return {"project": k.get("project") or "-", "target": k.get("target") or "-", "kernel": k.get("kernel") or "-",
            "source": k.get("source") or "-", "triggered_by": list(k.get("triggered_by") or [])}


def _fit(f: dict[str, Any]) -> dict[str, Any]:
    return {name: f.get(name) or "-" for name in ("project", "target", "kernel", "config", "suggestion")}


def bug_context(bug: dict[str, Any], generated: str = "-") -> dict[str, Any]:
    """What bug.html.j2 shows; every link is relative to the bug's page (`../repros/...` from `bugs/`)."""
    page = bug["page"]
    links = [(label, bug.get(key), link(bug.get(key), page, key))
             for key, label in (("repro", "repro"), ("reduced", "reduced input (no lit repro)"),
                                ("upstream_test", "upstream test"), ("issue", "issue"))]
    return {"bug": _bug_row(bug), "generated": generated, "verdict": bug.get("verdict"),
            "links": [{"label": label, "path": path, "url": url} for label, path, url in links if url],
            "releases": list((bug.get("releases") or {}).items()),
            "kernels": [_kernel(k) for k in bug.get("kernels") or []],
            "fits": [_fit(f) for f in bug.get("fit") or []], "index": link("index.html", page),
            "causes": [_cause(c, page) for c in bug.get("causes") or []],
            "problems": [str(p) for p in bug.get("problems") or []]}


def _cause(c: dict[str, Any], page: str) -> dict[str, Any]:
    return {"project": c.get("project") or "-", "target": c.get("target") or "-",
            "kernels": ", ".join(c.get("kernels") or []) or "-", "ops": c.get("ops") or "-",
            "path": c.get("repro"), "url": link(c.get("repro"), page, "cause repro")}


# --- rendering and writing ---------------------------------------------------------------------------------


@cache
def _env() -> jinja2.Environment:
    env = html_templates("reducer.census", trim_blocks=True, lstrip_blocks=True)
    env.globals["style"] = _style()
    return env


def _style() -> Markup:
    """The site's CSS, inline on each page (no file to fetch); the class colours come from CLASSES."""
    colours = "".join(f".c-{c.key}{{fill:{c.colour};background:{c.colour}}}" for c in CLASSES)
    return Markup(_CSS + colours)


def render_index(census: dict[str, Any], history: list[dict[str, Any]] | None = None) -> str:
    return _env().get_template("index.html.j2").render(index_context(census, history))


def render_bug(bug: dict[str, Any], generated: str = "-") -> str:
    return _env().get_template("bug.html.j2").render(bug_context(bug, generated))


def _pages(site: Path, census: dict[str, Any]) -> dict[Path, dict[str, Any]]:
    """Each bug by its page's path under `site`; two bugs on one page is a broken census, not a page to overwrite."""
    pages: dict[Path, dict[str, Any]] = {}
    for bug in census.get("bugs") or []:
        path = site / _inside(bug["page"], "page")
        if path == site / "index.html":
            raise InputError(f"census.json: bug {bug['id']}'s page is index.html")
        if path in pages:
            raise InputError(f"census.json: bugs {pages[path]['id']} and {bug['id']} share the page {bug['page']!r}")
        pages[path] = bug
    return pages


def write_site(site: Path, census: dict[str, Any], history: list[dict[str, Any]] | None = None) -> list[Path]:
    """SITE/index.html and one page per bug, each written atomically (every page is rendered before any is
    replaced, so a failure leaves the previous site whole); returns the paths written, index.html first."""
    pages = _pages(site, census)
    generated = census.get("generated") or "-"
    files = {site / "index.html": render_index(census, history).encode()}
    for path, bug in pages.items():
        files[path] = render_bug(bug, generated).encode()
    atomic.write_many(files)
    return list(files)
