"""A child's stdout or stderr read with bounded memory: the head and the tail are kept, the middle only counted.

A compiler printing 200 MB of warnings or IR dumps must not cost 200 MB (`communicate()` held it twice: the
bytes and the decoded text). What matters survives the cut: the first error near the head, and the assertion
and stack dump near the tail.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from typing import IO

HEAD = 1 << 20
TAIL = 1 << 20
_CHUNK = 1 << 16


class CappedStream:
    """Drains one pipe in a daemon thread from construction on (a full pipe would block the child)."""

    def __init__(self, pipe: IO[bytes], name: str, head: int = HEAD, tail: int = TAIL) -> None:
        self.name = name
        self._pipe = pipe
        self._head_max = head
        self._tail_max = tail
        self._head = bytearray()
        self._tail: deque[bytes] = deque()
        self._tail_size = 0
        self._total = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._pump, name=f"reducer-{name}", daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        fd = self._pipe.fileno()
        try:
            while chunk := os.read(fd, _CHUNK):
                self._take(chunk)
        except OSError:
            pass
        finally:
            self._pipe.close()

    def _take(self, chunk: bytes) -> None:
        with self._lock:
            self._total += len(chunk)
            room = self._head_max - len(self._head)
            if room > 0:
                self._head += chunk[:room]
                chunk = chunk[room:]
            if not chunk:
                return
            self._tail.append(chunk)
            self._tail_size += len(chunk)
            while self._tail and self._tail_size - len(self._tail[0]) >= self._tail_max:
                self._tail_size -= len(self._tail.popleft())

    def join(self, timeout: float) -> None:
        """Wait for end of file; a process that escaped the group may hold the pipe open forever."""
        self._thread.join(timeout)

    def text(self) -> str:
        """What was read so far, with one marker line where the middle was cut."""
        with self._lock:
            tail = b"".join(self._tail)[-self._tail_max :] if self._tail else b""
            head = bytes(self._head)
            cut = self._total - len(head) - len(tail)
        if cut <= 0:
            return (head + tail).decode(errors="replace")
        marker = f"\n[reducer: {cut} bytes of {self.name} cut here; first {len(head)} and last {len(tail)} kept]\n"
        return head.decode(errors="replace") + marker + tail.decode(errors="replace")
