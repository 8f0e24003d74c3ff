"""The exit-code contract, written down once. Only the CLI exits; the library raises typed errors
(`reducer.errors`), and `reducer.cli.guard.EXIT_CODES` maps each of them to one of these codes.

0  success; with `check --expect`: FILE shows the expected bug (interesting)
1  with `check --expect`: FILE does not show it (passes, other bug, invalid); `report --check`
   found private data; `recheck`: some repro no longer reproduces
2  usage error (unknown option, contradictory options, unknown pass)
3  bad input (missing, empty, binary, not MLIR, wrong stage, does not fail, too flaky, --max-time ran out
   first, a resource limit given to `report` or `export-test`), or a release or Ray cluster that cannot be reached
4  a compiler binary is missing
5  internal error: a reducer bug (the reduced IR slipped to another bug, redaction left private data, any
   unexpected exception); its line says how to report it, REDUCER_DEBUG=1 shows the traceback
6  `capture -- CMD` / `sweep -- CMD`: the command ended before its first kernel launch (its line says how, e.g.
   `exited 1 ...: ModuleNotFoundError: No module named 'torch_npu'`); nothing was captured
130 interrupted (Ctrl-C); the best result so far is written

`capture -- CMD` and `sweep -- CMD` otherwise exit with the command's own status; see `reducer.cli.gate` for the
order of precedence and `--fail-on new|any` (1 when compiler failures were found).
"""

OK = 0
NOT_INTERESTING = 1
USAGE = 2
BAD_INPUT = 3
TOOL_MISSING = 4
INTERNAL = 5
NO_LAUNCH = 6
INTERRUPTED = 130
