"""Structural facts xdsl cannot tell us about unregistered ops: terminators, predecessors, attachment."""

from __future__ import annotations

from xdsl.ir import Block, Operation, Region, SSAValue

from reducer.mlir import funcs
from reducer.mlir.ops import op_name

KNOWN_TERMINATORS = frozenset(
    {
        "scf.yield",
        "scf.condition",
        "tt.reduce.return",
        "tt.scan.return",
        "cf.br",
        "cf.cond_br",
        "cf.switch",
        "linalg.yield",
        "tensor.yield",
        "affine.yield",
        "memref.alloca_scope.return",
    }
    | funcs.RETURN_OPS
)


def is_terminator(op: Operation) -> bool:
    """Known terminators, ops with successors, and the last op of any block not directly in a module."""
    if op_name(op) in KNOWN_TERMINATORS or op.successors:
        return True
    block = op.parent
    if block is None or block.last_op is not op:
        return False
    parent = block.parent_op()
    return parent is not None and op_name(parent) != "builtin.module"


def is_structural(op: Operation) -> bool:
    """Ops a reduction must not delete directly: the module, functions, terminators."""
    return op_name(op) == "builtin.module" or funcs.is_function(op) or is_terminator(op)


def is_attached(op: Operation, root: Operation) -> bool:
    cur: Operation | None = op
    while cur is not None:
        if cur is root:
            return True
        cur = cur.parent_op()
    return False


def predecessors(block: Block) -> list[Operation]:
    """Terminators that branch to `block` (one entry per edge)."""
    region = block.parent
    if region is None:
        return []
    preds: list[Operation] = []
    for other in region.blocks:
        term = other.last_op
        if term is not None:
            preds.extend(term for succ in term.successors if succ is block)
    return preds


def dangling_reference(module: Operation) -> str | None:
    """The first operand or successor that points outside `module` (an erased or detached def), else None.

    This is what a parse of the printed text would reject; checking it in memory is ~100x cheaper than
    printing and re-parsing, which dominates the reducer's own time otherwise.
    """
    from xdsl.ir import BlockArgument, ErasedSSAValue, OpResult

    for op in module.walk():
        for operand in op.operands:
            if isinstance(operand, ErasedSSAValue):
                return f"{op_name(op)} uses an erased value"
            if isinstance(operand, OpResult):
                if not module.is_ancestor(operand.op):
                    return f"{op_name(op)} uses a result of a detached {op_name(operand.op)}"
            elif isinstance(operand, BlockArgument):
                if not module.is_ancestor(operand.block):
                    return f"{op_name(op)} uses an argument of a detached block"
        for succ in op.successors:
            if not module.is_ancestor(succ):
                return f"{op_name(op)} branches to a detached block"
    return None


def drop_unreachable_blocks(region: Region) -> None:
    """Erase blocks no path from the entry reaches, when nothing outside them uses their values."""
    blocks = list(region.blocks)
    if not blocks:
        return
    seen = {id(blocks[0])}
    todo = [blocks[0]]
    while todo:
        term = todo.pop().last_op
        for succ in term.successors if term is not None else ():
            if id(succ) not in seen:
                seen.add(id(succ))
                todo.append(succ)
    dead = [b for b in blocks if id(b) not in seen]
    dead_ids = {id(b) for b in dead}
    for b in dead:
        defined = [*b.args, *(r for o in b.ops for inner in o.walk() for r in inner.results)]
        for value in defined:
            for use in value.uses:
                if id(_block_in(use.operation, region)) not in dead_ids:
                    return
    for b in dead:
        for o in list(b.ops):
            o.drop_all_references()
    for b in dead:
        region.detach_block(b)
        b.erase(safe_erase=False)


def _block_in(op: Operation, region: Region) -> Block | None:
    cur: Operation | None = op
    while cur is not None:
        if cur.parent is not None and cur.parent.parent is region:
            return cur.parent
        cur = cur.parent_op()
    return None


def inline_block_before(block: Block, anchor: Operation, args: list[SSAValue]) -> list[SSAValue] | None:
    """Move `block`'s ops before `anchor`, its args replaced by `args`; return its terminator's operands."""
    dest = anchor.parent
    if dest is None or len(args) != len(block.args):
        return None
    for arg, value in zip(block.args, args, strict=False):
        arg.replace_all_uses_with(value)
    term = block.last_op
    yielded = list(term.operands) if term is not None and is_terminator(term) else []
    for inner in list(block.ops):
        if inner is term and is_terminator(inner):
            continue
        block.detach_op(inner)
        dest.insert_op_before(inner, anchor)
    return yielded
