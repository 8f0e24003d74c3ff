"""Text from an input never becomes a lit or FileCheck directive in a file the tool writes.

lit reads `RUN:`, `XFAIL:`, `REQUIRES:`... anywhere on any line of a test, and FileCheck reads `CHECK:` (and
our `FIXED:`) anywhere a word starts. A repro or a bundle goes to strangers who run lit on it, so every IR
text, header and pattern the tool writes passes through here:

- IR bodies lose their comments (the compiler ignores them) and a directive word inside a string literal gets
  its first letter hex-escaped (`"RUN: x"` -> `"\\52UN: x"`: the same bytes for MLIR, no directive for lit);
  a directive anywhere else is refused;
- the JSON header escapes the colon (`RUN\\u003a`: the same string for a JSON reader);
- FileCheck patterns spell the first letter as a regex (`{{R}}UN:` matches `RUN:`).
"""

from __future__ import annotations

import json
import re

from reducer.errors import InputError
from reducer.mlir.lexical import blank_strings, string_end

# As the readers match them: lit finds its keywords anywhere in a line (even inside a word); FileCheck finds
# a prefix (ours: CHECK, FIXED, PINNED; COM: is its comment directive) where a word starts.
_LIT = r"RUN:|XFAIL:|REQUIRES:|UNSUPPORTED:|ALLOW_RETRIES:|REDEFINE:|DEFINE:|END\."
_FILECHECK = r"(?<![A-Za-z0-9_-])(?:CHECK|FIXED|PINNED|COM)[\w-]*:"
DIRECTIVE = re.compile(f"{_LIT}|{_FILECHECK}")


def has_directive(text: str) -> bool:
    return DIRECTIVE.search(text) is not None


def _hex_first(m: re.Match[str]) -> str:
    word = m.group(0)
    return f"\\{ord(word[0]):02X}{word[1:]}"


def ir_body(text: str) -> str:
    """IR with no comment and no directive a lit or FileCheck run would read; the compiler sees the same IR.

    Raises InputError when a directive stands outside a string literal (e.g. a block label `^RUN:`), where it
    cannot be neutralised without changing the IR.
    """
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            j = string_end(text, i)
            out.append(DIRECTIVE.sub(_hex_first, text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j  # the newline itself is kept
            while out and out[-1] in (" ", "\t"):
                out.pop()  # no trailing blanks where a comment stood
        else:
            out.append(ch)
            i += 1
    body = "".join(out)
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in body.split("\n"))).lstrip("\n")
    if has_directive(_outside_strings(body)):
        found = DIRECTIVE.search(_outside_strings(body))
        raise InputError(
            f"the IR holds a lit/FileCheck directive outside any string ({found.group(0) if found else '?'})",
            "rename that block, symbol or alias: a repro must not carry commands",
        )
    return body


def _outside_strings(text: str) -> str:
    return blank_strings(text)


def json_line(data: object) -> str:
    """`json.dumps` whose text holds no directive: their colons (and `END.`'s dot) are JSON escapes."""
    text = json.dumps(data, sort_keys=True)
    return DIRECTIVE.sub(lambda m: m.group(0)[:-1] + ("\\u003a" if m.group(0).endswith(":") else "\\u002e"), text)


def check_pattern(pattern: str) -> str:
    """A FileCheck pattern that matches the same text but holds no directive word: `{{R}}UN:`."""
    return DIRECTIVE.sub(lambda m: "{{" + re.escape(m.group(0)[0]) + "}}" + m.group(0)[1:], pattern)


# The directive lines the tool itself writes, in the leading comment block of a repro or an upstream test.
_OUR_HEADER = re.compile(r"^// (?:REDUCER-SIGNATURE|REQUIRES|RUN|CHECK(?:-LABEL)?|NOTE|FIXED|PINNED|XFAIL):")
# What our RUN lines may hold besides words: a pipe into FileCheck, `2>&1`, `%s`/`%t`, quotes around options.
# Our one RUN line that runs no stage tool: FileCheck on the local crash reproducer a crash wrote (the pinned pass).
PINNED_FROM_REPRODUCER = "FileCheck %s --check-prefix=PINNED --input-file=%t.reproducer"
_RUN_SHELL = re.compile(r"[;&`$<>|\\]|\|\|")


def planted(text: str) -> list[str]:
    """Directives in `text` that the tool would not have written: anything but its own header lines in the
    leading comment block, a header RUN line that does more than run one stage tool (into FileCheck), and any
    directive past that block."""
    from reducer.stage.table import tool_names

    tools = "|".join(re.escape(t) for t in tool_names())
    ours = re.compile(rf"^// RUN: (?:not (?:--crash )?)?(?:{tools}) ")
    found: list[str] = []
    lines = text.splitlines()
    header = 0
    while header < len(lines) and lines[header].startswith("//"):
        header += 1
    for line in lines[:header]:
        if line == f"// RUN: {PINNED_FROM_REPRODUCER}":
            continue
        if line.startswith("// RUN:"):
            shell = line[len("// RUN:") :].replace("2>&1", "").replace("| FileCheck", "")
            if not ours.match(line) or _RUN_SHELL.search(shell):
                found.append(line.strip()[:120])
        elif not _OUR_HEADER.match(line) and has_directive(line):
            found.append(line.strip()[:120])
    for line in lines[header:]:
        if has_directive(line):
            found.append(line.strip()[:120])
    return found
