"""The triage page and table from a hostile sweep: names come from users' code and folders, so each must reach
the page as text (no markup, no script link) and the markdown table as one cell."""

from __future__ import annotations

from reducer.sweep.render import RENDERERS, render_html, render_markdown
from reducer.table import Markdown, markdown_link, markdown_table

SCRIPT = "<script>alert(1)</script>"
QUOTES = "k\"' onmouseover=\"x"


def _data() -> dict:
    example = {"kernel": SCRIPT, "path": "/s/a/k.ttir", "bytes": 10, "options": {}}
    signature = {
        "id": "0123456789ab", "title": f"error: {SCRIPT} | {QUOTES}", "outcome": "diagnostic-error",
        "stage": "bishengir", "kernels": [SCRIPT, QUOTES], "files": 2, "example": example, "options": {},
        "repro": "/r/0001-x.mlir", "repro_link": "javascript:alert(1)", "reduced": None, "reduced_link": None,
        "ops": "9 -> 2", "tests": 4, "seconds": 1.0, "status": "new", "releases": "", "note": "", "causes": [],
    }
    unit = {
        "kernel": SCRIPT, "config": "A=1|B=2", "folder": "/s/javascript:alert(1)", "folder_link": "javascript:alert(1)",
        "outcome": "failed", "stage": "bishengir", "ids": ["0123456789ab"], "files": [], "note": "line\nbreak",
        "source": None,
    }
    finding = {
        "id": "fedcba987654", "title": QUOTES, "error": SCRIPT, "incompatibility": None, "kernels": [SCRIPT],
        "units": 1, "shimmed": 0, "folders": ["/s/x"], "folder_links": ["javascript:alert(1)"],
    }
    summary = {
        "kernels": 2, "units": 1, "files": 2, "replayed": 2, "resumed": 0, "checked": 2, "signatures": 1,
        "status": {"new": 1}, "frontend_errors": 1, "frontend_findings": 1, "seconds": 1.0, "lost": 0,
        "executor": "local", "executor_setup": 0.0,
    }
    return {
        "root": SCRIPT, "target": "Ascend910B3", "options": {}, "summary": summary, "signatures": [signature],
        "frontend": [finding], "kernels": [], "units": [unit],
    }


def test_the_page_escapes_every_name() -> None:
    page = render_html(_data())
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'onmouseover="' not in page and "k&quot;&#x27; onmouseover=&quot;x" in page
    assert 'href="javascript:' not in page  # a folder named like a scheme stays a relative link
    assert 'href="./javascript:alert(1)"' in page and 'href="./javascript:alert(1)/"' in page
    # one line of markup (the newline in the note is data), as the page has always been
    assert page.startswith("<!doctype html>") and page.count("\n") == 2 and page.endswith("</table>\n")


def test_the_markdown_keeps_each_name_in_its_cell() -> None:
    md = render_markdown(_data())
    unit_row = next(line for line in md.splitlines() if line.startswith("| \\<script>") and "A=1" in line)
    assert "A=1\\|B=2" in unit_row and "line break" in unit_row
    assert unit_row.count(" | ") == 6  # seven cells


def test_one_table_writer() -> None:
    rows = [["a|b", None, 3], [Markdown("`x|y`"), markdown_link("d/e|f/", "d/e>"), markdown_link(None, None)]]
    assert markdown_table(["h1", "h2", "h3"], rows) == (
        "| h1 | h2 | h3 |\n|---|---|---|\n| a\\|b | - | 3 |\n| `x|y` | [e\\|f](<d/e%3E>) | - |"
    )
    assert set(RENDERERS) == {"triage.json", "triage.md", "triage.html"}
