"""One process at a time on an embedded store: an OS file lock beside the SQLite file.

The in-target lease (engine/lock.py) keeps seeders apart on a shared deployment, but two
processes opening the same SQLite file each load it into memory, so they must not overlap at
all. The OS releases the lock when its process dies, so a crashed holder never blocks the
next run; a waiting run gives up after `wait_seconds`, naming the holder.
"""

from __future__ import annotations

import fcntl
import os
import time
from typing import TYPE_CHECKING

from seeding_suite.errors import TargetError

if TYPE_CHECKING:
    from pathlib import Path


class StoreBusy(TargetError):
    """Another process held the embedded store for longer than this run would wait."""


class StoreLock:
    """An exclusive lock on `<db>.lock`, holding a line that says who holds it."""

    def __init__(self, db: Path, holder: str, *, wait_seconds: float, poll_seconds: float = 0.2):
        self.path = db.with_name(db.name + ".lock")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    current = self.path.read_text(encoding="utf-8", errors="replace").strip()
                    os.close(self._fd)
                    raise StoreBusy(
                        f"the embedded store {db} is in use by {current or 'another process'}; "
                        f"waited {wait_seconds:g} s"
                    ) from None
                time.sleep(poll_seconds)
        os.ftruncate(self._fd, 0)
        os.write(self._fd, f"{holder} (pid {os.getpid()})\n".encode())

    def release(self) -> None:
        if self._fd >= 0:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = -1
