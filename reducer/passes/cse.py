"""Common-subexpression elimination for side-effect-free ops, hoisting a duplicate when no copy dominates.

triton-adapter-opt registers no `--cse`, and lowering duplicates pure ops per branch (one `tt.splat` of the
same pointer in each arm of a `cf.cond_br`). Merging them is the step that lets whole branches look alike and
collapse. When neither copy dominates the other, the earlier one moves to the closest point that dominates
both (before their common ancestor op, or to the end of the region's entry block) if its operands are
available there; pure ops make that safe, and the interestingness test still has the last word.
"""

from __future__ import annotations

from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, BlockArgument, Operation, Region, SSAValue

from reducer.mlir import funcs, structure
from reducer.mlir.ops import op_name
from reducer.passes.base import ModulePass, PassContext

_PURE_PREFIXES = ("arith.", "math.")
_PURE = frozenset(
    {
        "tt.splat",
        "tt.make_range",
        "tt.broadcast",
        "tt.expand_dims",
        "tt.addptr",
        "tt.reshape",
        "tt.trans",
        "tt.bitcast",
        "tt.int_to_ptr",
        "tt.ptr_to_int",
        "tensor.empty",
        "tensor.expand_shape",
        "tensor.collapse_shape",
        "memref.reinterpret_cast",
        "memref.subview",
        "affine.apply",
    }
)

Pair = tuple[Operation, Operation]  # (kept earlier op, later duplicate)


def _candidate(op: Operation) -> bool:
    name = op_name(op)
    return (
        (name.startswith(_PURE_PREFIXES) or name in _PURE)
        and bool(op.results)
        and not op.regions
        and not op.successors
        and not structure.is_terminator(op)
    )


def _same(a: Operation, b: Operation) -> bool:
    return (
        op_name(a) == op_name(b)
        and len(a.operands) == len(b.operands)
        and all(x is y for x, y in zip(a.operands, b.operands, strict=True))
        and [r.type for r in a.results] == [r.type for r in b.results]
        and dict(a.properties) == dict(b.properties)
        and dict(a.attributes) == dict(b.attributes)
    )


def _is_barrier(op: Operation) -> bool:
    return op_name(op) == "builtin.module" or funcs.is_function(op)


def _common_region(a: Operation, b: Operation) -> Region | None:
    """The innermost region holding both, without leaving a function (values do not cross it)."""
    region = a.parent_region()
    while region is not None and not region.is_ancestor(b):
        owner = region.parent_op()
        if owner is None or _is_barrier(owner):
            return None
        region = owner.parent_region()
    return region


def _ancestor_in(region: Region, op: Operation) -> Operation:
    """`op` or its ancestor that sits directly in a block of `region`."""
    cur = op
    while cur.parent_region() is not region:
        parent = cur.parent_op()
        assert parent is not None
        cur = parent
    return cur


def _index(op: Operation) -> int:
    block = op.parent
    assert block is not None
    return block.get_operation_index(op)


def _available(value: SSAValue, region: Region, point: Operation) -> bool:
    """Whether `value` dominates `point` (which sits directly in `region`)."""
    here = point.parent
    entry = region.first_block
    if isinstance(value, BlockArgument):
        block: Block = value.block
        return not region.is_ancestor(block) or block is here or block is entry
    owner = value.owner
    if not isinstance(owner, Operation) or not region.is_ancestor(owner):
        return True
    if owner.parent is here:
        return _index(owner) < _index(point)
    return owner.parent is entry and here is not entry


def insertion_point(a: Operation, b: Operation) -> Operation | None:
    """Where `a` must sit to dominate `b`: `a` itself when it already does, the op to move it before, or None."""
    region = _common_region(a, b)
    if region is None or region.first_block is None:
        return None
    entry = region.first_block
    a_top, b_top = _ancestor_in(region, a), _ancestor_in(region, b)
    if a_top.parent is b_top.parent:
        point = a_top if a_top is b_top or _index(a_top) < _index(b_top) else b_top
    elif a_top.parent is entry:
        point = a_top
    elif b_top.parent is entry:
        point = b_top
    else:
        point = entry.last_op
        if point is None or not structure.is_terminator(point):
            return None
    if point is a:
        return a
    return point if all(_available(v, region, point) for v in a.operands) else None


class CSE(ModulePass[Pair]):
    name = "cse"
    description = "merge duplicate side-effect-free ops (hoisting one copy to where it dominates both)"

    def collect(self, module: ModuleOp, ctx: PassContext) -> list[Pair]:
        found: list[Pair] = []
        seen: dict[tuple[object, ...], list[Operation]] = {}
        for op in module.walk():
            if not _candidate(op):
                continue
            key = (op_name(op), *(id(v) for v in op.operands))
            earlier = seen.setdefault(key, [])
            match = next((a for a in earlier if _same(a, op) and insertion_point(a, op) is not None), None)
            if match is not None:
                found.append((match, op))
            earlier.append(op)
        return found

    def edit(self, module: ModuleOp, chosen: list[Pair], ctx: PassContext) -> bool:
        merged_into: dict[int, Operation] = {}
        done = False
        for a, b in chosen:  # in walk order of the later op
            while id(a) in merged_into:
                a = merged_into[id(a)]
            if a is b or not structure.is_attached(a, module) or not structure.is_attached(b, module):
                continue
            point = insertion_point(a, b) if _same(a, b) else None
            if point is None:
                continue
            if point is not a:
                a.detach()
                block = point.parent
                assert block is not None
                block.insert_op_before(a, point)
            for kept, dup in zip(a.results, b.results, strict=True):
                dup.replace_all_uses_with(kept)
            b.detach()
            b.erase(safe_erase=False)
            merged_into[id(b)] = a
            done = True
        return done
