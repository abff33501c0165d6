"""The target's lease: one seeding run (or rollback) per target at a time, expiring by itself.

Unlike Liquibase's lock table, a holder that crashes never needs a manual unlock: its lease
expires `ttl` after the last renewal (server clock), and the next run takes it. A live run
renews the lease between its calls (LeasedTarget), so it keeps the lease while it makes
progress and loses it if it stalls longer than the ttl.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from seeding_suite import remote
from seeding_suite.errors import SeedError, TargetError

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import TracebackType

    from seeding_suite.targets.base import ConvexTarget

LOCK_NAME = "seeding"


@dataclass(frozen=True)
class LockSettings:
    """How long a lease lives without renewal, and how long a run waits for a busy target."""

    ttl_seconds: float = 60.0
    wait_seconds: float = 120.0
    poll_seconds: float = 1.0
    name: str = LOCK_NAME
    notice_seconds: float = 5.0  # a waiting run says whom it waits for this often


class LockError(SeedError):
    """The lease could not be taken or was lost."""


class LockTimeout(LockError):
    """Another holder kept the target's lease for longer than this run would wait."""


class LeaseLost(LockError):
    """The lease expired and someone else took it while this run was still going."""


def new_holder(actor: str) -> str:
    """A holder name unique to this process and run: who, where, which process."""
    return f"{actor}@{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _when(ms: object) -> str:
    if not isinstance(ms, int | float):
        return "?"
    return datetime.fromtimestamp(ms / 1000.0, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def describe_holder(state: remote.LockState | dict[str, Any]) -> str:
    """`alice@ci:42:ab12cd34 (run 2026...-1a2b) since 14:25:01Z, expires 14:26:01Z`."""
    return (
        f"{state.get('holder')} (run {state.get('runId')}) since {_when(state.get('acquiredAt'))}"
        f", lease expires {_when(state.get('expiresAt'))}"
    )


class Lease:
    """This process's lease on one target; a context manager that acquires and releases it."""

    def __init__(
        self,
        target: ConvexTarget,
        settings: LockSettings,
        holder: str,
        run_id: str,
        *,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        waiting: Callable[[str], None] | None = None,
    ) -> None:
        self.target = target
        self.settings = settings
        self.holder = holder
        self.run_id = run_id
        self._sleep = sleep
        self._monotonic = monotonic
        self._waiting = waiting  # told whom this run waits for, every notice_seconds
        self._renewed_at: float | None = None

    @property
    def held(self) -> bool:
        """Whether this process holds the lease (release() then makes one more call)."""
        return self._renewed_at is not None

    @property
    def ref(self) -> remote.LockRef:
        """What applyBatch's `lock` argument names."""
        return {"name": self.settings.name, "holder": self.holder}

    @property
    def ttl_ms(self) -> int:
        return max(1, round(self.settings.ttl_seconds * 1000))

    def acquire(self) -> None:
        """Take the lease, waiting up to `wait_seconds`; raises LockTimeout naming the holder."""
        began = self._monotonic()
        deadline = began + self.settings.wait_seconds
        args = {**self.ref, "runId": self.run_id, "ttlMs": self.ttl_ms}
        noticed: float | None = None
        while True:
            state = cast("remote.LockState", self.target.mutation(remote.ACQUIRE_LOCK, args))
            if state["acquired"]:
                self._renewed_at = self._monotonic()
                return
            now = self._monotonic()
            remaining = deadline - now
            due = noticed is None or now - noticed >= self.settings.notice_seconds
            if self._waiting is not None and remaining > 0 and due:
                noticed = now
                self._waiting(
                    f"waiting for the lease on {self.target.description}: held by "
                    f"{describe_holder(state)}; waited {now - began:.0f} s of "
                    f"{self.settings.wait_seconds:g} s"
                )
            if remaining <= 0:
                raise LockTimeout(
                    f"the target {self.target.description} is locked by {describe_holder(state)};"
                    f" gave up after waiting {self.settings.wait_seconds:g} s (a crashed"
                    " holder's lease expires by itself)"
                )
            self._sleep(min(self.settings.poll_seconds, remaining))

    def renew_if_due(self) -> None:
        """Renew when a third of the ttl has passed since the last renewal."""
        if self._renewed_at is None:
            return
        if self._monotonic() - self._renewed_at < self.settings.ttl_seconds / 3:
            return
        args = {**self.ref, "ttlMs": self.ttl_ms}
        state = cast("remote.LockState", self.target.mutation(remote.RENEW_LOCK, args))
        if not state["acquired"]:
            self._renewed_at = None
            raise LeaseLost(
                f"this run's lease on {self.target.description} expired and was taken by "
                f"{describe_holder(state)}"
            )
        self._renewed_at = self._monotonic()

    def release(self) -> None:
        """Give the lease back (a no-op when it was lost or taken over).

        A target that cannot be reached is not an error here: the lease expires by itself.
        """
        if self._renewed_at is None:
            return
        self._renewed_at = None
        with contextlib.suppress(TargetError):
            self.target.mutation(remote.RELEASE_LOCK, dict(self.ref))

    def __enter__(self) -> Lease:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


class LeasedTarget:
    """A ConvexTarget that renews the lease between calls and sends it with every applyBatch."""

    def __init__(self, inner: ConvexTarget, lease: Lease) -> None:
        self.inner = inner
        self.lease = lease

    @property
    def description(self) -> str:
        return self.inner.description

    def query(self, path: str, args: dict[str, Any]) -> Any:
        self.lease.renew_if_due()
        return self.inner.query(path, args)

    def mutation(self, path: str, args: dict[str, Any]) -> Any:
        self.lease.renew_if_due()
        if path == remote.APPLY_BATCH:
            args = {**args, "lock": self.lease.ref}
        return self.inner.mutation(path, args)

    def close(self) -> None:
        self.inner.close()
