"""What the security check reads from the catalog: a manifest's trust, the official identities.

Trust (its source's, seeding_suite.sources) decides the severities (community is stricter)
and whether impersonation is checked; the official integrations' ids and names (from the
catalog's summaries: no official file is parsed again) are what a community one must not mimic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from seeding_suite.security.model import Identity

if TYPE_CHECKING:
    from pathlib import Path

    from seeding_suite.discovery.catalog import Catalog
    from seeding_suite.security.model import Trust


def trust_of(catalog: Catalog, path: Path) -> Trust:
    """The trust of the source the manifest at `path` comes from (registries: community)."""
    source = catalog.source_of(path)
    if source is not None and source.kind == "registry":
        return "community"  # whatever a registry says of itself, nobody here reviewed it
    entry = catalog.entry(path)
    return "official" if entry is None else entry.trust


def official_identities(catalog: Catalog) -> tuple[Identity, ...]:
    """Every valid official manifest's id and name, by id."""
    return tuple(
        Identity(entry.id, entry.name or entry.id)
        for entry in sorted(catalog.by_id().values(), key=lambda e: e.id)
        if entry.trust == "official"
    )


def source_hosts(catalog: Catalog, path: Path) -> tuple[str, ...]:
    """The hosts the manifest's own source allows (`allowed_hosts` of its sources table)."""
    source = catalog.source_of(path)
    return () if source is None else source.allowed_hosts
