"""Streams, events and random generators of the stand-in: work finishes when it is issued (everything runs on the
CPU, in order), so a stream is a handle, an event a timestamp, and a generator a (seed, offset) pair kept in the
16-byte state a real NPU generator has (libraries step its offset themselves to seed Philox in their kernels).
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Iterator
from typing import Any

import torch


def device_index(device: Any = None) -> int:
    """The index `device` names (an int, "npu:1", a torch.device, a tensor); the current one for None/"npu"."""
    if isinstance(device, torch.Tensor):
        device = device.device
    if isinstance(device, str):
        device = torch.device(device)
    if isinstance(device, torch.device):
        device = device.index
    return CURRENT["device"] if device is None else int(device)


CURRENT: dict[str, Any] = {"device": 0, "streams": {}}


class Stream:
    """A stream handle: `npu_stream` is 0, the value the launch code passes when there is no device."""

    def __init__(self, device: Any = None, priority: int = 0, **_: Any) -> None:
        self.device = torch.device("npu", device_index(device))
        self.priority = priority

    npu_stream = 0
    stream_id = 0

    @property
    def device_index(self) -> int:
        return self.device.index

    device_type = "npu"

    def synchronize(self) -> None:
        return None

    def query(self) -> bool:
        return True

    def wait_stream(self, stream: Any) -> None:
        return None

    def wait_event(self, event: Any) -> None:
        return None

    def record_event(self, event: Any = None) -> Event:
        event = event or Event()
        event.record(self)
        return event


def current_stream(device: Any = None) -> Stream:
    index = device_index(device)
    return CURRENT["streams"].setdefault(index, Stream(index))


def default_stream(device: Any = None) -> Stream:
    return current_stream(device)


def set_stream(stream: Stream) -> None:
    CURRENT["streams"][stream.device.index] = stream


@contextlib.contextmanager
def stream(s: Stream | None) -> Iterator[Stream | None]:
    if s is None:
        yield s
        return
    before = current_stream(s.device)
    set_stream(s)
    try:
        yield s
    finally:
        set_stream(before)


class Event:
    """A timestamp taken at `record()`; `elapsed_time` in milliseconds, as the real one answers."""

    def __init__(self, enable_timing: bool = False, blocking: bool = False, interprocess: bool = False) -> None:
        self.enable_timing = enable_timing
        self.stamp: float | None = None

    def record(self, stream: Any = None) -> None:
        self.stamp = time.perf_counter()

    def synchronize(self) -> None:
        return None

    def wait(self, stream: Any = None) -> None:
        return None

    def query(self) -> bool:
        return True

    def elapsed_time(self, end: Event) -> float:
        if self.stamp is None or end.stamp is None:
            raise RuntimeError("Both events must be recorded before calculating elapsed time.")
        return (end.stamp - self.stamp) * 1000.0


class Generator:
    """One device's random state: a seed and an offset, as the 16 bytes `get_state()` returns."""

    def __init__(self, index: int = 0) -> None:
        self.index = index
        self.seed_value, self.offset = torch.initial_seed(), 0

    @property
    def device(self) -> torch.device:
        return torch.device("npu", self.index)

    def manual_seed(self, seed: int) -> Generator:
        self.seed_value, self.offset = int(seed), 0
        return self

    def seed(self) -> int:
        self.manual_seed(random.getrandbits(63))
        return self.seed_value

    def initial_seed(self) -> int:
        return self.seed_value

    def get_state(self) -> torch.Tensor:
        return torch.tensor([self.seed_value, self.offset], dtype=torch.int64).view(torch.uint8)

    def set_state(self, state: torch.Tensor) -> None:
        self.seed_value, self.offset = (int(v) for v in state.view(torch.int64)[:2])

    def get_offset(self) -> int:
        return self.offset

    def set_offset(self, offset: int) -> None:
        self.offset = int(offset)
