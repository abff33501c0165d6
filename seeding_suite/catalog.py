"""The catalog of one process: manifest files under the roots, their summaries, the resolution.

Built lazily and once. Catalog-wide questions (duplicate ids, dependencies) need every file, but
only a small summary of each survives that pass; full sources (data and model) are kept in a
small LRU, so 10,000 manifests fit in a bounded amount of memory.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from seeding_suite.engine.desired import DesiredIntegration, desired_integration
from seeding_suite.loading.source import ManifestSource
from seeding_suite.resolver import Resolution, resolve

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from seeding_suite.environments import EnvironmentPolicy
    from seeding_suite.loading.yaml import LoadLimits
    from seeding_suite.model import DependencySpec

SUFFIXES = frozenset({".yaml", ".yml"})
SOURCE_CACHE = 64


@dataclass(frozen=True)
class CatalogEntry:
    """What the catalog keeps of one file: enough to resolve dependencies, nothing more.

    For an invalid manifest, `id` is its `id` if that is a string, else the file stem;
    `version` is None unless a string; `dependencies` is empty.
    """

    id: str
    version: str | None
    dependencies: tuple[DependencySpec, ...]
    path: Path
    display: str
    valid: bool
    channel: str = "stable"
    environments: tuple[str, ...] | None = None


class Catalog:
    """Every manifest under `roots`; messages name files relative to `rootdir`."""

    def __init__(
        self,
        roots: Sequence[Path],
        rootdir: Path,
        *,
        limits: LoadLimits | None = None,
        cache_size: int = SOURCE_CACHE,
        policy: EnvironmentPolicy | None = None,
    ) -> None:
        self.roots = tuple(dict.fromkeys(root.resolve() for root in roots))
        self.rootdir = rootdir.resolve()
        self.limits = limits
        self.policy = policy
        self._cache_size = cache_size
        self._sources: OrderedDict[Path, ManifestSource] = OrderedDict()
        self._desired: OrderedDict[Path, DesiredIntegration] = OrderedDict()
        self._files: list[Path] | None = None
        self._resolved: dict[Path, Path] = {}
        self._entries: dict[Path, CatalogEntry] | None = None
        self._resolution: Resolution | None = None
        self._by_id: dict[str, CatalogEntry] | None = None

    def files(self) -> list[Path]:
        """Every *.yaml and *.yml under the roots (not in hidden directories), sorted, once."""
        if self._files is None:
            found: set[Path] = set()
            for root in self.roots:
                if root.is_file() and root.suffix in SUFFIXES:
                    found.add(root)
                    continue
                for path in root.rglob("*"):
                    relative = path.relative_to(root).parts
                    hidden = any(part.startswith(".") for part in relative)
                    if path.suffix in SUFFIXES and not hidden and path.is_file():
                        found.add(path.resolve())
            self._files = sorted(found, key=self.display)
        return list(self._files)

    def _resolve(self, path: Path) -> Path:
        # Path.resolve() is a syscall per component; items ask for their file many times.
        resolved = self._resolved.get(path)
        if resolved is None:
            resolved = self._resolved[path] = path.resolve()
        return resolved

    def display(self, path: Path) -> str:
        """The path as messages show it: relative to the rootdir when inside it."""
        resolved = self._resolve(path)
        try:
            return resolved.relative_to(self.rootdir).as_posix()
        except ValueError:
            return resolved.as_posix()

    def source(self, path: Path) -> ManifestSource:
        """The (cached) source of one file; the same object while it stays in the cache."""
        key = self._resolve(path)
        source = self._sources.get(key)
        if source is None:
            source = ManifestSource(key, self.display(key), self.limits)
            self._sources[key] = source
            if len(self._sources) > self._cache_size:
                self._sources.popitem(last=False)
        else:
            self._sources.move_to_end(key)
        return source

    def desired_of(self, path: Path) -> DesiredIntegration:
        """The documents one valid manifest becomes under the policy (cached like sources).

        The idempotency check, the audit log's `checksum` property and the final stage all ask;
        it is computed once per process while the manifest stays in the cache.
        """
        key = self._resolve(path)
        desired = self._desired.get(key)
        if desired is None:
            desired = desired_integration(self.source(key).manifest, self.policy)
            self._desired[key] = desired
            if len(self._desired) > self._cache_size:
                self._desired.popitem(last=False)
        else:
            self._desired.move_to_end(key)
        return desired

    def entries(self) -> list[CatalogEntry]:
        """A summary of every file, computed once (each file is parsed and validated)."""
        return list(self._entry_index().values())

    def entry(self, path: Path) -> CatalogEntry | None:
        """The summary of the file at `path`, if it is in the catalog."""
        return self._entry_index().get(self._resolve(path))

    def _entry_index(self) -> dict[Path, CatalogEntry]:
        if self._entries is None:
            self._entries = {path: self._summarize(path) for path in self.files()}
        return self._entries

    def by_id(self) -> dict[str, CatalogEntry]:
        """Valid entries by integration id (the first file wins a duplicate; that is a finding)."""
        if self._by_id is None:
            self._by_id = {}
            for entry in self.entries():
                if entry.valid:
                    self._by_id.setdefault(entry.id, entry)
        return self._by_id

    def excluded(self, entry: CatalogEntry) -> str | None:
        """Why the selected environment does not admit this manifest (None: it does)."""
        if self.policy is None:
            return None
        return self.policy.rejects(entry.id, entry.channel, entry.environments)

    def desired(self) -> list[DesiredIntegration]:
        """What the environment should hold: valid, admitted manifests, in seeding order."""
        by_id = self.by_id()
        return [
            self.desired_of(by_id[i].path)
            for i in self.resolution().order
            if i in by_id and self.excluded(by_id[i]) is None
        ]

    def resolution(self) -> Resolution:
        """The dependency resolution of the whole catalog, computed once."""
        if self._resolution is None:
            self._resolution = resolve(self.entries())
        return self._resolution

    def _summarize(self, path: Path) -> CatalogEntry:
        # A cached source is reused; otherwise a throwaway one, so this pass over every file
        # does not evict the sources the checks are working on.
        source = self._sources.get(path) or ManifestSource(path, self.display(path), self.limits)
        manifest = source.validated().manifest
        if manifest is not None:
            return CatalogEntry(
                manifest.id,
                manifest.version,
                tuple(manifest.dependencies),
                path,
                source.display,
                valid=True,
                channel=manifest.channel,
                environments=None
                if manifest.environments is None
                else tuple(manifest.environments),
            )
        data = source.parsed().data
        fields = data if isinstance(data, dict) else {}
        claimed = fields.get("id")
        version = fields.get("version")
        return CatalogEntry(
            claimed if isinstance(claimed, str) else path.stem,
            version if isinstance(version, str) else None,
            (),
            path,
            source.display,
            valid=False,
        )
