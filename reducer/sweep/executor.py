"""Where a sweep's tasks run. The sweep is written once against `Executor`; `LocalExecutor` runs tasks in threads
of this process (the default), `reducer.sweep.ray_executor.RayExecutor` as Ray tasks on a cluster.

A task is a module-level function `fn(item, channel)` of plain, picklable data: it reads no file of the driver's
and writes none the driver needs (the IR goes in the item, results come back as the return value), so it can run
on another machine. The `Channel` is how a running task reports progress and learns that the sweep is stopping.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from itertools import islice
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")

TICK = 1.0  # seconds between progress reports while tasks run


@dataclass(frozen=True)
class TaskLost:
    """Returned in place of a result when the task's worker died more often than the retries allow."""

    reason: str


class Channel(Protocol):
    """What a running task sees of the sweep: it reports progress (empty text: finished), and it is told to stop
    (keeping its best result)."""

    def show(self, label: str, text: str) -> None: ...

    def stopped(self) -> bool: ...


class Stoppable(Protocol):
    def is_set(self) -> bool: ...


class Executor(Protocol):
    name: str
    local: bool  # tasks see this machine's files: a task may write its outputs in place as it goes
    capacity: int  # CPUs the executor has for tasks at once
    max_task_cpus: int  # the most one task may ask for (the largest node)

    def map(
        self,
        fn: Callable[[T, Channel], R],
        items: Iterable[T],
        stop: Stoppable,
        *,
        cpus: int = 1,
        cancel_on_stop: bool = False,
        tick: Callable[[dict[str, str]], None] | None = None,
    ) -> Iterator[tuple[T, R | TaskLost]]:
        """Run `fn` on every item, `cpus` each, and yield (item, result) in completion order. Items are taken
        lazily, a bounded number ahead. Once `stop` is set nothing more starts and the channel says stop; with
        `cancel_on_stop` tasks in flight are dropped instead of awaited (their work is redone on resume).
        `tick` gets the running tasks' latest progress at least every TICK seconds."""
        ...

    def close(self) -> None: ...


class Board:
    """The running tasks' latest progress lines and the stop flag: the local executor's channel as it is, and on
    Ray the actor behind every task's channel."""

    def __init__(self) -> None:
        self.halt = threading.Event()
        self.progress: dict[str, str] = {}
        self._lock = threading.Lock()

    def show(self, label: str, text: str) -> None:
        with self._lock:
            if text:
                self.progress[label] = text
            else:
                self.progress.pop(label, None)

    def snapshot(self) -> dict[str, str]:
        with self._lock:
            return dict(self.progress)

    def stop(self) -> None:
        self.halt.set()

    def stopped(self) -> bool:
        return self.halt.is_set()


class LocalExecutor:
    """Threads of this process; the compilers run as subprocesses, so threads are enough."""

    name = "local"
    local = True

    def __init__(self, jobs: int) -> None:
        self.capacity = self.max_task_cpus = max(1, jobs)
        self.channel = Board()

    def map(
        self,
        fn: Callable[[T, Channel], R],
        items: Iterable[T],
        stop: Stoppable,
        *,
        cpus: int = 1,
        cancel_on_stop: bool = False,
        tick: Callable[[dict[str, str]], None] | None = None,
    ) -> Iterator[tuple[T, R | TaskLost]]:
        workers = max(1, self.capacity // max(1, cpus))
        # Threads cannot be cancelled: tasks in flight always finish (a check within its timeout).
        with ThreadPoolExecutor(max_workers=workers) as pool:
            pending: dict[Future[R], T] = {}
            it = iter(items)
            while True:
                if stop.is_set():
                    self.channel.stop()
                for item in take(it, 2 * workers - len(pending), stop):
                    pending[pool.submit(fn, item, self.channel)] = item
                if not pending:
                    return
                done, _ = wait(pending, timeout=TICK, return_when=FIRST_COMPLETED)
                if tick is not None:
                    tick(self.channel.snapshot())
                for fut in done:
                    yield pending.pop(fut), fut.result()

    def close(self) -> None:
        pass


def take(items: Iterator[T], n: int, stop: Stoppable) -> list[T]:
    """Up to `n` more items to start; none once the sweep is stopping."""
    return [] if stop.is_set() or n <= 0 else list(islice(items, n))
