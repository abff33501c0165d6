"""The catalog of one process: the sources' manifest files, their summaries, the resolution.

Built lazily and once. Catalog-wide questions (duplicate ids, dependencies) need every file, but
only a small summary of each survives that pass; full sources (data and model) are kept in a
small LRU, so 10,000 manifests fit in a bounded amount of memory.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from seeding_suite.cache import key_of
from seeding_suite.discovery.entry import CatalogEntry, Dependency
from seeding_suite.discovery.resolver import Resolution, resolve
from seeding_suite.engine.desired import DesiredIntegration, desired_integration
from seeding_suite.loading.references import reference_problems
from seeding_suite.loading.source import ManifestSource, import_parsers
from seeding_suite.loading.yaml import LoadLimits
from seeding_suite.prefetch import Prefetch
from seeding_suite.recent import Recent
from seeding_suite.signing.minisign import read_signature, signature_file
from seeding_suite.sources import ListingContext, SourceConfig, folder_source, list_source
from seeding_suite.sources.approvals import Approvals
from seeding_suite.sources.registry import stray_pins

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from seeding_suite.cache import ResultCache
    from seeding_suite.environments import EnvironmentPolicy
    from seeding_suite.sources import Listing, OnConflict, SourceProblem

SOURCE_CACHE = 8  # a file's checks run back to back, and parsed manifests are large


class Catalog:
    """Every manifest the sources give; messages name files relative to `rootdir`.

    A plain path among `sources` is an official folder source (a manifest root).
    """

    def __init__(
        self,
        sources: Sequence[SourceConfig | Path],
        rootdir: Path,
        *,
        limits: LoadLimits | None = None,
        cache_size: int = SOURCE_CACHE,
        policy: EnvironmentPolicy | None = None,
        cache: ResultCache | None = None,
        offline: bool = False,
        approvals: Approvals | None = None,
        on_conflict: OnConflict = "fail",
    ) -> None:
        self.rootdir = rootdir.resolve()
        self.sources = _sources(sources, self.rootdir)
        self.context = ListingContext(self.rootdir, offline)
        self.approvals = approvals or Approvals()
        self.on_conflict: OnConflict = on_conflict
        self.limits = limits
        self.policy = policy
        self.cache = cache
        self._sources: Recent[Path, ManifestSource] = Recent(cache_size)
        self._desired: Recent[Path, DesiredIntegration] = Recent(cache_size)
        self._files: list[Path] | None = None
        self._listings: dict[str, Listing] | None = None
        self._origin: dict[Path, SourceConfig] = {}
        self._resolved: dict[Path, Path] = {}
        self._canonical: dict[Path, Path] = {}  # one Path object per file (10,000 add up)
        self._entries: dict[Path, CatalogEntry] | None = None
        self._resolution: Resolution | None = None
        self._by_id: dict[str, CatalogEntry] | None = None
        self._digests: dict[str, str] | None = None
        self._environments: tuple[str, ...] | None = None

    def listings(self) -> dict[str, Listing]:
        """Each source's listing by source name, listed once."""
        if self._listings is None:
            self._listings = {s.name: list_source(s, self.context) for s in self.sources}
        return self._listings

    @property
    def roots(self) -> tuple[Path, ...]:
        """The folders the sources' files lie under (what pytest walks to collect them).

        A folder source's is its path, known without walking it (pytest walks it anyway);
        another kind's come from its listing.
        """
        listed: list[Path] = []
        for source in self.sources:
            if source.kind == "folder" and source.path is not None:
                listed.append(source.path)
            else:
                listed.extend(self.listings()[source.name].roots)
        return tuple(dict.fromkeys(listed))

    def problems(self) -> list[SourceProblem]:
        """What the sources could not give (each a failing item: never silently dropped),
        and pins of marketplace.lock from a source no longer configured."""
        listed = [problem for listing in self.listings().values() for problem in listing.problems]
        return listed + stray_pins(self.sources, self.context)

    def files(self) -> list[Path]:
        """Every manifest file the sources list, sorted, once.

        A file two folder sources both list (one folder inside the other) belongs to the
        innermost: its own folder says more about it than an enclosing one.
        """
        if self._files is None:
            listings = self.listings()
            for source in self.sources:
                for path in listings[source.name].files:
                    known = self._origin.get(path)
                    if known is None or _depth(source) > _depth(known):
                        self._origin[path] = source
            self._files = sorted(self._origin, key=self.display)
            self._canonical = {path: path for path in self._files}
        return list(self._files)

    def source_of(self, path: Path) -> SourceConfig | None:
        """The source that gave the file at `path` (None: no source lists it)."""
        self.files()
        return self._origin.get(self._resolve(path))

    def _resolve(self, path: Path) -> Path:
        # Path.resolve() is a syscall per component; items ask for their file many times.
        resolved = self._resolved.get(path)
        if resolved is None:
            resolved = path.resolve()
            resolved = self._resolved[path] = self._canonical.get(resolved, resolved)
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
        return self._sources.get(key, lambda: ManifestSource(key, self.display(key), self.limits))

    def desired_of(self, path: Path) -> DesiredIntegration:
        """The documents one valid manifest becomes under the policy (cached like sources).

        The idempotency check, the audit log's `checksum` property and the final stage all ask;
        it is computed once per process while the manifest stays in the cache.
        """
        key = self._resolve(path)
        return self._desired.get(
            key, lambda: desired_integration(self.source(key).manifest, self.policy)
        )

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
        """Valid entries by integration id: the file the resolution lets claim it (the first
        file wins a duplicate, which is a finding; a source that lost a conflict claims none)."""
        if self._by_id is None:
            claims = self.resolution().claims
            self._by_id = {integration: found[0] for integration, found in claims.items()}
        return self._by_id

    def input_key(self, path: Path, settings: str) -> str | None:
        """The cache key of everything a valid manifest's checks read; None if not valid.

        That is its bytes and, for every id its dependency closure reaches (its own included),
        the fingerprints of all files claiming that id: a new duplicate, a version bump or a new
        cycle anywhere in the closure is a different key.
        """
        entry = self.entry(path)
        if entry is None or not entry.valid or entry.digest is None:
            return None
        claims = self.resolution().claims
        reached: set[str] = set()
        pending = [entry.id]
        while pending:
            integration = pending.pop()
            if integration not in reached:
                reached.add(integration)
                pending.extend(d.id for e in claims.get(integration, ()) for d in e.dependencies)
        digests = self._claim_digests()
        closure = sorted((i, digests.get(i, "")) for i in reached)  # "": nobody claims it
        # Every environment's name, for the references check's rollout environments; where
        # the file came from and its signature are inputs too (the signature check).
        names = self.environment_names()
        origin = [entry.source, entry.trust, self.excluded(entry), self._signature_digest(path)]
        return key_of(
            "checks",
            settings,
            repr(self.policy),
            names,
            entry.display,
            entry.digest,
            closure,
            origin,
        )

    def environment_names(self) -> tuple[str, ...]:
        """The project's environments (defaults and pyproject's), sorted; read once."""
        if self._environments is None:
            from seeding_suite.environments import load_policies

            self._environments = tuple(sorted(load_policies(self.rootdir)))
        return self._environments

    def _signature_digest(self, path: Path) -> str | None:
        try:
            return key_of("signature", read_signature(signature_file(self._resolve(path))).hex())
        except OSError:
            return None

    def _claim_digests(self) -> dict[str, str]:
        """Per id, one digest of the fingerprints of every file claiming it (computed once)."""
        if self._digests is None:
            # Whether each claim is excluded is part of it: dependents' checks say so.
            self._digests = {
                integration: key_of(
                    "claims",
                    sorted(([*e.fingerprint(), self.excluded(e)] for e in found), key=repr),
                )
                for integration, found in self.resolution().claims.items()
            }
        return self._digests

    def excluded(self, entry: CatalogEntry) -> str | None:
        """Why the selected environment does not admit this manifest (None: it does).

        First its source: a source that lost a conflict over the id gives nothing, and a
        community source seeds outside its environments only what approvals.toml approves
        (this id, this version, these bytes). Then the environment's policy.
        """
        shadowed = self.resolution().shadowed.get(entry.display)
        if shadowed is not None:
            return shadowed
        if self.policy is None:
            return None
        source = self.source_of(entry.path)
        environment = self.policy.name
        if (
            source is not None
            and not source.admits(environment)
            and not self.approvals.covers(entry.id, entry.version, entry.digest)
        ):
            return f"not approved for {environment}"
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
            self._resolution = resolve(self.entries(), self.on_conflict)
        return self._resolution

    def summarize_ahead(self, processes: int) -> None:
        """The summary pass with forked children parsing the files no cached summary covers.

        The parent only hashes each file to look its summary up; a child reads the file again
        and its entry carries the digest of the bytes it summarized, the key its summary is
        cached under. Does nothing once the entries exist.
        """
        if self._entries is not None:
            return
        found = {path: self._cached_summary(self._summary_source(path)) for path in self.files()}
        todo = [path for path, entry in found.items() if entry is None]
        if todo:
            import_parsers()
        ahead: Prefetch[Path, CatalogEntry] = Prefetch(
            self._summarize_uncached, processes if todo else 0
        )
        ahead.deal(todo)
        for path, entry in ahead.take_all():
            found[path] = self._remember_summary(entry or self._summarize_uncached(path))
        self._entries = {path: entry for path, entry in found.items() if entry is not None}

    def _summarize(self, path: Path) -> CatalogEntry:
        source = self._summary_source(path)
        cached = self._cached_summary(source)
        return cached or self._remember_summary(self._summary(source))

    def _summarize_uncached(self, path: Path) -> CatalogEntry:
        return self._summary(self._summary_source(path))

    def _summary_source(self, path: Path) -> ManifestSource:
        # A cached source is reused; otherwise a throwaway one, so this pass over every file
        # does not evict the sources the checks are working on.
        return self._sources.peek(path) or ManifestSource(path, self.display(path), self.limits)

    def _cached_summary(self, source: ManifestSource) -> CatalogEntry | None:
        if self.cache is None:
            return None
        try:
            digest = source.sha256
        except OSError:
            return None
        data = self.cache.summary(self._summary_key(source.display, digest))
        if data is None:
            return None
        origin = self._origin_of(source.path)
        return CatalogEntry.from_fingerprint(
            data, source.path, source.display, digest, origin.name, origin.trust
        )

    def _remember_summary(self, entry: CatalogEntry) -> CatalogEntry:
        if self.cache is not None and entry.digest is not None:
            key = self._summary_key(entry.display, entry.digest)
            self.cache.put_summary(key, entry.fingerprint())
        return entry

    def _summary_key(self, display: str, digest: str) -> str:
        return key_of("summary", repr(self.limits or LoadLimits()), display, digest)

    def _summary(self, source: ManifestSource) -> CatalogEntry:
        try:
            digest: str | None = source.sha256
        except OSError:
            digest = None
        path = source.path
        origin = self._origin_of(path)
        manifest = source.validated().manifest
        if manifest is not None and not reference_problems(manifest):
            return CatalogEntry(
                manifest.id,
                manifest.version,
                tuple(Dependency(d.id, d.range) for d in manifest.dependencies),
                path,
                source.display,
                valid=True,
                channel=manifest.channel,
                environments=None
                if manifest.environments is None
                else tuple(manifest.environments),
                digest=digest,
                source=origin.name,
                trust=origin.trust,
                publisher=manifest.publisher,
                name=manifest.name,
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
            digest=digest,
            source=origin.name,
            trust=origin.trust,
        )

    def _origin_of(self, path: Path) -> SourceConfig:
        self.files()  # summaries are made of listed files only: each has its source
        return self._origin[self._resolve(path)]


def _sources(given: Sequence[SourceConfig | Path], rootdir: Path) -> tuple[SourceConfig, ...]:
    """The configured sources, and each plain path as an official folder source, unless it lies
    inside a configured folder source: a community file named on the command line stays
    community."""
    configured = [s for s in given if isinstance(s, SourceConfig)]
    folders = [s.path for s in configured if s.kind == "folder" and s.path is not None]
    found = dict.fromkeys(configured)
    for path in given:
        if isinstance(path, SourceConfig):
            continue
        path = path.resolve()
        if not any(path.is_relative_to(folder) for folder in folders):
            found.setdefault(folder_source(path, rootdir))
    return tuple(found)


def _depth(source: SourceConfig) -> int:
    return len(source.path.parts) if source.path is not None else 0
