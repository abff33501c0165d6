"""The pinned registry manifests a run checks and seeds, verified again, or why not.

Each run re-verifies through TUF (a fresh timestamp, snapshot and targets, every defence) and
compares each file with the sha256 its pin holds. A registry is all or nothing: when anything
of it is refused (metadata, one file, one pin), it contributes no manifest, and every manifest
pinned from it is reported with the reason, so a partly trusted registry never seeds half a
set of integrations that may depend on each other. A registry with nothing pinned is not
contacted at all: a fresh clone with no registry reachable still checks and seeds the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from seeding_suite.sources.registries.client import (
    Fetched,
    RegistryClient,
    RegistrySource,
    cache_dir,
)
from seeding_suite.sources.registries.lockfile import LOCK_NAME, Pin
from seeding_suite.sources.registries.refusals import RegistryError

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path


@dataclass(frozen=True)
class Refused:
    """A pinned manifest the run does not get, and why."""

    pin: Pin
    reason: str


@dataclass(frozen=True)
class Contribution:
    """What one registry gives a run: verified files, or refusals for all its pins."""

    source: str
    files: list[Fetched]
    refused: list[Refused]


def pinned_manifests(
    rootdir: Path,
    sources: Mapping[str, RegistrySource],
    pins: list[Pin],
    *,
    offline: bool = False,
) -> list[Contribution]:
    """One Contribution per source named by a pin, in source-name order."""
    contributions = []
    for name in sorted({p.source for p in pins}):
        mine = [p for p in pins if p.source == name]
        source = sources.get(name)
        if source is None:
            reason = f"{LOCK_NAME} pins it from {name!r}, which is not a configured registry source"
            contributions.append(Contribution(name, [], [Refused(p, reason) for p in mine]))
            continue
        try:
            files = _verified(rootdir, source, mine, offline=offline)
        except RegistryError as exc:
            refused = [Refused(p, str(exc)) for p in mine]
            contributions.append(Contribution(name, [], refused))
            continue
        contributions.append(Contribution(name, files, []))
    return contributions


def _verified(
    rootdir: Path, source: RegistrySource, pins: list[Pin], *, offline: bool
) -> list[Fetched]:
    files = []
    with RegistryClient(source, cache_dir(rootdir, source.name), offline=offline) as client:
        for pin in pins:
            fetched = client.fetch(pin.id, pin.version)
            if fetched.sha256 != pin.sha256:
                raise RegistryError(
                    source.name,
                    "pin",
                    f"{pin.id} {pin.version} has sha256 {fetched.sha256}, the lock pins "
                    f"{pin.sha256} (republished under the same version?)",
                )
            files.append(fetched)
    return files
