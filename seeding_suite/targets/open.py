"""Opens the target the settings name: a Convex URL over HTTP, or the embedded store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from seeding_suite.targets.local import LocalTarget, seeding_deployment

if TYPE_CHECKING:
    from seeding_suite.settings import TargetSettings
    from seeding_suite.targets.base import ConvexTarget


def open_target(settings: TargetSettings) -> ConvexTarget:
    """The target for a run; the caller closes it."""
    if settings.url is not None:
        from seeding_suite.targets.remote import RemoteTarget

        return RemoteTarget(settings.url, settings.key)
    return LocalTarget(seeding_deployment(settings.db), str(settings.db))
