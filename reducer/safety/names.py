"""Names are data: a kernel's `__name__`, a folder or file name, a compiler message reach paths, links, HTML,
markdown and terminals, and each sink has its one function here. Every writer calls the one for its sink; no writer
quotes a name its own way.

- a file or folder name: `path_component` (only `[A-Za-z0-9_.-]`, no leading dot, bounded length: never `..`,
  `/`, NUL, a hidden file or a name the file system refuses);
- a link: `href` (percent-encoded, and never a scheme such as `javascript:` or another host such as `//x`);
- HTML text: `html_text`;
- markdown: `markdown_text` (inline text and table cells), `markdown_verbatim` (every markdown character escaped),
  `code_span`, `code_block`, `markdown_link`; a `Markdown` string is inline markdown made safe by one of them;
- a terminal: `terminal` (lines kept), `terminal_line` (one line).

Control characters (C0 but tab and newline, DEL, C1) and the invisible characters that reorder or break text
(bidirectional overrides, line separators) reach no sink as they are: each text sink shows them as escapes
(`\\x1b`, `\\u202e`), so a name can set no window title and hide nothing. JSON artifacts keep names exactly
(`json.dumps` escapes them).
"""

from __future__ import annotations

import html
import re
import string
from pathlib import PurePath
from typing import Any

# C0 but tab and newline, DEL, C1, the characters that reorder or break a line unseen, and lone surrogates (a file
# name that is not UTF-8: no document could be written with one).
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_LINE_BREAK = re.compile(r"\r\n|[\r\n]")


def _escape_control(m: re.Match[str]) -> str:
    code = ord(m.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object) -> str:
    """`text` with every control and invisible reordering character shown as an escape; tab and newline kept."""
    return _CONTROL.sub(_escape_control, str(text))


def _one_line(text: object) -> str:
    """`visible(text)` on one line: a line break (CR, LF, CRLF) is a space, a tab stays."""
    return visible(_LINE_BREAK.sub(" ", str(text)))


# --- paths ------------------------------------------------------------------------------------------------

NAME_MAX = 120  # characters of a name in a path component: room for a suffix under the file systems' 255 bytes
_NOT_IN_PATH = re.compile(r"[^A-Za-z0-9_.-]")


def path_component(name: object, fallback: str = "_") -> str:
    """`name` as one file or folder name inside a folder the tool owns: letters, digits, `_`, `.` and `-` (anything
    else becomes `_`), no leading dot, at most NAME_MAX characters, never empty. An identifier stays as it is."""
    safe = _NOT_IN_PATH.sub("_", str(name))[:NAME_MAX]
    if safe.startswith("."):  # not `.`, `..` or a hidden file
        safe = "_" + safe[1:]
    return safe or fallback


# --- links ------------------------------------------------------------------------------------------------

# What a URL path holds as it is (RFC 3986's unreserved, `/`, `:`, `@` and the sub-delimiters but `&`); anything
# else is percent-encoded: `%`, `&` (an entity in markdown), `\` (a slash to browsers), space, quotes, `<`, `>`,
# `|`, `?`, `#`, controls. A printable non-ASCII character stays (the page shows the name the folder has).
_URL_KEEP = frozenset(string.ascii_letters + string.digits + "-._~/:@!$'()*+,;=")
_SCHEME_LIKE = re.compile(r"[^/]*:")


def _url_char(ch: str) -> str:
    if ch in _URL_KEEP or (ord(ch) > 0x7F and ch.isprintable() and not _CONTROL.match(ch)):
        return ch
    try:  # a file name's undecodable byte is its own byte again
        raw = ch.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = ch.encode("utf-8", "surrogatepass")
    return "".join(f"%{b:02X}" for b in raw)


def href(link: str) -> str:
    """A relative link (a path from the page's folder) as a URL that stays relative in a browser and in a markdown
    viewer: a folder named `javascript:...` or `//host` is a folder beside the page, never a scheme or a host."""
    url = "".join(map(_url_char, link))
    if _SCHEME_LIKE.match(url) or url.startswith("//"):
        url = "./" + url
    return url


# --- HTML -------------------------------------------------------------------------------------------------


def html_text(text: object) -> str:
    """`text` as HTML text or an attribute value (quotes escaped), controls shown as escapes."""
    return html.escape(visible(text))


def html_templates(package: str, **options: Any) -> Any:
    """The jinja2 environment of `package`'s templates/ for a page of ours: every `{{ value }}` goes through
    `html_text` (`&quot;`, `&#x27;`, controls as escapes) unless it is already markup, an undefined name is an
    error, and `join` gives plain text (escaped as one value). `options`: more jinja2 settings."""
    import jinja2
    from markupsafe import Markup

    def escape(value: object) -> Markup:
        return value if isinstance(value, Markup) else Markup(html_text(value))

    env = jinja2.Environment(loader=jinja2.PackageLoader(package, "templates"), autoescape=True, finalize=escape,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined, **options)
    env.filters["join"] = lambda items, sep="": sep.join(map(str, items))
    return env


# --- markdown ---------------------------------------------------------------------------------------------


class Markdown(str):
    """Inline markdown made safe by this module (a code span, a link): a table writer keeps it as it is."""


# What markdown reads in inline text: escapes, code spans, cell ends, raw HTML and autolinks, link brackets, and an
# `&` that starts an entity (`&#58;` is a colon in a link). Each gets a backslash; `*`, `_` and `~` only style.
_MD_ACTIVE = re.compile(r"[\\`|<\[\]]|&(?=#?\w+;)")
# `markdown_verbatim`: every character with a meaning in some place of a line, for prose that shows code names.
_MD_VERBATIM = re.compile(r"[\\`*_\[\]<>|#~]|&(?=#?\w+;)")


def markdown_text(text: object) -> Markdown:
    """`text` as inline markdown that shows it as it is, in a paragraph or a table cell: one line, no markup, no
    link, no cell end; `*` and `_` are left to style (kernel names hold `_`)."""
    return Markdown(_MD_ACTIVE.sub(lambda m: "\\" + m.group(0), _one_line(text)))


def markdown_verbatim(text: object) -> Markdown:
    """`text` as inline markdown with every markdown character escaped (C++ names hold `*`, `_`, `<...>`)."""
    return Markdown(_MD_VERBATIM.sub(lambda m: "\\" + m.group(0), _one_line(text)))


def code_span(text: object, table: bool = False) -> Markdown:
    """`text` as one code span that no backtick, line break or `|` in it can end. In a table cell (`table`) a `|`
    must be escaped even inside a span (GitHub splits the row first), and a backslash before it doubled."""
    body = _one_line(text)
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    ticks = "`" * (longest + 1)
    # A span's one leading and trailing space are eaten when both are there; a backtick at an end joins the fence.
    if body[:1] == "`" or body[-1:] == "`" or (body[:1] == body[-1:] == " " and body.strip()) or not body:
        body = f" {body} "
    if table:
        body = re.sub(r"(\\*)\|", lambda m: m.group(1) * 2 + "\\|", body)
    return Markdown(f"{ticks}{body}{ticks}")


def code_block(body: str, lang: str = "") -> str:
    """A fenced block that no backtick run in `body` can close early; controls shown as escapes, lines kept."""
    text = visible(body.replace("\r\n", "\n"))
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{lang}\n{text.rstrip(chr(10))}\n{ticks}"


def markdown_link(text: str | None, target: str | None) -> Markdown:
    """A link named after the last part of `text` (a path) to the relative `target` (see `href`); without a
    target, just the text."""
    if not text or not target:
        return markdown_text(text if text is not None else "-")
    return Markdown(f"[{markdown_text(PurePath(text).name)}](<{href(target)}>)")


# --- terminals --------------------------------------------------------------------------------------------


def terminal(text: object) -> str:
    """`text` for a terminal: its lines and tabs as they are, every other control shown as an escape (a CR cannot
    overwrite a line, an escape sequence cannot set a title, move the cursor or hide text)."""
    return visible(str(text).replace("\r\n", "\n"))


def terminal_line(text: object) -> str:
    """`text` on one terminal line (a status line, a table row): a line break is a space."""
    return _one_line(text)
