"""`reducer doctor` and `reducer passes`: what this install has to work with."""

from __future__ import annotations

import click

from reducer.cli import exitcodes
from reducer.cli.guard import run_guarded
from reducer.cli.status import echo
from reducer.errors import ToolNotFound
from reducer.table import key_value


@click.command()
def doctor() -> None:
    """Show the compilers found, their versions and optional helpers."""

    def go() -> int:
        from reducer.stage.table import all_stages
        from reducer.stage.toolchain import find_helper, locate, versions

        rows = list(versions().items())
        missing = 0
        for spec in all_stages():
            try:
                tool = locate(spec)
                rows.append((tool.name, f"{tool.version}  [{tool.path}]  (stage {spec.name})"))
                if spec.healthy_end:
                    rows.append(("", f"ending in {spec.healthy_end!r} counts as passed-mlir (an external step absent)"))
            except ToolNotFound as err:
                rows.append((spec.tool, f"NOT FOUND: {err.one_line()}"))
                missing += 1
        sym = find_helper("llvm-symbolizer")
        rows.append(("llvm-symbolizer", sym or "absent (frames still stable: reducer runs with ASLR off)"))
        echo(key_value(rows))
        return exitcodes.TOOL_MISSING if missing else exitcodes.OK

    run_guarded(go)


@click.command()
def passes() -> None:
    """List the reduction passes in registry order."""
    from reducer.passes.registry import describe

    rows = describe()
    width = max(len(n) for n, _ in rows)
    for name, text in rows:
        echo(f"{name:<{width}}  {text}")
