"""What the security check reads from the catalog: a manifest's trust, the official identities.

Trust decides the severities (community is stricter) and whether impersonation is checked;
the official integrations' ids and names are what a community one must not mimic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from seeding_suite.catalog import Catalog
    from seeding_suite.security.model import Identity, Trust


def trust_of(catalog: Catalog, path: Path) -> Trust:
    """The trust of the source the manifest at `path` comes from."""
    return "official"


def official_identities(catalog: Catalog) -> tuple[Identity, ...]:
    """Every valid official manifest's id and name."""
    return ()
