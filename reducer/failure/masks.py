"""What a signature ignores: one masking table and one id hash, for compiler and frontend signatures alike.

Everything that moves when the IR shrinks or the machine changes (paths, temp dirs, SSA names, locations,
addresses, numbers) is masked, so a signature computed on a 300-op kernel still matches its 8-op reduction.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

COMPILER = "compiler"
# A Python exception line (`capture/frontend.py`). Its rules are older and coarser than the compiler's, and stay:
# its finding ids and titles are in every triage.json and issue already written.
FRONTEND = "frontend"


@dataclass(frozen=True)
class Mask:
    """One rule of what a signature ignores: `pattern` -> `replacement`, with why and an example."""

    name: str
    pattern: re.Pattern[str]
    replacement: str | Callable[[re.Match[str]], str]
    why: str
    example: tuple[str, str]  # (a message, what this rule alone makes of it)
    numeric: bool = False  # runs after `File.cpp:123` source lines are set aside (they name the bug)
    family: str = COMPILER  # whose messages it masks

    def apply(self, text: str) -> str:
        return self.pattern.sub(self.replacement, text)


def _shape_dims(m: re.Match[str]) -> str:
    return m.group(1) + "<" + re.sub(r"\d+", "N", m.group(2))


# What varies between runs, machines, sizes and reduction steps, in the order it is masked. What stays names
# the bug: the message's words, op names, element types, ranks, dynamic dims (`?`), compiler source lines.
MASKS: tuple[Mask, ...] = (
    Mask("location", re.compile(r'loc\((?:"[^"]*"|[^()]|\([^()]*\))*\)'), "",
         "loc(...) trailers move as the IR shrinks", ('x loc("/a/k.py":3:4) y', "x  y")),
    Mask("temp path", re.compile(r"/tmp/[^\s'\"`:)]*"), "<tmp>",
         "each run has its own temp folder", ("in /tmp/tmpab12/kernel.mlir", "in <tmp>")),
    Mask("file position", re.compile(r'"?(?:/[^\s":]+)+"?:\d+:\d+:?\s*'), "",
         "where the input file sat and which line: both move", ('"/w/k.mlir":12:3: error', "error")),
    Mask("directories", re.compile(r"(?:/[\w.+@~-]+)+/([\w.+-]+)"), r"\1",
         "build roots and homes differ per machine; the file name stays", ("at /root/b/llvm/Pass.cpp", "at Pass.cpp")),
    Mask("unknown location", re.compile(r"<unknown>:0: "), "",
         "a prefix some diagnostics carry and others not", ("<unknown>:0: error: x", "error: x")),
    Mask("SSA value", re.compile(r"%[\w$.-]+(?:#\d+)?"), "%<v>",
         "value names are renumbered by every edit", ("use of %arg3#1", "use of %<v>")),
    Mask("symbol", re.compile(r"@[\w$.-]+"), "@<sym>",
         "user function names", ("callee @_helper_0", "callee @<sym>")),
    # A quoted bare identifier is a user symbol (`'_pick_scale__i32__'`); quoted op names have a dot and stay.
    Mask("quoted symbol", re.compile(r"'[A-Za-z_][\w$]*'"), "'<sym>'",
         "user names quoted in diagnostics", ("'tt.call' op '_pick' does", "'tt.call' op '<sym>' does")),
    Mask("address", re.compile(r"0x[0-9a-fA-F]+"), "<addr>",
         "pointers differ per run", ("at 0x55d0c3a1", "at <addr>")),
    Mask("shape dims", re.compile(r"\b(memref|tensor|vector)<((?:(?:\d+|\?)x)+)"), _shape_dims,
         "the same bug at another size (128 vs 1024 elements); element type, rank and `?` stay",
         ("from 'memref<2x?x128xf32>' to 'tensor<4xf16>'", "from 'memref<Nx?xNxf32>' to 'tensor<Nxf16>'"),
         numeric=True),
    Mask("number", re.compile(r"(?<![\w.<])-?\d+(?:\.\d+)?(?![\w])"), "<N>",
         "counts and sizes (`requires 2097152 bits`) change as the IR shrinks and between releases",
         ("requires 2097152 bits while 1572864", "requires <N> bits while <N>"), numeric=True),
    Mask("frontend address", re.compile(r"0x[0-9a-fA-F]+"), "0x?",
         "object ids in exception text differ per run", ("<object at 0x7f3a>", "<object at 0x?>"), family=FRONTEND),
    Mask("frontend source file", re.compile(r"(?:/[\w.+-]+)+\.py"), "<file>.py",
         "where the user's kernels and Triton sit differs per machine", ("in /home/u/k.py", "in <file>.py"),
         family=FRONTEND),
    Mask("frontend number", re.compile(r"\b\d+\b"), "N",
         "sizes, line numbers and block shapes differ per kernel", ("at 12:4: got 128", "at N:N: got N"),
         family=FRONTEND),
)

# What the compiler masks leave in a normalized message: FileCheck patterns and grep needles split around these.
MASKED = re.compile(r"<N>|%<v>|@<sym>|<sym>|<addr>|<tmp>|(?<=[<x])N(?=x)")

_SPACES = re.compile(r"\s+")
# `File.cpp:123` names a line in the compiler's source: stable, and it tells bugs apart.
_SOURCE_LINE = re.compile(r"\b([\w+-]+\.(?:cpp|cc|c|h|hpp|inc|td)):(\d+)")
_PLACEHOLDER = re.compile("[\ue000-\uf8ff]")


def mask(text: str, family: str = COMPILER) -> str:
    """`text` through the rules of `family`, in table order (numeric rules with source lines set aside)."""
    kept: list[str] = []

    def stash(m: re.Match[str]) -> str:
        kept.append(f"{m.group(1)}:{m.group(2)}")
        return chr(0xE000 + len(kept) - 1)  # a placeholder with no digits in it

    stashed = False
    for rule in MASKS:
        if rule.family != family:
            continue
        if rule.numeric and not stashed:
            text, stashed = _SOURCE_LINE.sub(stash, text), True
        text = rule.apply(text)
    if not stashed:
        return text
    return _PLACEHOLDER.sub(lambda m: kept[i] if (i := ord(m.group(0)) - 0xE000) < len(kept) else m.group(0), text)


def normalize_message(text: str) -> str:
    """A compiler message with what varies between runs, machines and reduction steps masked; what names the
    bug kept."""
    return _SPACES.sub(" ", mask(text, COMPILER)).strip()


def digest(text: str, algorithm: str = "sha256") -> str:
    """A signature id: 12 hex digits of `text`'s hash. Frontend ids were always sha1 and keep it."""
    return hashlib.new(algorithm, text.encode()).hexdigest()[:12]
