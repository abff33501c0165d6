"""Sources of manifests: official and community folders (and registries), how far each is
trusted, where each may seed, and the problems of a source that could not be read.

The catalog (seeding_suite.discovery) lists every configured source through SOURCE_KINDS and
records, for every file, its source, trust and publisher.
"""

from __future__ import annotations

from seeding_suite.sources.config import (
    DEFAULT_ENVIRONMENTS,
    ON_CONFLICT,
    TRUSTS,
    OnConflict,
    SourceConfig,
    Trust,
    folder_source,
    load_on_conflict,
    load_sources,
)
from seeding_suite.sources.kinds import SOURCE_KINDS, Lister, list_source
from seeding_suite.sources.listing import Listing, ListingContext, SourceProblem

__all__ = [
    "DEFAULT_ENVIRONMENTS",
    "ON_CONFLICT",
    "SOURCE_KINDS",
    "TRUSTS",
    "Lister",
    "Listing",
    "ListingContext",
    "OnConflict",
    "SourceConfig",
    "SourceProblem",
    "Trust",
    "folder_source",
    "list_source",
    "load_on_conflict",
    "load_sources",
]
