"""Opens the target the settings name: a Convex URL over HTTP, or the embedded store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from seeding_suite.targets.local import LocalTarget, seeding_deployment

if TYPE_CHECKING:
    from seeding_suite.settings import TargetSettings
    from seeding_suite.targets.base import ConvexTarget


def open_target(settings: TargetSettings, *, read_only: bool = False) -> ConvexTarget:
    """The target for a run; the caller closes it.

    `read_only` (plans, drift, state) never creates the embedded store: a missing file reads as
    an empty deployment, and nothing is written to disk.
    """
    if settings.url is not None:
        from seeding_suite.targets.remote import RemoteTarget

        return RemoteTarget(settings.url, settings.key)
    db = None if read_only and not settings.db.exists() else settings.db
    return LocalTarget(seeding_deployment(db), str(settings.db))
