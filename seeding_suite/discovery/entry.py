"""What the catalog keeps of one manifest file: a small summary, enough to resolve dependencies.

Its own module so the resolver reads summaries without importing the catalog that builds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from pathlib import Path

    from seeding_suite.sources import Trust


class Dependency(NamedTuple):
    """One dependency as the catalog keeps it (a tuple: 10,000 manifests hold many)."""

    id: str
    range: str


@dataclass(frozen=True)
class CatalogEntry:
    """What the catalog keeps of one file: enough to resolve dependencies, nothing more.

    `valid` means the file passes its own checks (parse, schema, references): only then does
    it claim its id in the catalog. For an invalid manifest, `id` is its `id` if that is a
    string, else the file stem (kept to explain a dependent's failure, never to claim it);
    `version` is None unless a string; `dependencies` is empty.

    `source` names the source that gave the file and `trust` is that source's; `publisher` is
    the manifest's `publisher:` (None when absent, or when the file is not valid).
    """

    id: str
    version: str | None
    dependencies: tuple[Dependency, ...]
    path: Path
    display: str
    valid: bool
    channel: str = "stable"
    environments: tuple[str, ...] | None = None
    digest: str | None = None  # SHA-256 of the bytes summarized; None if unreadable
    source: str = ""
    trust: Trust = "official"
    publisher: str | None = None

    def fingerprint(self) -> list[object]:
        """What other manifests' checks may depend on (JSON data, for cache keys)."""
        envs = None if self.environments is None else list(self.environments)
        deps = [[d.id, d.range] for d in self.dependencies]
        return [self.id, self.version, self.valid, self.channel, envs, deps, self.publisher]

    @classmethod
    def from_fingerprint(
        cls, data: Any, path: Path, display: str, digest: str, source: str, trust: Trust
    ) -> CatalogEntry | None:
        """The entry a cached fingerprint describes (from `source`); None when malformed.

        The source and its trust are where the file was found, not what it says: never cached.
        """
        try:
            integration, version, valid, channel, envs, deps, publisher = data
            dependencies = tuple(Dependency(i, r) for i, r in deps)
            environments = None if envs is None else tuple(envs)
        except (TypeError, ValueError):
            return None
        strings = [integration, channel, *(environments or ()), *(d for pair in deps for d in pair)]
        if not all(isinstance(s, str) for s in strings) or not isinstance(valid, bool):
            return None
        if publisher is not None and not isinstance(publisher, str):
            return None
        return cls(
            integration,
            version,
            dependencies,
            path,
            display,
            valid,
            channel,
            environments,
            digest,
            source,
            trust,
            publisher,
        )
