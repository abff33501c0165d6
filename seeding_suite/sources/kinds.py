"""The kinds of source, as data: each kind's function listing a source's manifest files.

Adding a kind is one module with a `Lister` plus one entry here (and its keys in
seeding_suite.sources.config.KIND_KEYS). A kind whose module is heavy imports it lazily
inside its lister, so reading a folder catalog never loads it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

from seeding_suite.sources.config import SourceConfig
from seeding_suite.sources.folder import list_folder
from seeding_suite.sources.listing import Listing, ListingContext, SourceProblem
from seeding_suite.sources.registry import list_registry

Lister: TypeAlias = Callable[[SourceConfig, ListingContext], Listing]

SOURCE_KINDS: dict[str, Lister] = {
    "folder": list_folder,
    "registry": list_registry,
}


def list_source(source: SourceConfig, context: ListingContext) -> Listing:
    """The listing of one source; a kind this build cannot list is the source's problem."""
    lister = SOURCE_KINDS.get(source.kind)
    if lister is None:
        reason = f"sources of kind {source.kind!r} are not supported by this seeding-suite"
        return Listing(problems=(SourceProblem(source.name, source.name, reason),))
    return lister(source, context)
