"""The cheap check for `script --reduce`: one worker process (the fit search's) imports Triton once and compiles
each candidate kernel with the unit's own arguments up to the failing stage; the stage is replayed here. A
candidate costs a compile, not a Python process, torch's import and a capture (about ten times less).

It stands in for the real check only where it agrees with it: the kernel as extracted must show the unit's
signature through it first (else `start` says no and the caller captures every candidate), and the caller
checks the final script by capturing it.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from reducer.errors import ReducerError
from reducer.failure.signature import Expectation
from reducer.fit.recipe import recipe_of
from reducer.fit.respecialise import Respecialiser
from reducer.script.check import stage_signature
from reducer.script.kernel_source import KernelSource


def module_text(source: KernelSource) -> str:
    return "\n".join(source.imports) + "\n\n\n" + "\n\n\n".join(source.definitions) + "\n"


class FastCheck:
    """`shows(candidate)` through a worker; use as a context manager, after `start()` said yes."""

    def __init__(self, folder: Path, record: dict[str, Any], wanted: Expectation, scratch: Path) -> None:
        self.folder, self.record, self.wanted = folder, record, wanted
        self.scratch = scratch
        self.worker: Respecialiser | None = None
        self.count = itertools.count(1)

    def start(self, source: KernelSource) -> bool:
        """True when the worker runs and the extracted kernel shows the unit's signature through it."""
        try:
            recipe = recipe_of(self.folder, self.record)
            self.worker = Respecialiser(recipe, self.scratch, job={
                "sources_only": True, "arg_order": list(self.record.get("arg_order") or [])})
            self.worker.start()
        except (ReducerError, OSError):
            self.close()
            return False
        return self.shows(source)

    def shows(self, source: KernelSource) -> bool:
        if self.worker is None:
            return False
        module = self.scratch / f"candidate_{next(self.count):04d}.py"
        module.write_text(module_text(source))
        path, _error = self.worker.compile_file(module)
        module.unlink(missing_ok=True)
        if path is None:  # the frontend refused it, or it failed before the stage: not the bug
            return False
        stage = self.worker.recipe.stage
        try:
            text = path.read_text()
        finally:
            path.unlink(missing_ok=True)
        return self.wanted.met_by(stage_signature(stage, text, self.record))

    def close(self) -> None:
        if self.worker is not None:
            self.worker.close()
            self.worker = None

    def __enter__(self) -> FastCheck:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
