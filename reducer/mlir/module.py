"""Parse and print MLIR generic form with xdsl, knowing nothing about the dialects.

Every dialect except builtin stays unregistered, so xdsl never re-verifies or reformats an op it half-knows:
what we print is what the real tools read back.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading

from xdsl.context import Context
from xdsl.dialects.builtin import Builtin, ModuleOp
from xdsl.ir import Operation
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.utils.exceptions import ParseError as XdslParseError

from reducer.errors import ParseError
from reducer.mlir.lexical import pieces
from reducer.mlir.ops import op_name


def _context() -> Context:
    ctx = Context(allow_unregistered=True)
    ctx.load_dialect(Builtin)
    return ctx


# `loc(` where a location starts: not the tail of a longer name (`myloc(`, `#loc(`).
_LOC = re.compile(r"(?<![\w.$#])loc\(")


def strip_locations(text: str) -> str:
    """Drop `loc(...)` trailers and `#locN = ...` aliases: xdsl cannot resolve aliases defined after use."""
    out: list[str] = []
    depth = 0  # > 0 inside a `loc(...)`: its text, strings included, is dropped
    for kind, piece in pieces(text):
        if kind == "string":
            if not depth:
                out.append(piece)
            continue
        i = 0
        while i < len(piece):
            if depth:
                i, depth = _past_parens(piece, i, depth)
                continue
            m = _LOC.search(piece, i)
            if m is None:
                out.append(piece[i:])
                break
            kept = piece[i : m.start()]
            out.append(kept[:-1] if kept.endswith(" ") else kept)  # `op loc(...)` -> `op`
            i, depth = m.end(), 1
    lines = [ln for ln in "".join(out).split("\n") if not ln.lstrip().startswith("#loc")]
    return "\n".join(lines)


def _past_parens(code: str, i: int, depth: int) -> tuple[int, int]:
    """Where the paren open `depth` deep closes in `code` from `i` (just past it, 0), else (end, depth left)."""
    for j in range(i, len(code)):
        if code[j] == "(":
            depth += 1
        elif code[j] == ")":
            depth -= 1
            if depth == 0:
                return j + 1, 0
    return len(code), depth


# Attribute aliases whose value xdsl cannot hold (semi-affine maps such as `affine_map<()[s0, s1] -> (s0 * s1)>`,
# which bishengir's HIVM IR is full of) are parsed as an opaque string and printed back as written.
_ALIAS_DEF = re.compile(r"^(#[\w.$-]+)[ \t]*=[ \t]*(.+?)[ \t]*$", re.M)
_PLACEHOLDER = re.compile(r'"reducer\.opaque\.([0-9a-f]{16})"')
_OPAQUE: dict[str, str] = {}  # placeholder digest -> the attribute's own text
_UNHELD: set[str] = set()  # alias values xdsl failed on: hidden before parsing from now on
_OPAQUE_LOCK = threading.Lock()


def _hide(text: str, values: set[str]) -> str:
    def swap(m: re.Match[str]) -> str:
        value = m.group(2)
        if value not in values:
            return m.group(0)
        digest = hashlib.sha1(value.encode()).hexdigest()[:16]
        with _OPAQUE_LOCK:
            _OPAQUE[digest] = value
        return f'{m.group(1)} = "reducer.opaque.{digest}"'

    return _ALIAS_DEF.sub(swap, text)


def _holds(value: str) -> bool:
    try:
        Parser(_context(), value).parse_attribute()
    except Exception:  # xdsl raises NotImplementedError, ParseError, ValueError...
        return False
    return True


def _parse(text: str, name: str) -> ModuleOp:
    try:
        return Parser(_context(), text, name).parse_module()
    except XdslParseError as err:
        raise ParseError(f"cannot parse {name}: {err}") from err
    except Exception as err:  # xdsl raises assorted errors (verify, value errors) on odd input
        raise ParseError(f"cannot parse {name}: {type(err).__name__}: {err}") from err


def parse_module(text: str, name: str = "<input>") -> ModuleOp:
    """Parse MLIR text; raise `ParseError` with xdsl's caret message when it cannot."""
    if "loc(" in text:
        text = strip_locations(text)
    if _UNHELD:
        text = _hide(text, _UNHELD)
    try:
        return _parse(text, name)
    except ParseError:
        unheld = {m.group(2) for m in _ALIAS_DEF.finditer(text) if not _holds(m.group(2))}
        if not unheld:
            raise
        with _OPAQUE_LOCK:
            _UNHELD.update(unheld)
        return _parse(_hide(text, unheld), name)


def parse_with_locations(text: str, name: str = "<input>") -> ModuleOp:
    """Parse generic-form text keeping each op's `loc(...)` (xDSL sets `op.location`). Locations must be inline
    (the tool's `--mlir-print-local-scope`): xDSL cannot resolve `#loc` aliases defined after their use."""
    if _UNHELD:
        text = _hide(text, _UNHELD)
    return _parse(text, name)


def print_module(module: Operation) -> str:
    """Generic-form text, newline-terminated, as the real tools accept it (opaque attributes as written)."""
    stream = io.StringIO()
    Printer(stream=stream, print_generic_format=True).print_op(module)
    stream.write("\n")
    text = stream.getvalue()
    if _OPAQUE and "reducer.opaque." in text:
        # Back as aliases defined on top, as the tools print them: the next parse hides them again.
        used = sorted({d for d in _PLACEHOLDER.findall(text) if d in _OPAQUE})
        text = _PLACEHOLDER.sub(lambda m: f"#opaque_{m.group(1)}" if m.group(1) in _OPAQUE else m.group(0), text)
        text = "".join(f"#opaque_{d} = {_OPAQUE[d]}\n" for d in used) + text
    return text


# linalg's named ops (matmul, fill, transpose, ...) carry an implicit body in generic form that their
# custom form hides; only these linalg ops show their region to a reader.
_EXPLICIT_LINALG_REGIONS = frozenset({"linalg.generic", "linalg.reduce", "linalg.map"})


def _implicit_body(op: Operation) -> bool:
    name = op_name(op)
    return name.startswith("linalg.") and name not in _EXPLICIT_LINALG_REGIONS


def count_ops(ir: Operation | str) -> int:
    """Every operation a reader sees, the module, functions and terminators included: the size we minimise.

    Ops inside a linalg named op's implicit body are not counted (they print as one line). Text is parsed first
    (ParseError when xdsl cannot hold it).
    """
    count = 0
    todo = [parse_module(ir) if isinstance(ir, str) else ir]
    while todo:
        op = todo.pop()
        count += 1
        if _implicit_body(op):
            continue
        for region in op.regions:
            for block in region.blocks:
                todo.extend(block.ops)
    return count
