"""Advisory file locks for what several runs may share: a repros folder's numbering, a sweep's state."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from reducer.errors import InputError
from reducer.proc import atomic

LOCK_NAME = ".reducer.lock"


@contextlib.contextmanager
def exclusive(folder: Path, *, wait: bool, what: str) -> Iterator[None]:
    """Hold `folder`'s lock: wait for it, or refuse at once (InputError) when another run holds it.

    flock locks die with their process, so a killed run never leaves the folder locked. A symbolic link at the
    lock's name is refused (OSError ELOOP naming it): opening it would create or lock the file it points to.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
    except OSError as err:
        raise (atomic.link_refused(path) if err.errno == errno.ELOOP else atomic.named(err, path)) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise InputError(
                f"{folder}: another {what} is using this folder", "wait for it, or use another folder"
            ) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock
