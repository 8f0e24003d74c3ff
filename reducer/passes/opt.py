"""Let the compiler's own cleanups reduce (mlir-reduce's OptReductionPass): canonicalize, cse, symbol-dce.

Needs `PassContext.run_opt(text, flags)`, which the caller wires to a real `*-opt` binary; skipped without it.
Targets are the flag sets; a chunk runs its flag sets in order.
"""

from __future__ import annotations

from collections.abc import Sequence

from reducer.passes.base import PassContext, Subject

FLAG_SETS: tuple[tuple[str, ...], ...] = (("--canonicalize",), ("--cse",), ("--symbol-dce",))


class Opt:
    name = "opt"
    description = "run the optimizer's canonicalize / cse / symbol-dce (needs an opt runner; skipped otherwise)"
    needs_module = True

    def targets(self, subject: Subject, ctx: PassContext) -> int:
        return len(FLAG_SETS) if ctx.run_opt is not None else 0

    def apply(self, subject: Subject, chosen: Sequence[int], ctx: PassContext) -> str | None:
        if ctx.run_opt is None:
            return None
        flags = [f for i in sorted(set(chosen)) if i < len(FLAG_SETS) for f in FLAG_SETS[i]]
        return ctx.run_opt(subject.text, flags)
