"""The schedule as data: tiers of pass names, each tier repeated until a round shrinks nothing, and the whole
list repeated until a full round shrinks nothing. Big cuts come first so the fine passes see small IR.

`lines` is not in the structured schedule: on parseable input every line deletion either breaks the syntax or
duplicates what `erase-ops` does, so it only cost parse time in measurements. It stays the whole schedule for
input xdsl cannot parse, and can be asked for by name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tier:
    name: str
    passes: tuple[str, ...]


DEFAULT_SCHEDULE: tuple[Tier, ...] = (
    Tier("cuts", ("inline-regions", "erase-ops", "drop-unused-funcs", "inline-calls")),
    Tier(
        "great",
        (
            "erase-ops",
            "bypass-ops",
            "collapse-regions",
            "replace-operands",
            "inline-regions",
            "thread-branches",
            "retarget-branches",
            "cse",
            "drop-operands",
            "drop-func-args",
            "drop-func-results",
            "opt",
        ),
    ),
    Tier("simplify", ("constants-zero", "constants-one", "dense-splat", "shrink-shapes", "loop-once", "unify-types",
                      "drop-attributes")),
)


TEXT_SCHEDULE: tuple[Tier, ...] = (Tier("lines", ("lines",)),)

