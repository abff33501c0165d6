"""One registry read through python-tuf's `ngclient.Updater`: versions of an id, verified files.

Every TUF defence is python-tuf's own: the pinned root is the trust anchor (root rotations are
followed and remembered), then timestamp, snapshot and targets with their delegations are
checked for signatures and thresholds, expiry (freeze), version numbers (rollback), the
versions snapshot promises (mix-and-match), and each file against its signed length and hashes.

Layout of a registry (what `seeding-suite registry` writes): metadata under `<url>/metadata/`,
files under `<url>/targets/`, and per integration id the targets

    <id>/index.json                 {"versions": ["1.0.0", "1.2.0"]}: what can be installed
    <id>/<version>/<id>.yaml        the manifest
    <id>/<version>/<id>.yaml.minisig   its publisher's minisign signature (when signed)

TUF cannot list a role's targets without trusting unverified data (python-tuf#1995), so each
id carries its own index, a target like the others: signed by the role trusted for the id.

The local copy lives under `<cache>/metadata/` (python-tuf's cache) and `<cache>/files/`
(verified files, named as in the registry). A file already there whose length and hashes match
the signed metadata is not downloaded again. One process at a time uses a cache: python-tuf's
Updater is single-instance, and pytest-xdist runs several processes.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import semantic_version
from tuf.ngclient import Updater

from seeding_suite.sources.registries.offline import OfflineFetcher
from seeding_suite.sources.registries.refusals import RegistryError, refusal

if TYPE_CHECKING:
    from pathlib import Path
    from types import TracebackType

    from tuf.api.metadata import TargetFile
    from tuf.ngclient import FetcherInterface

# The manifest id pattern (model.SLUG_PATTERN): ids become paths here, so nothing else may pass.
_ID = re.compile(r"[a-z][a-z0-9-]{1,62}")
INDEX = "index.json"


def cache_dir(rootdir: Path, name: str) -> Path:
    """Where a registry's verified metadata and files live in a project."""
    return rootdir / ".seeding" / "registries" / name


def manifest_path(integration: str, version: str) -> str:
    """The target path of a manifest in a registry."""
    return f"{integration}/{version}/{integration}.yaml"


def index_path(integration: str) -> str:
    """The target path of an id's version index in a registry."""
    return f"{integration}/{INDEX}"


def check_id(integration: str) -> str:
    """`integration` if it is a manifest id (a slug), else ValueError."""
    if not _ID.fullmatch(integration):
        raise ValueError(f"{integration!r} is not an integration id (a-z, 0-9 and -)")
    return integration


@dataclass(frozen=True)
class RegistrySource:
    """Where a registry is and which root metadata the project pinned for it."""

    name: str
    url: str
    root: Path

    @property
    def base(self) -> str:
        return self.url if self.url.endswith("/") else self.url + "/"


@dataclass(frozen=True)
class Fetched:
    """A verified manifest (and its signature, when the registry holds one) on local disk."""

    integration: str
    version: str
    manifest: Path
    signature: Path | None
    sha256: str


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class RegistryClient:
    """A registry's verified view for one command or run; use it as a context manager.

    `offline=True` never touches the network: it reads only metadata and files already in the
    cache, and python-tuf still verifies them, expiry included (offline.py). Every failure is a
    RegistryError (refusals.py).
    """

    def __init__(
        self,
        source: RegistrySource,
        cache: Path,
        *,
        offline: bool = False,
        fetcher: FetcherInterface | None = None,
    ) -> None:
        self.source = source
        self._metadata = cache / "metadata"
        self._files = cache / "files"
        self._lock_path = cache / ".lock"
        self._offline = offline
        self._fetcher = OfflineFetcher(self._metadata) if offline else fetcher
        self._lock_fd: int | None = None
        self._updater: Updater | None = None

    def __enter__(self) -> RegistryClient:
        self._metadata.mkdir(parents=True, exist_ok=True)
        self._files.mkdir(parents=True, exist_ok=True)
        self._lock_fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)  # another process's refresh takes seconds
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    def _refreshed(self) -> Updater:
        """The Updater, refreshed once (root, timestamp, snapshot, top-level targets)."""
        if self._updater is not None:
            return self._updater
        try:
            pinned = self.source.root.read_bytes()
        except OSError as exc:
            raise RegistryError(
                self.source.name, "invalid", f"pinned root {self.source.root}: {exc.strerror}"
            ) from None
        try:
            updater = Updater(
                metadata_dir=str(self._metadata),
                metadata_base_url=self.source.base + "metadata/",
                target_base_url=self.source.base + "targets/",
                fetcher=self._fetcher,
                bootstrap=pinned,
            )
            updater.refresh()
        except Exception as exc:  # python-tuf's whole family, translated in one place
            raise refusal(self.source.name, exc) from exc
        self._updater = updater
        return updater

    def _target(self, path: str, *, required: bool = True) -> Path | None:
        """The verified local copy of target `path` (downloaded unless already cached)."""
        updater = self._refreshed()
        try:
            info = updater.get_targetinfo(path)
            if info is None:
                if not required:
                    return None
                raise RegistryError(self.source.name, "not-found", path)
            local = self._files / path
            if updater.find_cached_target(info, str(local)) is None:
                if self._offline:
                    raise RegistryError(
                        self.source.name, "unreachable", f"offline, and {path} is not cached"
                    )
                local.parent.mkdir(parents=True, exist_ok=True)
                self._download(updater, info, local)
        except RegistryError:
            raise
        except Exception as exc:
            raise refusal(self.source.name, exc) from exc
        return local

    @staticmethod
    def _download(updater: Updater, info: TargetFile, local: Path) -> None:
        """Download into a temporary name first: a refused file never sits at the cached name."""
        partial = local.with_name(local.name + ".partial")
        try:
            updater.download_target(info, str(partial))
            os.replace(partial, local)
        finally:
            partial.unlink(missing_ok=True)

    def versions(self, integration: str) -> list[semantic_version.Version]:
        """Every version of `integration` the registry's index lists, oldest first."""
        local = self._target(index_path(check_id(integration)))
        assert local is not None  # required=True
        return _index_versions(self.source.name, integration, local.read_bytes())

    def fetch(self, integration: str, version: str) -> Fetched:
        """The verified manifest `integration` at `version`, with its signature if it has one."""
        path = manifest_path(check_id(integration), str(semantic_version.Version(version)))
        manifest = self._target(path)
        assert manifest is not None  # required=True
        signature = self._target(path + ".minisig", required=False)
        return Fetched(integration, version, manifest, signature, sha256_of(manifest))


def _index_versions(registry: str, integration: str, raw: bytes) -> list[semantic_version.Version]:
    """The versions an index lists; a malformed index refuses the registry."""
    try:
        data: Any = json.loads(raw)
        listed = data["versions"]
        if not isinstance(listed, list) or not all(isinstance(v, str) for v in listed):
            raise TypeError("versions must be a list of strings")
        return sorted(semantic_version.Version(v) for v in listed)
    except (ValueError, TypeError, KeyError) as exc:
        detail = f"{index_path(integration)} is not a version index ({exc})"
        raise RegistryError(registry, "invalid", detail) from None
