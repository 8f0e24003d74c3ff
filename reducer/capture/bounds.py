"""The memory guard of a launch interpreted on the CPU: every access inside the launch's tensors, every store undoable.

Triton's interpreter reads and writes raw addresses; an unmasked access past a tensor kills the process with
SIGSEGV. The guard checks each address the interpreter is about to touch against the storage of the launch's host
tensors, and keeps what each store overwrites, so a launch stopped halfway (out of bounds, over budget, an op the
CPU path lacks) can be undone and leaves its outputs as they were. It also keeps the launch's clock.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from reducer.capture.patching import methods_replaced
from reducer.capture.record import ExecStatus

# Bytes of overwritten data kept for undo; past it a stopped launch leaves its outputs partly written.
JOURNAL_LIMIT = 512 << 20


class Stop(Exception):
    """Ends an interpreted launch early; the guard raises it from inside the interpreter."""

    def __init__(self, status: ExecStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class MemoryGuard:
    """Storage ranges of one launch's tensors, its undo journal and its deadline."""

    def __init__(self, budget: float, programs: int) -> None:
        self.budget = budget
        self.programs = programs
        self.started = time.monotonic()
        self.ran = 0  # programs started so far
        self.first = self.started  # when the first program started
        self.ranges: list[tuple[int, int, str]] = []  # [lo, hi) of each tensor's storage, with its argument's name
        self.journal: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.journal_bytes = 0
        self.undoable = True

    def allow(self, name: str, tensor: Any) -> None:
        """Accesses anywhere in `tensor`'s storage are the launch's own."""
        storage = tensor.untyped_storage()
        lo = int(storage.data_ptr())
        self.ranges.append((lo, lo + int(storage.nbytes()), name))

    def program_started(self) -> None:
        """Called as each program starts: stop as soon as the launch clearly cannot finish within its budget.

        The rate is measured from the first program on (the interpreter's set-up is not a program's cost) and
        trusted once it spans a tenth of the budget (at most a second)."""
        now = time.monotonic()
        self.ran += 1
        if self.ran == 1:
            self.first = now
        span = now - self.first
        estimate = span / (self.ran - 1) * self.programs if self.ran > 1 else 0.0
        if now - self.started > self.budget or (span >= min(1.0, self.budget / 10) and estimate > 2 * self.budget):
            raise Stop(
                ExecStatus.OVER_BUDGET,
                f"{self.programs} programs would take ~{max(estimate, now - self.started):.0f} s on the CPU "
                f"(budget {self.budget:g} s; stopped after {self.ran - 1})",
            )

    def _tick(self) -> None:
        if time.monotonic() - self.started > self.budget:
            raise Stop(ExecStatus.OVER_BUDGET, f"still running after its budget of {self.budget:g} s "
                       f"({self.ran} of {self.programs} programs started)")

    def check(self, what: str, ptrs: Any, mask: Any, nbytes: int) -> None:
        """Raise `Stop` unless every unmasked address of `ptrs` (each `nbytes` long) lies in one allowed storage."""
        self._tick()
        addr = _addresses(ptrs, mask)
        if addr.size == 0:
            return
        first, last = int(addr.min()), int(addr.max()) + nbytes
        if any(lo <= first and last <= hi for lo, hi, _ in self.ranges):
            return  # all in one tensor: the common case, without a comparison per address
        inside = np.zeros(addr.shape, dtype=bool)
        for lo, hi, _ in self.ranges:
            inside |= (addr >= lo) & (addr + np.uint64(nbytes) <= hi)
        if not inside.all():
            raise Stop(ExecStatus.OUT_OF_BOUNDS, f"{what} {self._where(int(addr[~inside][0]), nbytes)}")

    def _where(self, address: int, nbytes: int) -> str:
        """Where a bad address lies, told against the nearest tensor below it."""
        below = [r for r in self.ranges if r[0] <= address]
        if not below:
            return f"of {nbytes} bytes at {address:#x}, below every tensor of the launch"
        lo, hi, name = max(below)
        return f"of {nbytes} bytes at byte {address - lo} of `{name}`, past the end of its {hi - lo}-byte storage"

    def keep(self, load: Any, ptrs: Any, mask: Any, like: np.ndarray) -> None:
        """Journal what a store to `ptrs` will overwrite (`load` is the interpreter's raw load)."""
        if not self.undoable:
            return
        mask = np.broadcast_to(_as_bool(mask), np.shape(ptrs)).copy()
        old = load(ptrs, mask, np.zeros_like(like), like.dtype)
        self.journal.append((np.array(ptrs, copy=True), mask, old))
        self.journal_bytes += old.nbytes
        if self.journal_bytes > JOURNAL_LIMIT:
            self.undoable = False
            self.journal.clear()

    def undo(self, store: Any) -> bool:
        """Put back everything the launch overwrote (`store` is the interpreter's raw store); False if it cannot."""
        for ptrs, mask, old in reversed(self.journal):
            store(ptrs, old, mask)
        self.journal.clear()
        return self.undoable


def _as_bool(mask: Any) -> np.ndarray:
    data = mask if isinstance(mask, np.ndarray) or mask is None else mask.data
    return np.asarray(True if data is None else data, dtype=bool)


def _addresses(ptrs: Any, mask: Any) -> np.ndarray:
    addr = np.asarray(ptrs, dtype=np.uint64)
    return addr[np.broadcast_to(_as_bool(mask), addr.shape)]


@contextlib.contextmanager
def guarding(builder: Any, raw: Any, guard: MemoryGuard) -> Iterator[None]:
    """The interpreter's memory ops on `builder` checked (and stores journaled) by `guard` while the block runs.

    `raw` is the interpreter's C module (`load`, `store`, `atomic_rmw`, `atomic_cas`).
    """
    originals: dict[str, Any] = {}  # the builder's own methods, filled in once they are replaced

    def masked_load(self: Any, ptrs: Any, mask: Any, *rest: Any) -> Any:
        guard.check("load", ptrs.data, mask, _element_bytes(ptrs))
        return originals["create_masked_load"](self, ptrs, mask, *rest)

    def masked_store(self: Any, ptrs: Any, value: Any, mask: Any, *rest: Any) -> Any:
        guard.check("store", ptrs.data, mask, value.data.itemsize)
        guard.keep(raw.load, ptrs.data, mask, value.data)
        return originals["create_masked_store"](self, ptrs, value, mask, *rest)

    def atomic_rmw(self: Any, op: Any, ptr: Any, val: Any, mask: Any, *rest: Any) -> Any:
        guard.check("atomic", ptr.data, mask, val.data.itemsize)
        guard.keep(raw.load, ptr.data, mask, val.data)
        return originals["create_atomic_rmw"](self, op, ptr, val, mask, *rest)

    def atomic_cas(self: Any, ptr: Any, cmp: Any, val: Any, *rest: Any) -> Any:
        guard.check("atomic", ptr.data, None, val.data.itemsize)
        guard.keep(raw.load, ptr.data, None, val.data)
        return originals["create_atomic_cas"](self, ptr, cmp, val, *rest)

    def set_grid_idx(self: Any, *idx: Any) -> Any:
        guard.program_started()
        return originals["set_grid_idx"](self, *idx)

    patched = {"create_masked_load": masked_load, "create_masked_store": masked_store,
               "create_atomic_rmw": atomic_rmw, "create_atomic_cas": atomic_cas, "set_grid_idx": set_grid_idx}
    with methods_replaced(type(builder), patched) as previous:
        originals.update(previous)
        yield


def _element_bytes(ptrs: Any) -> int:
    return max(1, int(ptrs.get_element_ty().primitive_bitwidth) // 8)
