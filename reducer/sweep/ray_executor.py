"""Sweep tasks as Ray tasks on an existing cluster (`reducer sweep --ray ADDRESS`).

Each task declares its CPUs (a check 1, a reduction its -j) and Ray places it; the IR goes out in the task's
arguments and the results come back as its return value, so no filesystem is shared. A task whose worker or node
dies is run again by Ray (RETRIES times); the driver records a result only when one arrives, so a retried task is
recorded once and a lost one is simply redone by the next run. A `Board` running as an actor carries progress
lines from the tasks to the driver and the driver's stop to the tasks.

The workers need the compilers: each task locates them from the wheels installed on its node, and reports their
versions and builds, which the sweep compares with the driver's. The reducer package itself is shipped with the
job (Ray's `py_modules`), so the workers run the driver's code.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from reducer.errors import ClusterError
from reducer.sweep.executor import TICK, Board, Channel, Executor, LocalExecutor, Stoppable, TaskLost, take

T = TypeVar("T")
R = TypeVar("R")

RETRIES = 3  # runs of a task after its worker died, before it is given up as lost
SHOW_EVERY = 1.0  # seconds between a task's progress messages to the board


class RayChannel:
    """A task's side of the board. Picklable (it holds the actor's handle); a board that cannot be reached
    only costs progress lines, never the task."""

    def __init__(self, board: Any) -> None:
        self.board = board
        self._last = 0.0

    def show(self, label: str, text: str) -> None:
        now = time.monotonic()
        if text and now - self._last < SHOW_EVERY:
            return
        self._last = now
        try:
            self.board.show.remote(label, text)
        except Exception:  # the board's node is gone: the task goes on without progress lines
            pass

    def stopped(self) -> bool:
        import ray

        try:
            return bool(ray.get(self.board.stopped.remote(), timeout=10))
        except Exception:
            return False


class RayExecutor:
    name = "ray"
    local = False

    def __init__(self, address: str) -> None:
        try:
            import ray
        except ImportError:
            raise ClusterError("--ray needs Ray, which is not installed", "pip install -e '.[cluster]'") from None
        import reducer

        self._ray = ray
        _reachable(address)
        try:
            ray.init(
                address=address,
                # Workers run this driver's code; the compilers come from each node's installed wheels.
                runtime_env={"py_modules": [str(Path(reducer.__file__).parent)]},
                log_to_driver=False,
                logging_level="ERROR",
                configure_logging=True,
            )
        except Exception as err:  # ConnectionError, ValueError, RuntimeError: Ray uses all of them here
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise ClusterError(
                f"cannot connect to the Ray cluster at {address}: {first}",
                "start one (`ray start --head`) or pass its address (--ray HOST:PORT, or auto)",
            ) from None
        board = ray.remote(num_cpus=0)(Board)
        try:
            from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

            # The board lives on the driver's node (soft: anywhere if it cannot): it must outlive worker nodes.
            here = NodeAffinitySchedulingStrategy(ray.get_runtime_context().get_node_id(), soft=True)
            board = board.options(scheduling_strategy=here)
        except Exception:  # a Ray Client driver (ray://) is on no node of the cluster
            pass
        self.board = board.remote()
        self.channel = RayChannel(self.board)
        self._remotes: dict[tuple[Callable[..., Any], int], Any] = {}
        self.address = address

    @property
    def capacity(self) -> int:
        return max(1, int(self._ray.cluster_resources().get("CPU", 1)))

    @property
    def max_task_cpus(self) -> int:
        nodes = [n for n in self._ray.nodes() if n.get("Alive")]
        return max([int(n.get("Resources", {}).get("CPU", 0)) for n in nodes] + [1])

    def _remote(self, fn: Callable[..., Any], cpus: int) -> Any:
        key = (fn, cpus)
        if key not in self._remotes:
            # retry_exceptions=False: an exception is the task's own verdict; only a dead worker is retried.
            self._remotes[key] = self._ray.remote(fn).options(
                num_cpus=cpus, max_retries=RETRIES, retry_exceptions=False
            )
        return self._remotes[key]

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
        ray = self._ray
        remote = self._remote(fn, cpus)
        pending: dict[Any, T] = {}
        it = iter(items)
        halted = False
        slots, looked = 1, 0.0
        while True:
            if time.monotonic() - looked > 5.0:  # nodes come and go; asking the GCS at every result costs
                slots, looked = max(1, self.capacity // max(1, cpus)), time.monotonic()
            if stop.is_set() and not halted:
                halted = True
                self.board.stop.remote()
                if cancel_on_stop:
                    for ref in pending:
                        ray.cancel(ref, force=True)
                    pending.clear()  # not recorded: the next run does them again
            # Queued ahead so that a slot freed is refilled by Ray at once, not after a round trip to the driver.
            for item in take(it, 4 * slots - len(pending), stop):
                pending[remote.remote(item, self.channel)] = item
            if not pending:
                return
            ready, _ = ray.wait(list(pending), num_returns=1, timeout=TICK)
            if ready:
                ready, _ = ray.wait(list(pending), num_returns=len(pending), timeout=0)
            if tick is not None:
                tick(self._snapshot())
            for ref in ready:
                yield pending.pop(ref), self._result(ref)

    def _result(self, ref: Any) -> Any:
        from ray import exceptions as rex

        try:
            return self._ray.get(ref)
        except rex.RuntimeEnvSetupError as err:
            raise ClusterError(
                f"a Ray worker could not set up the sweep's environment: {_first_line(err)}",
                "give every node the same Python packages (see README: Sweeps on a Ray cluster)",
            ) from None
        except rex.RayTaskError as err:
            # The tasks catch their own errors: one escaping means the worker cannot run our code at all.
            raise ClusterError(
                f"a sweep task failed on a Ray worker: {_first_line(err.cause or err)}",
                "give every node the same Python packages as this machine (see README: Sweeps on a Ray cluster)",
            ) from None
        except rex.RayError as err:  # the worker or its node died RETRIES + 1 times
            return TaskLost(_first_line(err))

    def _snapshot(self) -> dict[str, str]:
        try:
            return dict(self._ray.get(self.board.snapshot.remote(), timeout=5))
        except Exception:
            return {}

    def close(self) -> None:
        self._ray.shutdown()


def _reachable(address: str) -> None:
    """Ray waits minutes on an address where nothing listens: try the port first and say so at once."""
    target = os.environ.get("RAY_ADDRESS", "") if address == "auto" else address
    host, sep, port = target.removeprefix("ray://").rpartition(":")
    if not sep or not port.isdigit():
        if address == "auto":
            return  # a cluster started on this machine: Ray finds it, or says at once that there is none
        raise ClusterError(f"--ray {address}: not an address", "pass HOST:PORT of the cluster's head, or auto")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=5).close()
    except OSError as err:
        raise ClusterError(
            f"cannot connect to the Ray cluster at {target}: {err.strerror or err}",
            "start one (`ray start --head`) or pass its head's address (--ray HOST:PORT, or auto)",
        ) from None


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0][:300] if text else type(err).__name__


def open_executor(ray_address: str | None, jobs: int) -> Executor:
    """The local executor, or a connection to the Ray cluster at `ray_address` (`auto`: from the environment)."""
    return LocalExecutor(jobs) if ray_address is None else RayExecutor(ray_address)
