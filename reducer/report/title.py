"""An issue's title: plain text for a tracker's title box, at most 100 characters with the form's prefix.

A title field is not markdown, so nothing in it is escaped; what would need escaping or reads as noise is
left out instead: the signature's masks become their words (`<N>` -> `N`) and type parameters go
(`memref<Nxf32>` -> `memref`), so the title stays searchable by the message's own words.
"""

from __future__ import annotations

import re

from reducer.failure.signature import Signature
from reducer.stage import table as stages

TITLE_LIMIT = 100
_MASK_WORDS = ((r"%<v>", "%v"), (r"@<sym>", "@sym"), (r"<sym>", "sym"), (r"<N>", "N"), (r"<addr>", "ADDR"),
               (r"<tmp>", "TMP"))
_ANGLES = re.compile(r"<[^<>]*>")


def plain(text: str) -> str:
    """`text` as a title can hold it: masks as words, no type parameters, no backslashes, one line."""
    for mask, word in _MASK_WORDS:
        text = text.replace(mask, word)
    for _ in range(8):  # nested `tensor<4x!tt.ptr<f32>>`: innermost first
        text, n = _ANGLES.subn("", text)
        if not n:
            break
    text = text.replace("\\", "").replace("<", "").replace(">", "")
    return " ".join(text.split())


def _cut(text: str, room: int) -> str:
    if len(text) <= room:
        return text
    cut = text[: max(room - 1, 0)]
    if " " in cut[room // 2:]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:(") + "…"


def issue_title(prefix: str, sig: Signature) -> str:
    """`prefix` (the form's) + `tool Pass: message`, cut to TITLE_LIMIT characters at a word. The kind of
    failure is the body's first line; the title keeps its room for the message people search for."""
    spec = stages.find(sig.stage)
    tool = spec.tool if spec else sig.stage
    where = f" {sig.failing_pass}" if sig.failing_pass else ""
    if sig.bare:
        head = f"{tool}: {sig.detail or 'crash'} in {sig.failing_pass or 'an unknown pass'}"
        return prefix + _cut(head, TITLE_LIMIT - len(prefix))
    return prefix + _cut(f"{tool}{where}: {plain(sig.headline)}", TITLE_LIMIT - len(prefix))
