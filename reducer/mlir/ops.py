"""What an op is called, registered or not: the leaf every IR helper reads names through."""

from __future__ import annotations

from xdsl.dialects.builtin import UnregisteredOp
from xdsl.ir import Operation


def op_name(op: Operation) -> str:
    """The real op name (`tt.load`), also for ops xdsl keeps unregistered."""
    if isinstance(op, UnregisteredOp):
        return op.op_name.data
    return op.name
