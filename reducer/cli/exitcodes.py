"""The exit-code contract, written down once. Only the CLI exits; the library raises.

0  success; with `check --expect`: FILE shows the expected bug (interesting)
1  with `check --expect`: FILE does not show it (passes, other bug, invalid); `report --check`
   found private data; `recheck`: some repro no longer reproduces
2  usage error (unknown option, contradictory options, unknown pass)
3  bad input (missing, empty, binary, not MLIR, wrong stage, does not fail, too flaky)
4  a compiler binary is missing
5  internal error (a reducer bug; REDUCER_DEBUG=1 shows the traceback)
130 interrupted (Ctrl-C); the best result so far is written
"""

OK = 0
NOT_INTERESTING = 1
USAGE = 2
BAD_INPUT = 3
TOOL_MISSING = 4
INTERNAL = 5
INTERRUPTED = 130
