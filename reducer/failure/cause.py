"""Which cause a reduced repro shows: its op skeleton.

One signature can hide several bugs: a resource-limit message masks its numbers, so a too-large reduce and a
too-large matmul loop read the same. Reduced to a minimum, each keeps the ops that trigger it. Two repros of one
signature are one cause when their skeletons agree: the set of op names, arithmetic and the structural ops every
kernel has (module, functions, terminators) left out, since a reduction may keep any of those by accident.
"""

from __future__ import annotations

import re

# An op at the start of a line, custom (`%0 = tt.load ...`, `scf.for ...`) or generic (`"tt.load"(...)`) form.
_OP = re.compile(r'^\s*(?:%[\w#:, %]+=\s*)?"?([a-z_][\w$]*\.[\w.$]+)"?[\s(<{:]', re.M)
_INCIDENTAL_DIALECTS = ("arith.", "math.", "builtin.")
_STRUCTURAL = ("func", "return", "yield", "module", "constant")


def op_names(ir: str) -> set[str]:
    return set(_OP.findall(ir))


def _structural(name: str) -> bool:
    return name.rsplit(".", 1)[-1].endswith(_STRUCTURAL)


def skeleton(ir: str) -> tuple[str, ...]:
    """The ops that say what the repro is about (all of its ops when it has none but incidental ones)."""
    names = op_names(ir)
    core = {n for n in names if not n.startswith(_INCIDENTAL_DIALECTS) and not _structural(n)}
    return tuple(sorted(core or names))

