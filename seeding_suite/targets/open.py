"""Opens the target the settings name: a Convex URL over HTTP, or the embedded store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from seeding_suite.targets.local import LocalTarget, seeding_deployment
from seeding_suite.targets.store_lock import StoreLock

if TYPE_CHECKING:
    from seeding_suite.settings import TargetSettings
    from seeding_suite.targets.base import ConvexTarget


def open_target(
    settings: TargetSettings,
    *,
    read_only: bool = False,
    holder: str = "seeding-suite",
    wait_seconds: float = 120.0,
) -> ConvexTarget:
    """The target for a run; the caller closes it.

    `read_only` (plans, drift, state) never creates the embedded store: a missing file reads as
    an empty deployment, and nothing is written to disk. A writer holds the embedded store's
    file lock until it closes the target (waiting up to `wait_seconds` for another writer).
    """
    if settings.url is not None:
        from seeding_suite.targets.remote import RemoteTarget

        return RemoteTarget(
            settings.url,
            settings.key,
            max_calls_per_second=settings.max_calls_per_second,
            timeout=settings.timeout,
        )
    if read_only:
        db = settings.db if settings.db.exists() else None
        return LocalTarget(seeding_deployment(db), str(settings.db))
    lock = StoreLock(settings.db, holder, wait_seconds=wait_seconds)
    try:
        return LocalTarget(seeding_deployment(settings.db), str(settings.db), on_close=lock.release)
    except BaseException:
        lock.release()
        raise
