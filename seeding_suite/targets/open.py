"""Opens the target the settings name: a Convex URL over HTTP, or the embedded store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from seeding_suite.errors import ConfigurationError
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from seeding_suite.targets.store_lock import StoreLock

if TYPE_CHECKING:
    from pathlib import Path

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
    an empty deployment, and nothing is written to disk; an existing one is read as its writer
    (if any) last committed it. A writer (a seed run, `rollback`, `serve`) holds the embedded
    store's file lock until it closes the target, waiting up to `wait_seconds` for another.
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
        if not settings.db.exists():
            return LocalTarget(seeding_deployment(), str(settings.db))
        return LocalTarget(seeding_deployment(settings.db, read_only=True), str(settings.db))
    return open_store(settings.db, holder=holder, wait_seconds=wait_seconds)


def require_store(settings: TargetSettings) -> TargetSettings:
    """`settings`, when they name a deployment or an embedded store that exists.

    The command line reads and rolls back targets that were seeded: a mistyped `--db` would
    otherwise read as an empty deployment ("0 integrations", every document "extra"), or be
    created by a rollback. A pytest plan keeps reading a missing store as empty (a first plan).
    """
    if settings.url is None and not settings.db.is_file():
        raise ConfigurationError(
            f"no embedded store at {settings.db} (seed it first, or name one with --db PATH)"
        )
    return settings


def open_store(db: Path, *, holder: str, wait_seconds: float) -> LocalTarget:
    """The embedded store at `db` for writing, locked by this process until the target closes.

    Every writer opens it here (a seed run, `rollback`, `serve`): one writer per store.
    """
    lock = StoreLock(db, holder, wait_seconds=wait_seconds)
    try:
        return LocalTarget(seeding_deployment(db), str(db), on_close=lock.release)
    except BaseException:
        lock.release()
        raise
