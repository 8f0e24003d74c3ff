"""The census site (reducer/census/site.py) made from tests/data/census_sample.json: what it writes (names as text,
one page per bug, a link only where there is a file), then, in the slow tier, the site opened in headless Chromium:
the numbers and the chart read back from the DOM equal census.json, each bar segment is as wide as its count says,
no console error, and every link leads to a file of the site."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from reducer.census.site import BAR_WIDTH, CLASSES, ranked, share, write_site
from reducer.errors import InputError

SAMPLE = Path(__file__).parent / "data" / "census_sample.json"
HTML_NAME = "examples <b>&amp; friends</b>"  # a project of the sample: its name must show as text, never as a tag
LINKED = ("repro", "upstream_test", "issue")
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
INSTALL = "run `apt-get install chromium chromium-driver` and `pip install -e .[test]`"
HISTORY = [
    {"generated": "2026-11-22T20:00:00Z", "units": 40, "passed": 20, "bugs": 7, "fixed": []},
    {"generated": "2026-11-29T20:00:00Z", "units": 44, "passed": 26, "bugs": 6, "fixed": ["0123456789ab"]},
]


def census() -> dict[str, Any]:
    return json.loads(SAMPLE.read_text())


def make_site(root: Path, data: dict[str, Any], history: list[dict[str, Any]] | None = None) -> list[Path]:
    """The site as the runner leaves it: every repro, upstream test and issue a bug names, then the pages."""
    for bug in data["bugs"]:
        for key in LINKED:
            if bug[key]:
                (root / bug[key]).parent.mkdir(parents=True, exist_ok=True)
                (root / bug[key]).write_text(f"{key} of {bug['id']}\n")
    return write_site(root, data, history)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [value or "" for name, value in attrs if tag == "a" and name == "href"]


def hrefs_in(page: Path) -> list[str]:
    """Every <a href> of `page` as the URL a browser resolves it to (the browser test reads them from the DOM)."""
    parser = _Links()
    parser.feed(page.read_text())
    return [urljoin(page.as_uri(), href) for href in parser.hrefs]


def unresolved(urls: list[str], site: Path) -> list[str]:
    """The links that lead to no file of `site`: another scheme, a host, a missing file, a file outside the site."""
    bad = []
    for url in urls:
        parts = urlsplit(url)
        path = Path(unquote(parts.path))
        inside = parts.scheme == "file" and not parts.netloc and path.resolve().is_relative_to(site.resolve())
        if not (inside and path.is_file()):
            bad.append(url)
    return bad


# --- what write_site writes ------------------------------------------------------------------------------------


def test_every_page_is_written(tmp_path: Path) -> None:
    data = census()
    written = make_site(tmp_path, data)
    assert written == [tmp_path / "index.html"] + [tmp_path / b["page"] for b in data["bugs"]]
    assert all(p.is_file() and p.read_text().startswith("<!doctype html>") for p in written)
    # static and self-contained: no script, nothing fetched from elsewhere (file:// and any static host work)
    assert not [p for p in written if "<script" in p.read_text() or re.search(r'(src|href)="(\w+:)?//', p.read_text())]
    assert not list(tmp_path.rglob(".*.tmp"))  # atomic writes leave no temp file behind


def test_names_reach_the_pages_as_text(tmp_path: Path) -> None:
    data = census()
    data["bugs"][0]["kernels"][0]["kernel"] = "<script>alert(1)</script>"
    data["bugs"][0]["title"] = 'x" onmouseover="y'
    make_site(tmp_path, data)
    pages = [p.read_text() for p in tmp_path.rglob("*.html")]
    escaped = "examples &lt;b&gt;&amp;amp; friends&lt;/b&gt;"
    assert all("<b>" not in page and "<script>" not in page and 'onmouseover="' not in page for page in pages)
    index, bug = (tmp_path / "index.html").read_text(), (tmp_path / data["bugs"][0]["page"]).read_text()
    assert f"<h2>{escaped}</h2>" in index and f'data-project="{escaped}"' in index
    assert escaped in bug and "&lt;script&gt;alert(1)&lt;/script&gt;" in bug
    assert "x&quot; onmouseover=&quot;y" in bug


def test_a_link_only_where_there_is_a_file(tmp_path: Path) -> None:
    data = census()
    make_site(tmp_path, data)
    for bug in data["bugs"]:
        page = tmp_path / bug["page"]
        hrefs = re.findall(r'href="([^"]*)"', page.read_text())
        targets = [str((page.parent / urlsplit(h).path).resolve()) for h in hrefs]
        for key in LINKED:
            if bug[key]:
                assert str((tmp_path / bug[key]).resolve()) in targets, (bug["id"], key)
        if not any(bug[key] for key in LINKED):
            assert 'id=links' not in page.read_text() and "None" not in page.read_text()
    repro_page = (tmp_path / data["bugs"][0]["page"]).read_text()
    assert f'href="../{data["bugs"][0]["repro"]}"' in repro_page and 'href="../index.html"' in repro_page


def test_every_link_resolves_without_a_browser(tmp_path: Path) -> None:
    written = make_site(tmp_path, census())
    for page in written:
        assert hrefs_in(page) and not unresolved(hrefs_in(page), tmp_path), (page, unresolved(hrefs_in(page), tmp_path))


def test_bugs_are_ranked_by_units_then_projects(tmp_path: Path) -> None:
    data = census()
    make_site(tmp_path, data)
    order = re.findall(r'<tr data-bug="([^"]+)"', (tmp_path / "index.html").read_text())
    assert order == ["29bc26900f9e", "r-1a2b3c4d5e6f", "51f69b203fc2", "5cc3a6c5b76c", "f79d635954ef"]
    assert order == [b["id"] for b in ranked(data["bugs"])]


def test_the_chart_markup_follows_the_counts(tmp_path: Path) -> None:
    make_site(tmp_path, census())
    rects = re.findall(r'data-class="(\w+)" data-count="(\d+)" x="[\d.]+" y="\d+" width="([\d.]+)"',
                       (tmp_path / "index.html").read_text())
    assert len(rects) == 5 + 5 + 2  # a segment per class with units in it
    assert {float(width) / int(count) for _, count, width in rects[:10]} == {BAR_WIDTH / 20}
    assert {float(width) / int(count) for _, count, width in rects[10:]} == {BAR_WIDTH / 8}
    assert share(0, 0) == "-" and share(5, 8) == "62.5%"


def test_the_trend_says_what_was_fixed(tmp_path: Path) -> None:
    data = census()
    this_run = {"generated": data["generated"], "units": 48, "passed": 32, "bugs": 5, "fixed": ["0a", "0b"]}
    make_site(tmp_path, data, HISTORY + [this_run])
    index = (tmp_path / "index.html").read_text()
    assert "Fixed since the previous run: 2 bugs (0a, 0b)." in index
    assert index.count("<tr", index.index("id=trend")) == 1 + 3 and "(this run)" in index

    make_site(tmp_path, data, HISTORY)  # without this run's entry: its row comes from census.json, fixed unknown
    index = (tmp_path / "index.html").read_text()
    assert "id=fixed" not in index and "66.7%" in index[index.index("id=trend"):]
    make_site(tmp_path, data, None)
    assert "id=trend" not in (tmp_path / "index.html").read_text()


@pytest.mark.parametrize("page", ["../outside.html", "/tmp/x.html", "index.html", "bugs/29bc26900f9e.html"])
def test_a_page_outside_the_site_or_on_another_is_refused(tmp_path: Path, page: str) -> None:
    data = census()
    data["bugs"][1]["page"] = page  # the last case: two bugs on one page
    with pytest.raises(InputError, match="census.json"):
        write_site(tmp_path / "site", data)
    assert not (tmp_path / "site").exists() and not (tmp_path / "outside.html").exists()


# --- in a browser ------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's headless Chromium through its own chromedriver, both named so Selenium Manager never runs (there
    is no network here). A missing piece fails the test: a browser check that skips checks nothing."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.is_file()]
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing.append("selenium")
    if missing:
        pytest.fail(f"the browser test needs {', '.join(missing)}: {INSTALL}", pytrace=False)
    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,2000"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


def open_page(driver: Any, page: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """Load `page`; its links as the browser resolved them and its SEVERE console entries."""
    from selenium.webdriver.common.by import By

    driver.get(page.as_uri())
    links = [a.get_attribute("href") for a in driver.find_elements(By.TAG_NAME, "a")]
    return links, [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def check_tables(driver: Any, data: dict[str, Any]) -> None:
    """Each project's table, read from the DOM, says what census.json says; the HTML name is text, not a tag."""
    from selenium.webdriver.common.by import By

    sections = driver.find_elements(By.CSS_SELECTOR, "section.project")
    assert [s.get_attribute("data-project") for s in sections] == [p["name"] for p in data["projects"]]
    assert HTML_NAME in [s.find_element(By.TAG_NAME, "h2").text for s in sections]
    assert not driver.find_elements(By.TAG_NAME, "b")
    for section, project in zip(sections, data["projects"], strict=True):
        rows = section.find_elements(By.CSS_SELECTOR, "table.targets tr[data-target]")
        assert [r.get_attribute("data-target") for r in rows] == list(project["targets"])
        for row, entry in zip(rows, project["targets"].values(), strict=True):
            fields = row.find_elements(By.CSS_SELECTOR, "td[data-field]")
            cells = {td.get_attribute("data-field"): td.text for td in fields}
            assert cells.pop("units") == str(entry["units"])
            assert cells.pop("share") == f"{100 * entry['passed'] / entry['units']:.1f}%"
            assert cells == {c.key: str(entry[c.key]) for c in CLASSES}


def check_chart(driver: Any, data: dict[str, Any]) -> None:
    """A segment per class with units in it, its data-count that of census.json, its rendered width to one scale
    across the project's chart (the widest bar BAR_WIDTH px)."""
    from selenium.webdriver.common.by import By

    sections = driver.find_elements(By.CSS_SELECTOR, "section.project")
    for section, project in zip(sections, data["projects"], strict=True):
        bars = section.find_elements(By.CSS_SELECTOR, "svg.chart g.bar")
        assert [g.get_attribute("data-target") for g in bars] == list(project["targets"])
        scales, lengths = [], []
        for bar, entry in zip(bars, project["targets"].values(), strict=True):
            rects = bar.find_elements(By.TAG_NAME, "rect")
            counts = {r.get_attribute("data-class"): int(r.get_attribute("data-count")) for r in rects}
            assert counts == {c.key: entry[c.key] for c in CLASSES if entry[c.key]}
            assert all(r.find_element(By.TAG_NAME, "title").get_attribute("textContent") for r in rects)
            scales += [r.rect["width"] / int(r.get_attribute("data-count")) for r in rects]
            lengths.append(sum(r.size["width"] for r in rects))
        assert max(scales) == pytest.approx(min(scales), rel=1e-3)
        assert max(lengths) == pytest.approx(BAR_WIDTH, abs=0.5)


def check_header_and_bugs(driver: Any, data: dict[str, Any]) -> None:
    from selenium.webdriver.common.by import By

    header = driver.find_element(By.ID, "generated").text
    assert data["generated"] in header and all(f"{n} {v}" in header for n, v in data["toolchain"].items())
    rows = driver.find_elements(By.CSS_SELECTOR, "#bugs tr[data-bug]")
    assert [r.get_attribute("data-bug") for r in rows] == [b["id"] for b in ranked(data["bugs"])]
    units = [r.find_element(By.CSS_SELECTOR, "td[data-field=units]").text for r in rows]
    assert units == [str(b["units"]) for b in ranked(data["bugs"])]


@pytest.mark.slow
def test_the_site_in_a_browser(tmp_path: Path) -> None:
    data = census()
    written = make_site(tmp_path, data, HISTORY)
    with chromium() as driver:
        links, severe = open_page(driver, tmp_path / "index.html")
        assert not severe, severe
        check_header_and_bugs(driver, data)
        check_tables(driver, data)
        check_chart(driver, data)
        assert not unresolved(links, tmp_path), unresolved(links, tmp_path)
        assert {tmp_path / b["page"] for b in data["bugs"]} <= {Path(unquote(urlsplit(u).path)) for u in links}
        for page in written[1:]:
            links, severe = open_page(driver, page)
            assert not severe, (page, severe)
            assert links and not unresolved(links, tmp_path), (page, unresolved(links, tmp_path))


@pytest.mark.slow
def test_the_browser_checks_can_fail(tmp_path: Path) -> None:
    """A page with a broken link, a link out of the site and a missing image: the checks above would say so."""
    (tmp_path / "site").mkdir()
    (tmp_path / "outside.html").write_text("<!doctype html><title>o</title>")
    page = tmp_path / "site" / "index.html"
    page.write_text('<!doctype html><title>t</title><link rel=icon href="data:,"><a href="bugs/missing.html">m</a>'
                    '<a href="../outside.html">o</a><a href="index.html">self</a><img src="missing.png" alt="">')
    with chromium() as driver:
        links, severe = open_page(driver, page)
    assert [Path(urlsplit(u).path).name for u in unresolved(links, tmp_path / "site")] == ["missing.html",
                                                                                            "outside.html"]
    assert severe and "missing.png" in severe[0]["message"]


def test_a_missing_browser_fails_and_says_how_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(globals(), "CHROMIUM", tmp_path / "no-chromium")
    with pytest.raises(pytest.fail.Exception, match=r"no-chromium.*apt-get install chromium chromium-driver.*"
                                                    r"pip install -e \.\[test\]"):
        with chromium():
            pass
