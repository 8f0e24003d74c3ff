"""Names are data (issue 26, class 2): a kernel's `__name__`, a folder or file name and a compiler message reach
paths, links, HTML, markdown and terminals only through `reducer.safety.names`.

The attacks are generated here, many variants per sink; each output is checked by a reader of its own (a markdown
row and span scanner after GitHub's rules, an HTML parser, a control-character scan), never by the functions under
test. The end-to-end tests run the real CLI: a capture of kernels whose `__name__` is `../../evil` and worse, a
sweep of folders named `javascript:...`, issue.md of a frontend error with a hostile message, on a pipe and on a
terminal.
"""

from __future__ import annotations

import ast
import html
import json
import os
import pty
import re
import shutil
import string
import subprocess
import sys
import textwrap
import unicodedata
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from reducer.safety.names import (
    NAME_MAX,
    Markdown,
    code_block,
    code_span,
    href,
    html_text,
    markdown_link,
    markdown_text,
    markdown_verbatim,
    path_component,
    terminal,
    terminal_line,
)
from reducer.sweep.render import RENDERERS
from reducer.table import markdown_table

from conftest import example, run_cli

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "reducer"
MARK = "INJECTED"  # what a broken-out line would start with

# --- the attacks ------------------------------------------------------------------------------------------


def scheme_attacks() -> list[str]:
    """Links a browser or a markdown viewer could run or send away: schemes in every case, with leading space,
    controls and reordering characters, tab and newline inside the word, entities and percent for the colon."""
    out = []
    for url in ("javascript:alert(1)", "vbscript:msgbox(1)", "data:text/html;base64,PHNjcmlwdD4=", "file:///etc/passwd"):
        word, rest = url.split(":", 1)
        for w in (word, word.upper(), word.capitalize(), f"{word[:4]}\t{word[4:]}", f"{word[:4]}\n{word[4:]}"):
            out += [f"{w}:{rest}", f" {w}:{rest}", f"\x00{w}:{rest}", f"\u202e{w}:{rest}", f"\x1b{w}:{rest}"]
        out += [f"{word}&#58;{rest}", f"{word}&colon;{rest}", f"{word}&#x3a;{rest}", f"{word}%3A{rest}",
                f"&#{ord(word[0])};{word[1:]}:{rest}", f"{word}\\:{rest}", f"{word}:{rest}/../x"]
    return out + ["//evil.example/x", "\\\\evil.example\\x", "/\\evil.example", " //evil.example", "\t//evil.example",
                  "https:evil.example", "?x=javascript:alert(1)", "#javascript:alert(1)"]


MARKUP = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg/onload=alert(1)>", "<iframe srcdoc=x>",
    "<a href='javascript:alert(1)'>x</a>", "<!--", "<javascript:alert(1)>", "<https://evil.example>",
    "[x](javascript:alert(1))", "x](javascript:alert(1))", "![i](javascript:alert(1))", "[x]: javascript:alert(1)",
    "[x][y]", "&lt;script&gt;", "&#60;img src=x onerror=alert(1)&#62;", "*emph* _u_ ~~s~~", "\" onmouseover=\"alert(1)",
    "' onmouseover='alert(1)", "</td></tr></table><script>alert(1)</script>",
]
BREAKS = [
    "a|b", "a\\|b", "a\\\\|b", "|", "\\", "a\\", "`", "``", "a`b``c", "` | `", "```", " `x` ", f"\n{MARK}",
    f"\r{MARK}", f"\r\n{MARK}", f"\n| {MARK} | x |", f"\n# {MARK}", f"\n```\n{MARK}", f"\n</details>{MARK}",
    f"\n    {MARK}", f"\n\n{MARK}", f"\u2028{MARK}", f"\u2029{MARK}", f"\x0b{MARK}", f"\x0c{MARK}", f"\x85{MARK}",
]
TERMINAL = [
    "\x1b]0;pwned\x07", "\x1b]0;pwned\x1b\\", "\x1b[2J\x1b[H", "\x1b[31mred\x1b[0m", "\x9b31m", "\x9d0;pwned\x9c",
    "\x1bP+q\x1b\\", "\x07", "\x08\x08\x08", f"x\r{MARK}", "\x00", "\x7f", "\u202eevil", "\u2066x\u2069",
    "\x1b]8;;javascript:alert(1)\x1b\\link\x1b]8;;\x1b\\", "\x1bc", "\x1b[6n", "\x1b[?1049h",
]
PATHS = [
    "../../evil", "..", ".", "/abs/evil", "a/../../b", ".hidden", "x\x00y", "~", "-rf", "$HOME", "a" * 1000, "",
    "ü/..", "..\\..\\evil", "evil\n.ttir", "con", "a\udcffb",
]


def attacks() -> list[str]:
    """Every attack alone, and inside an ordinary name (a hostile part is rarely the whole name)."""
    base = scheme_attacks() + MARKUP + BREAKS + TERMINAL + PATHS
    return base + [f"vector_add{a}" for a in base] + [f"{a}_kernel" for a in base[::3]]


ATTACKS = attacks()


def failing(check: Callable[[str], None], names: list[str] = ATTACKS) -> list[tuple[str, str]]:
    """(name, what failed) for each name `check` fails on: one test per sink, every attack tried."""
    found = []
    for name in names:
        try:
            check(name)
        except AssertionError as err:
            found.append((name, str(err)[:300]))
    return found


# --- independent readers of the outputs -------------------------------------------------------------------

_BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def controls(text: str, allowed: str = "\t\n") -> list[str]:
    """The control, reordering and line-separator characters in `text` (by Unicode category)."""
    bad = ("Cc", "Cs", "Zl", "Zp")
    return [repr(c) for c in text if c not in allowed and (unicodedata.category(c) in bad or c in _BIDI)]


def relative_url(url: str) -> bool:
    """What a browser does before it looks for a scheme: tab and newline go, C0 and space at the ends go, `\\` is
    `/`. A relative link has no scheme and no host."""
    u = re.sub(r"[\t\n\r]", "", url).strip("".join(map(chr, range(0x21)))).replace("\\", "/")
    return not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", u) and not u.startswith("//")


_PUNCT = set(string.punctuation)


def active(line: str) -> list[int]:
    """Where markdown reads markup in `line`: outside code spans, not backslash-escaped (CommonMark)."""
    found, i = [], 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line) and line[i + 1] in _PUNCT:
            i += 2
        elif line[i] == "`":
            run = len(line[i:]) - len(line[i:].lstrip("`"))
            close = re.compile(rf"(?<!`)`{{{run}}}(?!`)").search(line, i + run)
            i = close.end() if close else i + run  # an unclosed run is text
        else:
            found.append(i)
            i += 1
    return found


def pipes(row: str) -> list[int]:
    """Where a GitHub table row splits: at each `|` no backslash escapes, even inside a code span."""
    found, i = [], 0
    while i < len(row):
        if row[i] == "\\" and i + 1 < len(row) and row[i + 1] in _PUNCT:
            i += 2
            continue
        if row[i] == "|":
            found.append(i)
        i += 1
    return found


_OUR_TAGS = ("<details>", "</details>", "<summary>", "</summary>")


def _unescape_destination(dest: str) -> str:
    return html.unescape(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", dest))


def inline_problems(line: str) -> list[str]:
    """Raw HTML, autolinks, entities, and links that are not ours (`[text](<relative>)`) in one line."""
    where = active(line)
    on = set(where)
    problems = []
    for i in where:
        c = line[i]
        if c == "<" and not (any(line.startswith(t, i) for t in _OUR_TAGS) or (line[i - 2:i] == "](" and i - 2 in on)):
            problems.append(f"raw `<` at {i}")
        elif c == "&" and re.match(r"&#?\w+;", line[i:]):
            problems.append(f"an entity at {i}")
        elif c == "[":
            close = next((j for j in where if j > i and line[j] in "[]"), None)
            if close is None or line[close] != "]":
                continue  # no link without its `]`
            if not line.startswith("](<", close):
                problems.append(f"a bracket pair that is not our link at {i}")
                continue
            dest = line[close + 3:line.index(">", close + 3)]
            if not relative_url(_unescape_destination(dest)):
                problems.append(f"a link to {dest!r}")
    return problems


def outside_fences(text: str) -> list[str]:
    """The lines markdown reads as markdown: all but the insides of fenced blocks (a fence's own lines count)."""
    fence, out = None, []
    for line in text.split("\n"):
        if fence is not None:
            if re.fullmatch(rf"`{{{len(fence)},}}\s*", line):
                fence = None
                out.append(line)
            continue
        if m := re.match(r"(`{3,})", line):
            fence = m.group(1)
        out.append(line)
    assert fence is None, "a fence never closed"
    return out


def check_markdown(text: str, like: str | None = None) -> None:
    """Every table row whole, every fence closed by its own end, no raw HTML, entity, foreign link or control
    character outside code; with `like` (the same document of an ordinary name), as many lines outside code."""
    assert not controls(text), controls(text)
    lines = outside_fences(text)
    if like is not None:
        assert len(lines) == len(outside_fences(like)), "a name broke a line"
    columns = None
    for n, line in enumerate(lines):
        if columns is not None and not line.startswith("|"):
            assert line == "", f"line {n} continues a table: {line!r}"
            columns = None
        if line.startswith("|"):
            split = pipes(line)
            assert split[-1] == len(line) - 1 and columns in (None, len(split)), f"row {n} broken: {line!r}"
            columns = len(split)
        elif not line.startswith("```"):
            assert not inline_problems(line), (inline_problems(line), line)


def broke_out(text: str) -> list[str]:
    """Lines outside code and tables that start with the mark (a document whose prose lines start with its own
    words: a name's line break would start one)."""
    return [line for line in outside_fences(text) if not line.startswith("|") and re.match(rf"^\W*{MARK}", line)]


class _Page(HTMLParser):
    TAGS = {"meta", "title", "style", "h1", "h2", "table", "tr", "th", "td", "a", "p"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.TAGS:
            self.problems.append(f"<{tag}>")
        for key, value in attrs:
            if key.startswith("on") or key in ("src", "srcdoc", "style", "formaction"):
                self.problems.append(f"{tag} {key}=")
            if key == "href":
                self.hrefs.append(value or "")
                if not relative_url(value or ""):
                    self.problems.append(f"href={value!r}")

    handle_startendtag = handle_starttag

    def handle_comment(self, data: str) -> None:
        self.problems.append(f"comment {data!r}")

    def handle_decl(self, decl: str) -> None:
        if decl.lower() != "doctype html":
            self.problems.append(f"declaration {decl!r}")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"processing instruction {data!r}")


def check_html(page: str) -> list[str]:
    """The page's links (hrefs, unescaped); fails on any tag, attribute, link or control not the page's own."""
    assert not controls(page), controls(page)
    reader = _Page()
    reader.feed(page)
    reader.close()
    assert not reader.problems, reader.problems
    return reader.hrefs


def check_terminal(text: str, tty: bool = False) -> None:
    """No control but tab and newline; on a terminal also the CRs it writes itself: the terminal's own before a
    newline, and the status line's before its `[  1.2s]` redraw."""
    text = re.sub(r"\r(?=[\n\[])", "", text) if tty else text
    assert not controls(text), controls(text)


# --- each sink, every attack ------------------------------------------------------------------------------


def test_the_readers_catch_what_they_look_for() -> None:
    """The checks above can fail: each raw form of an attack is caught."""
    with pytest.raises(AssertionError):
        check_markdown("| a | b |\n|---|---|\n| x|y | z |")
    with pytest.raises(AssertionError):
        check_markdown("| a |\n|---|\n| x\\\\|y |")
    with pytest.raises(AssertionError):
        check_markdown("- kernel: `a` <img src=x onerror=alert(1)>`")
    with pytest.raises(AssertionError):
        check_markdown("[x](<javascript&#58;alert(1)>)")
    with pytest.raises(AssertionError):
        check_markdown(f"text\n{MARK}", like="text")
    assert broke_out(f"- text\n# {MARK}\n```\n{MARK}\n```") == [f"# {MARK}"]
    with pytest.raises(AssertionError):
        check_markdown("```\nx\n```\n<script>\n```")
    with pytest.raises(AssertionError):
        check_html('<a href="java&#x09;script:alert(1)">x</a>')
    with pytest.raises(AssertionError):
        check_html('<td><img src=x onerror=alert(1)></td>')
    with pytest.raises(AssertionError):
        check_terminal("name\x1b]0;pwned\x07")
    assert active("`<b>` \\<b>") == [5, 8, 9]  # the span and the escaped `<` are text


def test_a_name_as_a_path_stays_in_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "unit"
    folder.mkdir()

    def check(name: str) -> None:
        safe = path_component(name)
        assert re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*", safe) and len(safe) <= NAME_MAX, safe
        written = folder / f"{safe}.ttir"
        written.write_text("x")  # the file system takes it
        assert written.resolve().parent == folder.resolve() and list(folder.iterdir()) == [written]
        written.unlink()

    assert not failing(check)


def test_a_name_as_a_link_stays_a_relative_link() -> None:
    def check(link: str) -> None:
        url = href(link)
        assert relative_url(url) and not controls(url) and not re.search(r"[\s\"<>\\`|&]", url), url
        [page_href] = check_html(f'<a href="{html_text(url)}">{html_text(link)}</a>')
        assert page_href == url
        check_markdown(markdown_link(link, link), like="x")
        check_markdown(markdown_table(["folder"], [[markdown_link(link + "/", link)]]), like="|\n|\n|")

    assert not failing(check, scheme_attacks() + ATTACKS)


def _table(name: str) -> str:
    row = [name, code_span(name, table=True), markdown_link(name, name), Markdown(code_span(name, table=True) + " x"),
           None, markdown_verbatim(name)]
    return markdown_table(["a", "b", "c", "d", "e", "f"], [row, row[::-1]])


def _prose(name: str) -> str:
    return "\n".join([
        f"# {markdown_text(name)}", "", f"- kernel: {code_span(name)}", f"- text: {markdown_verbatim(name)}", "",
        code_block(f"{name}\n```\n{name}\n````{name}", "text"), "", "<details><summary>x</summary>", "",
        code_block(name), "", "</details>",
    ])


def test_a_name_in_markdown_stays_in_its_span_cell_and_line() -> None:
    def check(name: str) -> None:
        check_markdown(_table(name), like=_table("vector_add"))
        check_markdown(_prose(name), like=_prose("vector_add"))

    assert not failing(check)


def test_a_name_on_a_terminal_or_a_page_is_text() -> None:
    def check(name: str) -> None:
        check_terminal(terminal(name))
        check_terminal(terminal_line(name))
        assert "\n" not in terminal_line(name)
        check_html(f"<p>{html_text(name)}</p><td>{html_text(name)}</td>")

    assert not failing(check)


def test_ordinary_names_read_as_they_always_have() -> None:
    """Byte-identical outputs for the names people use."""
    for name in ("vector_add", "softmax_row", "k.v-2", "BLOCK_M"):
        assert path_component(name) == name and markdown_text(name) == name and terminal(name) == name
    assert code_span("0123456789ab") == "`0123456789ab`" and code_span("a b") == "`a b`"
    assert href("../cap/vector_add-1a2b3c4d") == "../cap/vector_add-1a2b3c4d"
    assert href("javascript:alert(1)") == "./javascript:alert(1)"  # the page's link for such a folder as before
    assert markdown_link("r/0001-x.mlir", "../r/0001-x.mlir") == "[0001-x.mlir](<../r/0001-x.mlir>)"
    assert markdown_text("A=1 B=2, 40 -> 3 ops") == "A=1 B=2, 40 -> 3 ops"
    assert markdown_verbatim("std::vector<int>") == "std::vector\\<int\\>"
    assert code_block("a\nb", "mlir") == "```mlir\na\nb\n```"
    assert terminal("reducer: done\n\tnext") == "reducer: done\n\tnext"


# --- the triage documents ---------------------------------------------------------------------------------


def triage_data(name: str) -> dict:
    """A sweep's triage data with `name` in every field a name or message can reach."""
    example_row = {"kernel": name, "path": f"/s/{name}/k.ttir", "bytes": 10, "options": {}}
    signature = {
        "id": name, "title": f"error: {name}", "outcome": "diagnostic-error", "stage": "bishengir",
        "kernels": [name, "vector_add"], "files": 2, "example": example_row, "options": {}, "repro": f"/r/{name}.mlir",
        "repro_link": name, "reduced": None, "reduced_link": None, "ops": "9 -> 2", "tests": 4, "seconds": 1.0,
        "status": "not reduced", "releases": name, "note": name, "causes": [],
    }
    unit = {"kernel": name, "config": name, "folder": f"/s/{name}", "folder_link": name, "outcome": name,
            "stage": name, "ids": [name], "files": [], "note": name, "source": None}
    finding = {"id": name, "title": name, "error": name, "incompatibility": name, "kernels": [name], "units": 1,
               "shimmed": 0, "folders": [f"/s/{name}"], "folder_links": [name]}
    version = {"kernel": name, "why": name, "units": 1, "rejected": 1, "ids": [name], "folders": [f"/s/{name}"],
               "folder_links": [name]}
    limit = {"kernel": name, "config": name, "kind": name, "requires_bits": 10, "available_bits": 5, "ratio": 2.0,
             "suggestion": name, "fit_ir": f"fit-{name}.ttadapter", "fit_link": name, "tried": 3, "seconds": 1.0,
             "anomaly": name}
    summary = {
        "kernels": 2, "units": 1, "files": 2, "replayed": 2, "resumed": 0, "checked": 2, "signatures": 1,
        "status": {"new": 1}, "frontend_errors": 1, "frontend_findings": 1, "seconds": 1.0, "lost": 0,
        "executor": "local", "executor_setup": 0.0, "version_incompatibilities": 1,
    }
    return {"root": name, "target": name, "options": {}, "summary": summary, "signatures": [signature],
            "frontend": [finding], "kernels": [], "units": [unit], "versions": [version], "resource_limits": [limit]}


def test_the_triage_documents_hold_every_name() -> None:
    ordinary = RENDERERS["triage.md"](triage_data("vector_add"))

    def check(name: str) -> None:
        data = triage_data(name)
        check_markdown(RENDERERS["triage.md"](data), like=ordinary)
        hrefs = check_html(RENDERERS["triage.html"](data))
        assert len(hrefs) == (5 if name else 0)  # repro, frontend folder, version folder, fit input, unit folder
        text = RENDERERS["triage.json"](data)
        assert not controls(text) and json.loads(text) == json.loads(json.dumps(data))  # the names, as data

    assert not failing(check)


# --- every writer calls the one module (issue 26: later writers reuse it) ---------------------------------


def _sources() -> dict[Path, str]:
    return {p: p.read_text() for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_writer_uses_the_one_module() -> None:
    """Terminal lines go through `cli.status.echo`; HTML escaping, URL quoting, safe file names and markdown
    escaping live in `safety/names.py` alone; every document template autoescapes or refuses raw values."""
    names_module = PACKAGE / "safety" / "names.py"
    sink_functions = {"path_component", "href", "html_text", "markdown_text", "markdown_verbatim", "code_span",
                      "code_block", "markdown_link", "terminal", "terminal_line", "visible"}
    wrong = []
    for path, text in _sources().items():
        rel = path.relative_to(ROOT)
        if path != names_module:
            for pattern in (r"html\.escape\(", r"\burllib\b", r"\[\^A-Za-z0-9", r"""replace\(["']\|["']"""):
                if re.search(pattern, text):
                    wrong.append(f"{rel}: {pattern}")
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name in sink_functions and path != names_module:
                wrong.append(f"{rel}: defines {node.name}")
            if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("Environment"):
                words = {k.arg: ast.unparse(k.value) for k in node.keywords}
                if words.get("autoescape") != "True" and "finalize" not in words:
                    wrong.append(f"{rel}: a template environment without autoescape")
        if rel.parts[:2] == ("reducer", "cli") and path.name != "status.py" and "click.echo(" in text:
            wrong.append(f"{rel}: click.echo (use reducer.cli.status.echo)")
    assert not wrong, wrong


# --- end to end: the real CLI -----------------------------------------------------------------------------

# Folder and file names a dump tree can hold (no `/`, no NUL): each a unit of the zero-stride crash.
FOLDERS = [
    "javascript:alert(1)", " JavaScript:alert(1)", "data:text,x", "vbscript:x", "&#106;avascript:alert(1)",
    "\\\\evil.example", "\x1b]0;pwned\x07", "\x1b[2J\x9b31m", f"a|b`c`\n{MARK}", "<img src=x onerror=alert(1)>",
    f"x](javascript:alert(1))\r{MARK}", "\u202ecod.exe",
]


def _hostile_dump(root: Path) -> Path:
    src = example("block_ptr_zero_stride.ttir").read_text()
    for i, name in enumerate(FOLDERS):
        folder = root / name
        folder.mkdir(parents=True)
        (folder / f"{name}.ttir").write_text(f"{src}// {i}\n")  # distinct bytes: one unit each
    return root


def _on_a_terminal(args: list[str], cwd: Path) -> str:
    """`reducer ARGS` with a pseudo-terminal as stdout and stderr (no ANSI stripping, a live status line)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "reducer", *args], stdin=slave, stdout=slave, stderr=slave,
                            cwd=cwd, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=600)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


def test_hostile_file_names_are_listed_as_text(tmp_path: Path) -> None:
    from reducer.cli.main import main

    root = _hostile_dump(tmp_path / "dump")
    result = CliRunner().invoke(main, ["capture", str(root)])
    assert result.exit_code == 0, result.output
    check_terminal(result.output)
    assert "\\x1b]0;pwned\\x07" in result.output  # shown, as an escape
    for name in FOLDERS[6:8]:
        result = CliRunner().invoke(main, ["check", str(tmp_path / f"{name}.ttir")])
        assert result.exit_code != 0 and "\\x1b" in result.output
        check_terminal(result.output)


@pytest.mark.slow
def test_a_sweep_of_hostile_folders_writes_safe_triage_on_a_pipe_and_a_terminal(tmp_path: Path) -> None:
    root = _hostile_dump(tmp_path / "dump")
    proc = run_cli("sweep", str(root), "-o", str(root), "--no-reduce", "-j", "4", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    check_terminal(proc.stdout + proc.stderr)
    data = json.loads((root / "triage.json").read_text())
    assert {u["kernel"] for u in data["units"]} == {n.split(".")[0] for n in FOLDERS}  # the names, as data
    check_markdown((root / "triage.md").read_text())
    assert not broke_out((root / "triage.md").read_text())
    hrefs = check_html((root / "triage.html").read_text())
    assert len(hrefs) == len(FOLDERS) and "./javascript:alert(1)/" in hrefs
    for name in ("triage.md", "triage.json", "triage.html"):
        (root / name).unlink()
    (root / "state.jsonl").unlink()
    output = _on_a_terminal(["sweep", str(root), "-o", str(root), "--no-reduce", "-j", "4"], tmp_path)
    assert "triage:" in output, output
    check_terminal(output, tty=True)


CAPTURED = '''
import torch
import triton
import triton.language as tl

NAME = {name!r}


@triton.jit
def add(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=mask) + tl.load(y_ptr + offs, mask=mask), mask=mask)


@triton.jit
def refuse(x_ptr, BLOCK: tl.constexpr):
    tl.static_assert(BLOCK == 0, {message!r})
    tl.store(x_ptr + tl.arange(0, BLOCK), tl.zeros((BLOCK,), tl.float32))


x, y = torch.randn(64), torch.randn(64)
out = torch.empty_like(x)
add.fn.__name__ = add.__name__ = "../../evil"
add[(1,)](x, y, out, 64, BLOCK=64)
add.fn.__name__ = add.__name__ = NAME
add[(1,)](x, y, out, 64, BLOCK=32)
refuse.fn.__name__ = refuse.__name__ = NAME
try:
    refuse[(1,)](x, BLOCK=16)
except Exception as err:
    print("refused:", type(err).__name__)
'''
HOSTILE_NAME = f"<img src=x onerror=alert(1)>|`x`\x1b]0;pwned\x07\n# {MARK}\r\u202e../.."
HOSTILE_MESSAGE = (f"<script>alert(1)</script> `|` [x](javascript:alert(1)) \x1b[2J\x9b31m\r\n</details>{MARK}\n"
                   f"```\n{MARK} &#106;avascript:alert(1)")


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_a_capture_of_hostile_kernel_names_stays_in_its_folder_and_writes_safe_documents(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    work, temp = tmp_path / "a" / "b", tmp_path / "tmp"
    work.mkdir(parents=True)
    temp.mkdir()
    script = work / "hostile.py"
    script.write_text(textwrap.dedent(CAPTURED.format(name=HOSTILE_NAME, message=HOSTILE_MESSAGE)))
    env = dict(os.environ, TMPDIR=str(temp))
    cap = work / "cap"
    proc = run_cli("capture", "-o", str(cap), "--no-npu", "--", sys.executable, str(script), cwd=work, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "refused: CompileTimeAssertionFailure" in proc.stdout
    check_terminal(proc.stdout + proc.stderr)
    # Nothing outside the capture folder: not beside it, not in Triton's temporary folder.
    assert _files(tmp_path) - _files(cap) == {script} and not list(temp.iterdir())
    records = {json.loads(p.read_text())["kernel"]: p.parent for p in cap.glob("*/record.json")}
    assert set(records) == {"../../evil", HOSTILE_NAME}  # the real names, as data
    evil = records["../../evil"]
    assert sorted(p.name for p in evil.iterdir()) == ["_._.._evil.ttadapter", "_._.._evil.ttir", "record.json"]

    proc = run_cli("sweep", str(cap), "--no-reduce", "-j", "2", cwd=work, env=env)
    assert proc.returncode == 0, proc.stderr
    check_terminal(proc.stdout + proc.stderr)
    check_markdown((cap / "triage.md").read_text())
    assert not broke_out((cap / "triage.md").read_text())
    check_html((cap / "triage.html").read_text())
    assert not controls((cap / "triage.json").read_text())

    [frontend] = [p.parent for p in cap.glob("*/record.json") if "frontend-error" in p.read_text()]
    proc = run_cli("report", str(frontend), "-o", str(work / "rep"), cwd=work, env=env)
    assert proc.returncode == 0, proc.stderr
    check_terminal(proc.stdout + proc.stderr)
    issue = (work / "rep" / "issue.md").read_text()
    check_markdown(issue)
    assert not broke_out(issue)
    assert "- kernel: ``<img src=x onerror=alert(1)>|`x`\\x1b]0;pwned\\x07 # INJECTED \\u202e../..``" in issue
    assert _files(tmp_path) - _files(cap) - _files(work / "rep") == {script}
    shutil.rmtree(temp)
