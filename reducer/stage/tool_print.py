"""The compiler's own printer: generic form for reducing, custom form for people, op counts as it parses."""

from __future__ import annotations

from dataclasses import replace

from reducer.stage.runner import DEFAULT_ENV, RunEnv, execute
from reducer.stage.table import StageSpec
from reducer.stage.toolchain import locate_parser, parse_invocation


def reprint(
    stage: StageSpec, text: str, *, generic: bool, timeout: float = 60.0, env: RunEnv = DEFAULT_ENV,
    debuginfo: bool = False,
) -> str | None:
    """The tool's printout of `text` with no pass run, or None if it cannot parse it. Locations are dropped,
    or with `debuginfo` printed inline on every op (no `#loc` aliases)."""
    if locate_parser(stage) is None:
        return None
    inv = parse_invocation(stage, text, generic=generic, keep_output=True)
    if debuginfo:
        inv = replace(inv, argv=[*inv.argv, "--mlir-print-debuginfo", "--mlir-print-local-scope"])
    run = execute(inv, timeout=timeout, env=env)
    if run.returncode != 0 or run.output_text is None:
        return None
    return run.output_text


def unwrap_module(text: str) -> str:
    """Drop a bare `module { ... }` wrapper: the parser adds an implicit module around top-level ops.

    Two lines fewer for every repro; a module with attributes or a name keeps its wrapper.
    """
    lines = text.strip("\n").splitlines()
    if len(lines) < 3 or lines[0] != "module {" or lines[-1] != "}":
        return text
    body = [line[2:] if line.startswith("  ") else line for line in lines[1:-1]]
    return "\n".join(body) + "\n"


def tool_ops(stage: StageSpec, text: str) -> int | None:
    """Ops in `text` as the tool parses it (custom or generic form), or None when it cannot be parsed."""
    from reducer.mlir.module import ParseError, count_ops

    generic = reprint(stage, text, generic=True)
    if generic is None:
        return None
    try:
        return count_ops(generic)
    except ParseError:
        return None
