"""Speculative in-order testing: with -j N the next N candidates run at once and the LOWEST-index
interesting one wins, so the reduction is identical for every N (only the wall time changes).

Passes stay serial: they hand over a lazy sequence of candidates; this module alone knows about threads.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from typing import Generic, TypeVar

T = TypeVar("T")
S = TypeVar("S")


class SpeculativeRunner(Generic[T]):
    """Owns the worker threads for a whole reduction (one pool, reused by every pass)."""

    def __init__(self, jobs: int, test: Callable[[T], bool], stop: threading.Event) -> None:
        self.jobs = max(1, jobs)
        self.test = test
        self.stop = stop
        self._pool = ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="reducer-test") if jobs > 1 else None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def first(self, proposals: Iterable[tuple[S, T | None]]) -> tuple[S, T] | None:
        """The first (step, candidate) in order whose candidate is interesting; None candidates are skipped."""
        if self._pool is None:
            for step, cand in proposals:
                if self.stop.is_set():
                    return None
                if cand is not None and self.test(cand):
                    return step, cand
            return None
        return self._first_parallel(iter(proposals))

    def _first_parallel(self, proposals: Iterable[tuple[S, T | None]]) -> tuple[S, T] | None:
        assert self._pool is not None
        it = iter(proposals)
        window: deque[tuple[S, T, Future[bool]]] = deque()
        exhausted = False
        try:
            while True:
                while not exhausted and len(window) < self.jobs and not self.stop.is_set():
                    nxt = next(it, None)
                    if nxt is None:
                        exhausted = True
                        break
                    step, cand = nxt
                    if cand is not None:
                        window.append((step, cand, self._pool.submit(self.test, cand)))
                if not window or self.stop.is_set():
                    return None
                step, cand, fut = window[0]
                while not fut.done():
                    wait_futures([fut], timeout=0.05)
                    if self.stop.is_set():
                        return None
                window.popleft()
                if fut.result():
                    return step, cand
        finally:
            for _, _, fut in window:
                fut.cancel()
