"""The package's shape, measured from its own source with `ast`: folders by concern, no import circles, short
import chains, small modules and functions, and each shared concept defined in one place."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "reducer"
MAX_TOP_LEVEL = 12
MAX_CHAIN = 12
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, ast.Module]:
    return {module_name(p): ast.parse(p.read_text(), str(p)) for p in sorted(PACKAGE.rglob("*.py"))}


def _in_type_checking(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def imports_of(name: str, tree: ast.Module, known: set[str] | dict | None = None) -> set[str]:
    """Every module of the package that `name` imports, at any depth (inside functions too)."""
    known = modules() if known is None else known
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if _in_type_checking(node, parents):
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        else:
            continue
        for target in targets:
            # `from reducer.x import y`: y is a submodule or a name in reducer.x; count the deepest module named.
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and target != "reducer":
                found.add(target)
    return found


@cache
def graph() -> dict[str, frozenset[str]]:
    return {name: frozenset(imports_of(name, tree)) for name, tree in modules().items()}


def find_cycle(g: dict[str, frozenset[str]] | None = None) -> list[str] | None:
    g = graph() if g is None else g
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(g[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(g):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def longest_chain() -> list[str]:
    g = graph()
    best: dict[str, list[str]] = {}

    def chain(node: str) -> list[str]:
        if node not in best:
            tails = [chain(n) for n in g[node]]
            best[node] = [node] + max(tails, key=len, default=[])
        return best[node]

    return max((chain(n) for n in g), key=len)


def test_few_modules_sit_directly_in_the_package():
    top = sorted(p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py"))
    assert len(top) <= MAX_TOP_LEVEL, top


def test_every_folder_says_what_lives_there():
    for folder in sorted(p for p in PACKAGE.iterdir() if (p / "__init__.py").exists()):
        doc = ast.get_docstring(modules()[module_name(folder / "__init__.py")])
        assert doc, f"{folder.name}/__init__.py has no docstring"


def test_no_import_circle():
    assert find_cycle() is None, " -> ".join(find_cycle() or [])


def test_import_chains_are_short():
    chain = longest_chain()
    assert len(chain) <= MAX_CHAIN, " -> ".join(chain)


def test_no_module_is_long():
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines()))
            > MAX_MODULE_LINES}
    assert not long


def test_no_function_is_long():
    long = []
    for name, tree in modules().items():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{name}.{node.name}: {lines}")
    assert not long


def test_the_layout_checks_can_fail():
    """A circle closed by an import inside a function is seen; one through a TYPE_CHECKING import is not."""
    fake = {
        "reducer.a": ast.parse("from reducer.c import z\n"),
        "reducer.b": ast.parse("def f():\n    from reducer.a import x\n"),
        "reducer.c": ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from reducer.a import y\n"),
    }
    g = {name: frozenset(imports_of(name, tree, fake)) for name, tree in fake.items()}
    assert g["reducer.b"] == {"reducer.a"} and g["reducer.c"] == frozenset()
    assert find_cycle(g) is None
    g["reducer.a"] = frozenset({"reducer.b"})
    assert find_cycle(g) == ["reducer.a", "reducer.b", "reducer.a"]


# Each shared concept has exactly one definition in the package: (what, the kind of definition, its name).
ONE_DEFINITION = [
    ("outcome vocabulary", ast.ClassDef, "Outcome"),
    ("kernel-name function", ast.FunctionDef, "kernel_name"),
    ("masking table", ast.Assign, "MASKS"),
    ("shell quoting of argv", ast.FunctionDef, "shell_line"),
    ("table writer", ast.FunctionDef, "markdown_table"),
    ("boolean parser", ast.FunctionDef, "parse_bool"),
    ("the 'found with' block", ast.ClassDef, "FoundWith"),
    ("issue writer", ast.FunctionDef, "render_issue"),
    ("op counter", ast.FunctionDef, "count_ops"),
    ("deadline clamp", ast.FunctionDef, "clamp_to_deadline"),
]


def definitions(kind: type, name: str) -> list[str]:
    found = []
    for module, tree in modules().items():
        for node in ast.walk(tree):
            if kind is ast.Assign and isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                    found.append(module)
            elif isinstance(node, kind) and node.name == name:
                found.append(module)
    return found


@pytest.mark.parametrize("what,kind,name", ONE_DEFINITION, ids=[row[0] for row in ONE_DEFINITION])
def test_each_concept_is_defined_once(what, kind, name):
    assert len(definitions(kind, name)) == 1, f"{what} ({name}): {definitions(kind, name)}"


def test_every_data_file_ships_in_the_wheel():
    """Templates and the scripts run by path are package data: a file the globs miss works only from a checkout."""
    import fnmatch

    import tomllib

    globs = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    missing = []
    for path in PACKAGE.rglob("*"):
        if path.is_dir() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
            continue
        rel = path.relative_to(PACKAGE)
        carried = any(fnmatch.fnmatch(str(rel), g) for g in globs.get("reducer", [])) or any(
            fnmatch.fnmatch(str(path.relative_to(owner)), g)
            for owner in path.parents if owner != PACKAGE.parent and PACKAGE in (owner, *owner.parents)
            for g in globs.get("*", [])
        )
        if not carried:
            missing.append(str(rel))
    assert not missing, f"not in [tool.setuptools.package-data]: {missing}"
