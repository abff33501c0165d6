"""Registry sources (`kind = "registry"`): the manifests marketplace.lock pins from a TUF registry.

Each listing verifies the pinned files again through python-tuf (seeding_suite.sources.
registries, imported lazily: a project with folder sources only never loads it). A registry
is all or nothing: when anything of it is refused or it cannot be reached, every manifest
pinned from it is a problem (`<id>@<version>::source`) naming the reason, and it lists no file.
The listing's roots are the pinned files themselves, so a cached file of an earlier pin is
never collected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from seeding_suite.errors import ConfigurationError
from seeding_suite.sources.listing import Listing, SourceProblem

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from seeding_suite.sources.config import SourceConfig
    from seeding_suite.sources.listing import ListingContext
    from seeding_suite.sources.registries.client import RegistrySource


def registry_source(source: SourceConfig) -> RegistrySource:
    """The TUF client's view of a registry source (its url and pinned root are required)."""
    from seeding_suite.sources.registries.client import RegistrySource

    if source.url is None or source.root is None:
        raise ConfigurationError(f"registry source {source.name!r} needs `url` and `root`")
    return RegistrySource(source.name, source.url, source.root)


def registry_sources(sources: Iterable[SourceConfig]) -> dict[str, RegistrySource]:
    """The registry sources among `sources`, by name (for `install` and `update`)."""
    return {s.name: registry_source(s) for s in sources if s.kind == "registry"}


def list_registry(source: SourceConfig, context: ListingContext) -> Listing:
    """The verified files marketplace.lock pins from `source`, or a problem for each pin."""
    from seeding_suite.sources.registries.lockfile import LOCK_NAME, read_lock
    from seeding_suite.sources.registries.pinned import pinned_manifests

    try:
        pins = [p for p in read_lock(context.rootdir / LOCK_NAME) if p.source == source.name]
        registry = registry_source(source)
    except ConfigurationError as exc:
        return Listing(problems=(SourceProblem(source.name, LOCK_NAME, str(exc)),))
    files: list[Path] = []
    problems: list[SourceProblem] = []
    for given in pinned_manifests(
        context.rootdir, {source.name: registry}, pins, offline=context.offline
    ):
        files.extend(f.manifest.resolve() for f in given.files)
        problems.extend(
            SourceProblem(source.name, f"{r.pin.id}@{r.pin.version}", r.reason)
            for r in given.refused
        )
    return Listing(tuple(files), tuple(problems), roots=tuple(files))


def stray_pins(sources: Sequence[SourceConfig], context: ListingContext) -> list[SourceProblem]:
    """Pins of marketplace.lock from a source the project no longer configures: each one is a
    problem (`<id>@<version>::source`), never silently left out of the run."""
    from seeding_suite.sources.registries.lockfile import LOCK_NAME, read_lock

    path = context.rootdir / LOCK_NAME
    if not path.is_file():
        return []
    registries = sorted(s.name for s in sources if s.kind == "registry")
    try:
        pins = read_lock(path)
    except ConfigurationError as exc:  # a registry source's own listing reports it
        return [] if registries else [SourceProblem(LOCK_NAME, LOCK_NAME, str(exc))]
    configured = ", ".join(registries) or "none"
    return [
        SourceProblem(
            pin.source,
            f"{pin.id}@{pin.version}",
            f"{LOCK_NAME} pins it from {pin.source!r}, which is not a configured registry "
            f"source (configured: {configured}); configure the source or remove the pin",
        )
        for pin in pins
        if pin.source not in registries
    ]
