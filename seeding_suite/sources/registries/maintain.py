"""The maintainer's operations on a registry directory: init, delegate, add, refresh.

Each one edits roles through the DirectoryRepository (which signs them), then publishes a new
snapshot and timestamp, so the directory is always a whole, servable TUF repository. A
publisher's role is trusted only for its ids' paths; `add` files a manifest under the role
whose paths cover its id (else the top-level `targets`), so the tool never signs outside them.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import semantic_version
from tuf.api.metadata import (
    DelegatedRole,
    Delegations,
    Metadata,
    Root,
    Snapshot,
    TargetFile,
    Targets,
    Timestamp,
)

from seeding_suite.errors import ConfigurationError
from seeding_suite.loading.yaml import YamlLoadError, load_yaml
from seeding_suite.sources.registries import keys
from seeding_suite.sources.registries.client import check_id, index_path, manifest_path
from seeding_suite.sources.registries.repository import TOP_LEVEL, DirectoryRepository

if TYPE_CHECKING:
    from pathlib import Path

_ROLE = re.compile(r"[a-z][a-z0-9-]{0,62}")
_GLOB = re.compile(r"[a-z0-9*?-]+")
REFRESH_WITHIN_DAYS = 30


def init(directory: Path, key_dir: Path, *, now: datetime | None = None) -> Path:
    """A new, empty registry: a key per top-level role, root version 1, the first snapshot.

    Returns the root file a project pins (`root = ...` in its source).
    """
    repo = DirectoryRepository(directory, key_dir, now=now)
    if repo.exists():
        raise ConfigurationError(f"{directory} is already a registry")
    root = Root(consistent_snapshot=True)
    root.version = 0  # close() makes it version 1
    for role in TOP_LEVEL:
        root.add_key(keys.generate(key_dir, role).public_key, role)
    repo.close(Root.type, Metadata(root))
    with repo.edit_targets():
        pass
    repo.publish()
    return repo.metadata_dir / "1.root.json"


def id_paths(glob: str) -> list[str]:
    """The TUF path patterns of an id glob: its index and its versions' files."""
    return [index_path(glob), f"{glob}/*/*"]


def delegate(
    directory: Path, key_dir: Path, name: str, id_globs: list[str], *, now: datetime | None = None
) -> Path:
    """A publisher role `name`, trusted only for ids matching `id_globs`; returns its key file."""
    if not _ROLE.fullmatch(name) or name in TOP_LEVEL:
        raise ConfigurationError(f"{name!r} cannot name a publisher role")
    bad = [g for g in id_globs if not _GLOB.fullmatch(g)]
    if not id_globs or bad:
        raise ConfigurationError(
            f"id globs are lower-case letters, digits, '-', '*' and '?': {', '.join(bad)}"
        )
    repo = DirectoryRepository(directory, key_dir, now=now)
    repo.root()  # a registry at all
    with repo.edit_targets() as targets:
        if targets.delegations is None:
            targets.delegations = Delegations(keys={}, roles={})
        roles = targets.delegations.roles
        assert roles is not None  # created with roles, never succinct roles here
        if name in roles:
            raise ConfigurationError(f"publisher role {name!r} already exists")
        paths = [p for glob in id_globs for p in id_paths(glob)]
        roles[name] = DelegatedRole(name, [], 1, terminating=True, paths=paths)
        targets.add_key(keys.generate(key_dir, name).public_key, name)
    with repo.edit_targets(name):
        pass
    repo.publish()
    return keys.key_file(key_dir, name)


@dataclass(frozen=True)
class Added:
    integration: str
    version: str
    role: str
    sha256: str


def add(
    directory: Path,
    key_dir: Path,
    manifest: Path,
    signature: Path | None = None,
    *,
    now: datetime | None = None,
) -> Added:
    """File `manifest` (and its minisign signature) under the role trusted for its id.

    A version is published once: the same id and version with other bytes is refused (clients
    pinned the old bytes' sha256). The id's index gains the version.
    """
    raw = manifest.read_bytes()
    integration, version = _id_and_version(manifest, raw)
    repo = DirectoryRepository(directory, key_dir, now=now)
    path = manifest_path(integration, version)
    role = _role_for(repo.targets(), path)
    with repo.edit_targets(role) as targets:
        known = targets.targets.get(path)
        if known is not None and known != TargetFile.from_data(path, raw):
            raise ConfigurationError(
                f"{integration} {version} is already published with other content: "
                "publish a new version"
            )
        _put(repo, targets, path, raw)
        if signature is not None:
            _put(repo, targets, path + ".minisig", signature.read_bytes())
        versions = {str(v) for v in _listed(repo, targets, integration)} | {version}
        index = {"versions": sorted(versions, key=semantic_version.Version)}
        _put(repo, targets, index_path(integration), json.dumps(index, indent=1).encode())
    repo.publish()
    return Added(integration, version, role, hashlib.sha256(raw).hexdigest())


def _id_and_version(manifest: Path, raw: bytes) -> tuple[str, str]:
    try:
        data = load_yaml(raw)
        integration = check_id(str(data.get("id")))
        version = str(semantic_version.Version(str(data.get("version"))))
    except (YamlLoadError, ValueError) as exc:
        raise ConfigurationError(
            f"{manifest}: not a manifest with an id and a version ({exc})"
        ) from None
    return integration, version


def _role_for(targets: Targets, path: str) -> str:
    """The first publisher role trusted for `path` (as a client searches), else `targets`."""
    for name, _terminating in (
        targets.delegations.get_roles_for_target(path) if (targets.delegations is not None) else ()
    ):
        return name
    return Targets.type


def _put(repo: DirectoryRepository, targets: Targets, path: str, data: bytes) -> None:
    info = TargetFile.from_data(path, data)
    repo.store_target(path, data, info.hashes["sha256"])
    targets.targets[path] = info


def _listed(
    repo: DirectoryRepository, targets: Targets, integration: str
) -> list[semantic_version.Version]:
    info = targets.targets.get(index_path(integration))
    if info is None:
        return []
    stored = repo.targets_dir / integration / f"{info.hashes['sha256']}.index.json"
    return [semantic_version.Version(v) for v in json.loads(stored.read_bytes())["versions"]]


def refresh(directory: Path, key_dir: Path, *, now: datetime | None = None) -> list[str]:
    """Re-sign what is about to expire, then a new snapshot and timestamp; returns the roles.

    Root, targets and publishers' roles are re-signed when they expire within 30 days and
    their key is in the key folder (a publisher may keep its own); snapshot and timestamp
    always. A role about to expire whose key is missing is an error naming it.
    """
    when = now or datetime.now(UTC)
    repo = DirectoryRepository(directory, key_dir, now=when)
    delegations = repo.targets().delegations
    names = [Root.type, Targets.type, *((delegations.roles or {}) if delegations else ())]
    soon = when + timedelta(days=REFRESH_WITHIN_DAYS)
    resigned = []
    for name in names:
        if repo.open(name).signed.expires > soon:
            continue
        if not keys.key_file(key_dir, name).is_file():
            raise ConfigurationError(
                f"role {name!r} expires before {soon:%Y-%m-%d} and its key is not in {key_dir}"
            )
        with repo.edit(name):
            pass
        resigned.append(name)
    repo.publish()
    return [*resigned, Snapshot.type, Timestamp.type]
