"""Command line. The only place that prints for people and decides exit codes.

`main` is the `reducer` group (the entry point); each command lives in the module named after what it does.
"""

from __future__ import annotations

import click

from reducer.cli.about import doctor, passes
from reducer.cli.capture import capture
from reducer.cli.census import census
from reducer.cli.check import check
from reducer.cli.fit import fit
from reducer.cli.matrix import matrix
from reducer.cli.reduce import reduce
from reducer.cli.report import report
from reducer.cli.repros import export_test, recheck, save
from reducer.cli.script import script
from reducer.cli.sweep import sweep
from reducer.proc import groups as procs


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="reducer")
def main() -> None:
    """Turn triton-ascend compiler failures into minimal, signed MLIR repros."""
    procs.install_cleanup()


for _command in (doctor, check, reduce, save, recheck, export_test, passes, capture, sweep, fit, report, matrix,
                 script, census):
    main.add_command(_command)


if __name__ == "__main__":
    main()
