"""The one table of passes: `reducer passes` lists it and unknown names are rejected before any work."""

from __future__ import annotations

from collections.abc import Iterable

from reducer.errors import UnknownPass
from reducer.passes.base import ReductionPass
from reducer.passes.bypass_ops import BypassOps
from reducer.passes.collapse_regions import CollapseRegions
from reducer.passes.constants import ConstantsOne, ConstantsZero, DenseSplat
from reducer.passes.cse import CSE
from reducer.passes.drop_attributes import DropAttributes
from reducer.passes.drop_operands import DropOperands
from reducer.passes.erase_ops import EraseOps
from reducer.passes.functions import DropFuncArgs, DropFuncResults, DropUnusedFuncs, InlineCalls
from reducer.passes.inline_regions import InlineRegions
from reducer.passes.lines import DeleteLines
from reducer.passes.loop_bounds import ShrinkLoopBounds
from reducer.passes.opt import Opt
from reducer.passes.replace_operands import ReplaceOperands
from reducer.passes.retarget_branches import RetargetBranches
from reducer.passes.shrink_shapes import ShrinkShapes
from reducer.passes.thread_branches import ThreadBranches
from reducer.passes.unify_types import UnifyTypes

_ALL: tuple[ReductionPass, ...] = (
    InlineRegions(),
    EraseOps(),
    ThreadBranches(),
    RetargetBranches(),
    CSE(),
    DropOperands(),
    BypassOps(),
    CollapseRegions(),
    ReplaceOperands(),
    DropUnusedFuncs(),
    InlineCalls(),
    DropFuncArgs(),
    DropFuncResults(),
    Opt(),
    ConstantsZero(),
    ConstantsOne(),
    DenseSplat(),
    ShrinkShapes(),
    ShrinkLoopBounds(),
    UnifyTypes(),
    DropAttributes(),
    DeleteLines(),
)

PASSES: dict[str, ReductionPass] = {p.name: p for p in _ALL}


def get_pass(name: str) -> ReductionPass:
    try:
        return PASSES[name]
    except KeyError:
        raise UnknownPass(f"unknown pass {name!r}", hint="known: " + ", ".join(PASSES)) from None


def resolve(names: Iterable[str]) -> list[ReductionPass]:
    """All passes for `names`, or UnknownPass naming every unknown one (checked up front)."""
    names = list(names)
    unknown = [n for n in names if n not in PASSES]
    if unknown:
        raise UnknownPass("unknown pass(es): " + ", ".join(unknown), hint="known: " + ", ".join(PASSES))
    return [PASSES[n] for n in names]


def describe() -> list[tuple[str, str]]:
    """(name, one-line description) in registry order, for `reducer passes`."""
    return [(p.name, p.description) for p in _ALL]
