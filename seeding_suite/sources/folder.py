"""Folder sources: every *.yaml and *.yml under a directory (not hidden, not behind a link).

Links are never walked: an alias's target is found under its own path, and a link that loops or
leaves the roots is refused by the plugin's collection (seeding_suite.sources.symlinks). A
folder that exists but cannot be read is a problem of the source, not an empty catalog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from seeding_suite.sources.listing import Listing, SourceProblem
from seeding_suite.sources.symlinks import display_path, walk

if TYPE_CHECKING:
    from pathlib import Path

    from seeding_suite.sources.config import SourceConfig
    from seeding_suite.sources.listing import ListingContext

SUFFIXES = frozenset({".yaml", ".yml"})


def list_folder(source: SourceConfig, context: ListingContext) -> Listing:
    """The manifest files of a folder source (a missing folder lists nothing)."""
    root = source.path
    if root is None:
        return Listing()
    if root.is_file():
        return Listing((root,), roots=(root,)) if root.suffix in SUFFIXES else Listing()
    if not root.exists():
        return Listing(roots=(root,))  # the default manifests/ of a project with no catalog
    problems: list[SourceProblem] = []

    def unreadable(folder: Path, exc: OSError) -> None:
        reason = f"the folder cannot be read: {exc.strerror or type(exc).__name__}"
        problems.append(SourceProblem(source.name, display_path(folder, context.rootdir), reason))

    found = [
        path.resolve()
        for path, link in walk(root, unreadable)
        if path.suffix in SUFFIXES and not link and path.is_file()
    ]
    return Listing(tuple(found), tuple(problems), (root,))
