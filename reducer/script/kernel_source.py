"""The user's kernel as a script needs it: the jitted function, the jitted helpers it calls and the module-level
names they use, cut from the kernel's own file with `ast` (never imported: the file may have side effects).

The kernel keeps `@triton.jit` (with its arguments); `@triton.autotune` and `@triton.heuristics` go, since the
script launches the one config the capture recorded. A name the kernel uses that the file imports stays an
import; a name it defines (a helper, a constant) comes along, transitively. What the file cannot give (a helper
from another module of the project) stays an import of that module, listed in `needs`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

# Modules a script may import as they are: installed on any machine that runs a Triton kernel.
_COMMON = ("triton", "torch", "math", "numpy", "functools", "typing", "itertools", "operator")


@dataclass
class KernelSource:
    kernel: str
    imports: list[str]  # import statements, as written in the file
    definitions: list[str]  # constants, helpers and the kernel, in file order
    needs: list[str] = field(default_factory=list)  # modules of the user's project the script still imports


def _decorator_name(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    return ast.unparse(target)


def _is_jit(node: ast.AST) -> bool:
    return isinstance(node, ast.FunctionDef) and any(
        _decorator_name(d).split(".")[-1] == "jit" for d in node.decorator_list
    )


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _bound(stmt: ast.stmt) -> set[str]:
    """Names a module-level statement defines."""
    if isinstance(stmt, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
        return {stmt.name}
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in stmt.names}
    if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return set()


def _strip_tuning(fn: ast.FunctionDef) -> ast.FunctionDef:
    fn.decorator_list = [d for d in fn.decorator_list if _decorator_name(d).split(".")[-1] == "jit"]
    return fn


def extract(text: str, kernel: str) -> KernelSource:
    """The kernel named `kernel` (a module-level function of `text`) and what it needs; ValueError when the file
    holds no such jitted function."""
    module = ast.parse(text)
    top = {name: stmt for stmt in module.body for name in _bound(stmt)}
    root = top.get(kernel)
    if not isinstance(root, ast.FunctionDef) or not _is_jit(root):
        raise ValueError(f"no @triton.jit function {kernel!r} at the top level of its file")
    wanted: list[ast.stmt] = []
    todo, seen = [root], set()
    while todo:
        stmt = todo.pop()
        if id(stmt) in seen:
            continue
        seen.add(id(stmt))
        wanted.append(stmt)
        for name in _names(stmt) - {kernel}:
            found = top.get(name)
            if found is not None and id(found) not in seen:
                todo.append(found)
    order = {id(s): i for i, s in enumerate(module.body)}
    wanted.sort(key=lambda s: order[id(s)])
    imports = [ast.unparse(s) for s in wanted if isinstance(s, (ast.Import, ast.ImportFrom))]
    needs = sorted({m for s in wanted for m in _modules(s) if m.split(".")[0] not in _COMMON})
    defs = [ast.unparse(_strip_tuning(s) if s is root else s) for s in wanted
            if not isinstance(s, (ast.Import, ast.ImportFrom))]
    return KernelSource(kernel, imports, defs, needs)


def _modules(stmt: ast.stmt) -> list[str]:
    if isinstance(stmt, ast.Import):
        return [a.name for a in stmt.names]
    if isinstance(stmt, ast.ImportFrom):
        return [("." * stmt.level) + (stmt.module or "")]
    return []
