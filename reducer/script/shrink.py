"""A smaller script with the same bug. Kernel statements are deleted (chunks, then halving, as llvm-reduce's
delta does) while the candidate still shows the unit's signature. Then four kinds of edit are tried, each over its
whole list: a compound statement is replaced by its body, an expression by one of its parts, a call loses one
keyword argument, and a variable set once and read once (or read often, when it is a plain index such as
`tl.arange(0, B)`) is replaced by its value. After that the parameters nothing uses go, from the kernel and from
its launch, and so do the helpers and constants nothing reaches. The kernel's jitted helpers are edited the same
way, and their lines count in the size.

What can go: any statement of the kernel's body (a nested one too; an emptied block keeps a `pass`), an `if`,
`for`, `while` or `with` around statements, the parts of an expression the bug does not need (`x.to(t)` becomes
`x`, `a + b` becomes `a`, `f(a, b)` becomes `a`), keyword arguments (`mask=`, `other=`), single-use variables and
indices, unused parameters and unreached helpers. What stays: the kernel's name, its decorator, the launch's grid
and options, a helper's parameters, and the arguments of the parameters the kernel still uses. `shows` judges each
candidate: a worker's compile (`fast_check`) or a capture of the script.
"""

from __future__ import annotations

import ast
import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reducer.script.kernel_source import KernelSource, extract


@dataclass(frozen=True)
class Shrunk:
    source: KernelSource
    record: dict[str, Any]  # the record with the launch's arguments cut to the kernel's parameters
    tests: int
    lines_before: int
    lines_after: int
    # every accepted step, the original first: where to step back to if the final script's own capture
    # disagrees with a cheaper check that accepted them
    history: list[tuple[KernelSource, dict[str, Any]]] = field(default_factory=list, compare=False, repr=False)


def _kernel_node(text: str, kernel: str) -> ast.FunctionDef:
    return next(n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef) and n.name == kernel)


def _functions(module: ast.Module) -> list[ast.FunctionDef]:
    """The kernel and the jitted helpers it calls (every function the script carries), in file order."""
    return [n for n in module.body if isinstance(n, ast.FunctionDef)]


def code_lines(text: str) -> int:
    """Lines of the functions (kernel and helpers) as `ast.unparse` writes them: the measure of a script's size."""
    return sum(len(ast.unparse(fn).splitlines()) for fn in _functions(ast.parse(text)))


def _statements(text: str) -> list[tuple[int, int]]:
    """Line spans (1-based, inclusive) of every statement of the kernel's and its helpers' bodies, outermost
    first."""
    spans: list[tuple[int, int]] = []
    todo: list[list[ast.stmt]] = [fn.body for fn in _functions(ast.parse(text))]
    while todo:
        body = todo.pop(0)
        for stmt in body:
            spans.append((stmt.lineno, stmt.end_lineno or stmt.lineno))
            for field_name in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, field_name, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    todo.append(inner)
    return spans


def _without(text: str, spans: list[tuple[int, int]]) -> str | None:
    """`text` with the lines of `spans` gone (an emptied block gets `pass`); None when that is not Python."""
    lines = text.splitlines()
    gone = {n for a, b in spans for n in range(a, b + 1)}
    out: list[str] = []
    for n, line in enumerate(lines, 1):
        if n in gone:
            continue
        out.append(line)
    candidate = "\n".join(out) + "\n"
    for _ in range(len(spans) + 1):
        try:
            ast.parse(candidate)
            return candidate
        except IndentationError as err:  # `if x:` with nothing under it
            if err.lineno is None:
                return None
            rows = candidate.splitlines()
            header = rows[err.lineno - 2] if err.lineno >= 2 else ""
            indent = len(header) - len(header.lstrip()) + 4
            rows.insert(err.lineno - 1, " " * indent + "pass")
            candidate = "\n".join(rows) + "\n"
        except SyntaxError:
            return None
    return None


def _children(node: ast.expr) -> list[ast.expr]:
    """Sub-expressions that could stand for `node`: a binary op's sides, `x.to(...)`'s `x`, a call's arguments
    (`tl.where(c, a, b)` -> `a`), a unary op's operand, a subscript's value."""
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Subscript):
        return [node.value]
    if isinstance(node, ast.Call):
        method = [node.func.value] if isinstance(node.func, ast.Attribute) and not isinstance(
            node.func.value, ast.Name) else []
        return method + [a for a in node.args if not isinstance(a, ast.Constant)]
    return []


class _Hoist(ast.NodeTransformer):
    """Replaces the k-th (expression, sub-expression) pair, in pre-order, by the sub-expression."""

    def __init__(self, k: int) -> None:
        self.k, self.seen, self.done = k, 0, False

    def visit(self, node: ast.AST) -> ast.AST:
        if self.done:
            return node
        if isinstance(node, ast.expr):
            subs = _children(node)
            if self.seen <= self.k < self.seen + len(subs):
                self.done = True
                return subs[self.k - self.seen]
            self.seen += len(subs)
        return self.generic_visit(node)


def hoists(text: str) -> list[str]:
    """Every way of replacing one expression of the kernel's (or a helper's) body by one of its sub-expressions,
    outermost first (C-Vise's and Shrink Ray's expression reductions, on Python)."""
    count = sum(len(_children(n)) for fn in _functions(ast.parse(text)) for stmt in fn.body
                for n in ast.walk(stmt) if isinstance(n, ast.expr))
    found: list[str] = []
    for k in range(count):
        module = ast.parse(text)
        hoist = _Hoist(k)  # one count across every body: the k-th pair, not the k-th of each statement
        for fn in _functions(module):
            fn.body = [hoist.visit(stmt) for stmt in fn.body]
        found.append(ast.unparse(module) + "\n")
    return list(dict.fromkeys(found))


def unkeywords(text: str) -> list[str]:
    """Every way of dropping one keyword argument of one call (`mask=`, `other=`, `eviction_policy=`, ...), in
    pre-order: what a kernel passes most often that a bug needs least."""
    count = sum(len(n.keywords) for fn in _functions(ast.parse(text)) for n in ast.walk(fn)
                if isinstance(n, ast.Call))
    found: list[str] = []
    for k in range(count):
        module = ast.parse(text)
        calls = [n for fn in _functions(module) for n in ast.walk(fn) if isinstance(n, ast.Call) and n.keywords]
        seen = 0
        for call in calls:
            if seen <= k < seen + len(call.keywords):
                del call.keywords[k - seen]
                break
            seen += len(call.keywords)
        found.append(ast.unparse(module) + "\n")
    return list(dict.fromkeys(found))


class _Unnest(ast.NodeTransformer):
    """Replaces the k-th compound statement (`if`, `for`, `while`, `with`), in pre-order, by its body (an `if`
    by its `else` too: the next index)."""

    def __init__(self, k: int) -> None:
        self.k, self.seen, self.done = k, 0, False

    def _bodies(self, node: ast.stmt) -> list[list[ast.stmt]]:
        if isinstance(node, ast.If):
            return [node.body] + ([node.orelse] if node.orelse else [])
        if isinstance(node, (ast.For, ast.While, ast.With)):
            return [node.body]
        return []

    def generic_visit(self, node: ast.AST) -> ast.AST:
        for name, value in ast.iter_fields(node):
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                out: list[ast.stmt] = []
                for stmt in value:
                    bodies = [] if self.done else self._bodies(stmt)
                    if self.seen <= self.k < self.seen + len(bodies):
                        self.done = True
                        out.extend(bodies[self.k - self.seen])
                        continue
                    self.seen += len(bodies)
                    out.append(self.visit(stmt))
                setattr(node, name, out)
        return node


def unnests(text: str) -> list[str]:
    """Every way of replacing one `if`/`for`/`while`/`with` of the kernel by its body, outermost first (a loop's
    body then runs once, with its variable unbound unless the bug needs none of it)."""
    count = sum(len(_Unnest(0)._bodies(n)) for fn in _functions(ast.parse(text)) for n in ast.walk(fn)
                if isinstance(n, ast.stmt) and n is not fn)
    found: list[str] = []
    for k in range(count):
        module = ast.parse(text)
        unnest = _Unnest(k)
        for fn in _functions(module):
            unnest.visit(fn)
        found.append(ast.unparse(module) + "\n")
    return list(dict.fromkeys(found))


def _single_uses(fn: ast.FunctionDef) -> list[str]:
    """Names the kernel assigns once (a plain `name = ...`) and reads once, or reads often when the value is a
    cheap index."""
    stores: dict[str, int] = {}
    loads: dict[str, int] = {}
    for node in ast.walk(fn):
        if isinstance(node, ast.Name):
            counts = loads if isinstance(node.ctx, ast.Load) else stores
            counts[node.id] = counts.get(node.id, 0) + 1
    plain = {s.targets[0].id: s.value for s in ast.walk(fn) if isinstance(s, ast.Assign) and len(s.targets) == 1
             and isinstance(s.targets[0], ast.Name)}
    return [n for n, value in plain.items() if stores.get(n) == 1
            and (loads.get(n) == 1 or (loads.get(n, 0) > 1 and _cheap(value)))]


def _cheap(value: ast.expr) -> bool:
    """An index a kernel names once and reads often (`offs = tl.arange(0, B)`, `pid = tl.program_id(0)`): written
    out at each read, it costs a repro no clarity and frees a statement."""
    if isinstance(value, (ast.Constant, ast.Name)):
        return True
    if isinstance(value, ast.Attribute):
        return _cheap(value.value)
    return (isinstance(value, ast.Call) and ast.unparse(value.func).split(".")[-1] in _INDEX_CALLS
            and all(isinstance(a, (ast.Constant, ast.Name)) for a in value.args) and not value.keywords)


_INDEX_CALLS = ("arange", "program_id", "num_programs")


class _Inline(ast.NodeTransformer):
    """Drops `name = value` and puts `value` where `name` is read."""

    def __init__(self, name: str) -> None:
        self.name, self.value = name, None

    def visit_Assign(self, node: ast.Assign) -> ast.AST | None:
        target = node.targets[0] if len(node.targets) == 1 else None
        if isinstance(target, ast.Name) and target.id == self.name:
            self.value = node.value
            return None
        return self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id == self.name and isinstance(node.ctx, ast.Load) and self.value is not None:
            return copy.deepcopy(self.value)  # one node per read
        return node


def inlines(text: str) -> list[str]:
    """Every way of putting a variable the kernel assigns once and reads once in the place it is read (one
    statement fewer; the check says whether the bug minds)."""
    found: list[str] = []
    uses = [(i, name) for i, fn in enumerate(_functions(ast.parse(text))) for name in _single_uses(fn)]
    for i, name in uses:
        module = ast.parse(text)
        fn = _functions(module)[i]
        _Inline(name).visit(fn)
        for node in ast.walk(fn):  # a block whose only statement went keeps a `pass`
            for attr in ("body", "orelse"):
                if getattr(node, attr, None) == [] and (attr == "body" or node is fn):
                    setattr(node, attr, [ast.Pass()])
        found.append(ast.unparse(ast.fix_missing_locations(module)) + "\n")
    return list(dict.fromkeys(found))


class _Tidy(ast.NodeTransformer):
    """What an edit leaves that means nothing: `else: pass`, and `pass` beside other statements."""

    def generic_visit(self, node: ast.AST) -> ast.AST:
        super().generic_visit(node)
        for name in ("body", "orelse", "finalbody"):
            block = getattr(node, name, None)
            if not isinstance(block, list) or not block or not isinstance(block[0], ast.stmt):
                continue
            kept = [s for s in block if not isinstance(s, ast.Pass)]
            if name == "orelse" and not kept:
                setattr(node, name, [])
            elif kept and len(kept) < len(block):
                setattr(node, name, kept)
        return node


def tidy(text: str) -> str | None:
    """`text` without meaningless `pass`/`else: pass` (the same program, fewer lines); None when not Python."""
    try:
        module = ast.parse(text)
    except SyntaxError:
        return None
    for fn in _functions(module):
        _Tidy().visit(fn)
    return ast.unparse(module) + "\n"


def _used_params(text: str, kernel: str) -> list[str]:
    fn = _kernel_node(text, kernel)
    used = {n.id for stmt in fn.body for n in ast.walk(stmt) if isinstance(n, ast.Name)}
    return [a.arg for a in fn.args.args if a.arg in used]


def _drop_params(text: str, kernel: str, keep: list[str]) -> str:
    module = ast.parse(text)
    for node in module.body:
        if isinstance(node, ast.FunctionDef) and node.name == kernel:
            node.args.args = [a for a in node.args.args if a.arg in keep]
            node.args.defaults = []
    return ast.unparse(module) + "\n"


def shrink(source: KernelSource, record: dict[str, Any], shows: Callable[[KernelSource, dict[str, Any]], bool],
           budget: float = 900.0, status: Callable[[str], None] | None = None) -> Shrunk:
    """Delete what `shows(candidate source, candidate record)` says the bug does not need."""
    kernel = source.kernel
    text = "\n\n\n".join(source.definitions) + "\n"
    header = "\n".join(source.imports) + "\n\n\n"
    before = code_lines(text)
    deadline = time.monotonic() + budget
    tests = 0
    history: list[tuple[KernelSource, dict[str, Any]]] = [(source, record)]
    seen: set[str] = set()

    def build(body: str) -> tuple[KernelSource, dict[str, Any]]:
        keep = _used_params(body, kernel)
        body = _drop_params(body, kernel, keep)
        cut = extract(header + body, kernel)
        args = {k: v for k, v in (record.get("args") or {}).items() if k in keep}
        return cut, {**record, "args": args}

    def attempt(candidate: str | None) -> bool:
        nonlocal text, tests
        candidate = tidy(candidate) if candidate is not None else None
        if candidate is None or candidate in seen or time.monotonic() >= deadline:
            return False
        seen.add(candidate)
        tests += 1
        if status:
            status(f"script: {tests} tries, kernel and helpers of {code_lines(text)} lines")
        cut, cut_record = build(candidate)
        if not shows(cut, cut_record):
            return False
        text = "\n\n\n".join(cut.definitions) + "\n"
        history.append((cut, cut_record))
        return True

    progress = True
    while progress and time.monotonic() < deadline:
        progress = _delete_rounds(attempt, lambda: text, deadline)
        # A compound statement by its body, one expression by a part of it, a call without one keyword, a
        # variable read once by its value; each list is walked once, staying at the same place after a success
        # (the list made again from the new text, and only then).
        for make in (unnests, hoists, unkeywords, inlines):
            k, found = 0, make(text)
            while k < len(found) and time.monotonic() < deadline:
                if attempt(found[k]):
                    progress = True
                    found = make(text)
                else:
                    k += 1
    final, final_record = build(text)
    after = code_lines("\n\n\n".join(final.definitions))
    return Shrunk(final, final_record, tests, before, after, history)


def _delete_rounds(attempt: Callable[[str | None], bool], current: Callable[[], str], deadline: float) -> bool:
    """Chunked statement deletion, halving the chunk until single statements; True when anything went."""
    any_change = False
    chunk = max(1, len(_statements(current())) // 2)
    while chunk >= 1 and time.monotonic() < deadline:
        spans = _statements(current())
        i, changed = 0, False
        while i < len(spans) and time.monotonic() < deadline:
            if attempt(_without(current(), spans[i : i + chunk])):
                changed = any_change = True
                spans = _statements(current())
                continue
            i += chunk
        if not changed:
            chunk //= 2
    return any_change
