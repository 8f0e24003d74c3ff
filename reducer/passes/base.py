"""The pass protocol (llvm-reduce style): a pass counts its targets on the current IR and, given a chosen
subset of target indices, returns the edited text. It never tests anything and never loops to a fixed point:
the search engine decides which subsets to try and what to keep.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from xdsl.dialects.builtin import ModuleOp

from reducer.mlir.module import print_module

RunOpt = Callable[[str, Sequence[str]], "str | None"]


@dataclass(frozen=True)
class PassContext:
    """What passes may use beyond the IR. `run_opt(text, flags)` runs an external optimizer (None = skip)."""

    run_opt: RunOpt | None = None


class Subject(Protocol):
    """The current best: its text and, when it parses, its module (read-only: clone before editing)."""

    @property
    def text(self) -> str: ...

    @property
    def module(self) -> ModuleOp | None: ...


class ReductionPass(Protocol):
    name: str
    description: str
    needs_module: bool

    def targets(self, subject: Subject, ctx: PassContext) -> int: ...

    def apply(self, subject: Subject, chosen: Sequence[int], ctx: PassContext) -> str | None: ...


T = TypeVar("T")


class ModulePass(ABC, Generic[T]):
    """A pass over the parsed module: `collect` lists targets in a fixed order, `edit` changes a clone.

    `collect` runs again on the clone, so target i of the clone is target i of the original.
    """

    name: str = ""
    description: str = ""
    needs_module: bool = True

    @abstractmethod
    def collect(self, module: ModuleOp, ctx: PassContext) -> list[T]: ...

    @abstractmethod
    def edit(self, module: ModuleOp, chosen: list[T], ctx: PassContext) -> bool:
        """Apply the edit to the chosen targets in place; False when it cannot be done."""

    def targets(self, subject: Subject, ctx: PassContext) -> int:
        return 0 if subject.module is None else len(self.collect(subject.module, ctx))

    def apply_module(self, subject: Subject, chosen: Sequence[int], ctx: PassContext) -> ModuleOp | None:
        """The edited clone itself, so the search can skip printing and re-parsing what it will not test."""
        if subject.module is None:
            return None
        module = subject.module.clone()
        found = self.collect(module, ctx)
        picked = [found[i] for i in sorted(set(chosen)) if i < len(found)]
        if not picked or not self.edit(module, picked, ctx):
            return None
        return module

    def apply(self, subject: Subject, chosen: Sequence[int], ctx: PassContext) -> str | None:
        module = self.apply_module(subject, chosen, ctx)
        return None if module is None else print_module(module)
