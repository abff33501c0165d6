"""One writer at a time on an embedded store: an OS file lock beside the SQLite file.

The in-target lease (engine/lock.py) keeps seeders apart on a shared deployment, but every
process that opens the SQLite file for writing loads it into memory and serves reads from
there: two writers would each answer from a stale copy and write duplicates beside each
other. So every writer (`serve`, the pytest embedded target, `rollback`) holds this lock for
as long as the store is open. The OS releases it when its process dies, so a crashed holder
never blocks the next run; a waiting writer gives up after `wait_seconds`, naming the holder
(what, pid, command and since when: the lock file holds that as one JSON line).

Readers do not take it: every holder commits each transaction to the file before it
answers, so a reader's snapshot (one SQLite read transaction) is the holder's current state.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shlex
import sys
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from seeding_suite.errors import TargetError

if TYPE_CHECKING:
    from pathlib import Path

_COMMAND_CHARS = 300  # a pytest command line can be long; the start says what it is


class StoreBusy(TargetError):
    """Another process held the embedded store for longer than this run would wait."""


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


class StoreLock:
    """An exclusive lock on `<db>.lock`, holding a line that says who holds it."""

    def __init__(self, db: Path, holder: str, *, wait_seconds: float, poll_seconds: float = 0.2):
        self.path = lock_path(db)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        # At least one retry: a reader's `current_holder` probe holds the lock for an instant.
        deadline = time.monotonic() + max(wait_seconds, poll_seconds)
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(self._fd)
                    raise StoreBusy(
                        f"the embedded store {db} is in use by {describe(self.path)}; "
                        f"waited {wait_seconds:g} s"
                    ) from None
                time.sleep(poll_seconds)
        info = {
            "holder": holder,
            "pid": os.getpid(),
            "command": shlex.join(sys.orig_argv)[:_COMMAND_CHARS],
            "since": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        line = (json.dumps(info) + "\n").encode()
        # Written over the old line, then cut to length: the file is never seen empty.
        os.pwrite(self._fd, line, 0)
        os.ftruncate(self._fd, len(line))

    def release(self) -> None:
        if self._fd >= 0:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = -1


def describe(path: Path) -> str:
    """Who the lock file says holds it: `seeding-suite serve (pid 42, since ...: command)`."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        text = ""
    try:
        info = json.loads(text)
        return f"{info['holder']} (pid {info['pid']}, since {info['since']}: {info['command']})"
    except (ValueError, TypeError, KeyError):
        return text or "another process"  # a lock file written before holders were recorded


def current_holder(db: Path) -> str | None:
    """Who is writing `db` now (None when nobody is); for readers, to say whose state they see."""
    path = lock_path(db)
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return describe(path)
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)
