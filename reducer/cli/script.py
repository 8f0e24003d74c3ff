"""`reducer script UNIT`: the failing launch of a capture unit as a standalone `repro.py`."""

from __future__ import annotations

from pathlib import Path

import click

from reducer.cli import exitcodes
from reducer.cli.guard import run_guarded
from reducer.cli.status import echo
from reducer.safety.names import terminal_line
from reducer.table import key_value


@click.command("script")
@click.argument("unit", type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(path_type=Path), default=Path("repro.py"), show_default=True,
              help="Where to write the script (inputs.pt goes beside it with --with-data).")
@click.option("--with-data", is_flag=True,
              help="Launch with the captured tensors (the unit must come from `capture --with-data`).")
@click.option("--reduce", "shrink", is_flag=True,
              help="Shrink the kernel while the unit's signature holds: statements, blocks around them, parts of "
                   "expressions, single-use variables, unused parameters and helpers.")
@click.option("--no-check", is_flag=True, help="Do not capture the written script to check it shows the bug.")
@click.option("--budget", type=click.FloatRange(1.0), default=900.0, show_default=True,
              help="Seconds --reduce may spend (each try is one compile in a worker, or one capture of the script "
                   "when the worker does not show the bug).")
@click.option("-q", "--quiet", is_flag=True, help="No status line.")
def script(unit: Path, out: Path, with_data: bool, shrink: bool, no_check: bool, budget: float, quiet: bool) -> None:
    """Write UNIT's launch (a capture unit folder) as a self-contained script: the kernel's own source, its grid,
    config, options and tensors of the recorded shapes, dtypes and strides. It runs on an Ascend host as is
    (torch_npu, device="npu") and anywhere under `reducer capture -- python repro.py`. It holds the user's code:
    `report` puts it in a bundle only with --include-source.

    Exit codes: 0 written (and, unless --no-check, showing the unit's signature), 1 written but it does not show
    it, 3 not a unit with a readable kernel source.
    """

    def go() -> int:
        import sys

        from reducer.cli.status import StatusLine
        from reducer.errors import InputError
        from reducer.script.write import write_script

        if not (unit / "record.json").is_file():
            raise InputError(f"{unit}: not a capture unit folder (no record.json)",
                             "give a unit folder of `reducer capture`")
        line = StatusLine(sys.stderr, enabled=not quiet)
        try:
            done = write_script(unit, out, with_data=with_data, check=not no_check, reduce=shrink, budget=budget,
                                status=line.update)
        finally:
            line.done()
        rows = [("script", str(out)), ("kernel", terminal_line(done.script.kernel))]
        if done.script.needs:
            rows.append(("imports", "modules of the project: " + ", ".join(done.script.needs)))
        if done.shrunk is not None:
            rows.append(("reduced", f"kernel {done.shrunk.lines_before} -> {done.shrunk.lines_after} lines "
                                    f"(its helpers included), {done.shrunk.tests} tries"))
        if not no_check:
            want = done.expected.id if done.expected else "none (the unit did not fail in a compiler stage)"
            got = done.shown.id if done.shown else "none"
            rows.append(("check", f"{'same signature' if done.same else 'NOT the same'}: unit {want}, script {got}"))
        echo(key_value(rows))
        return exitcodes.OK if no_check or done.same else exitcodes.NOT_INTERESTING

    run_guarded(go)
