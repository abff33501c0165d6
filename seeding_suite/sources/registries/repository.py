"""A TUF repository in a directory, as any static web server can serve it.

Built on python-tuf's `tuf.repository.Repository` (open, close, snapshot, timestamp): this
module only says where the files are and who signs. Layout of DIR:

    metadata/N.root.json, root.json      every root version (clients walk them), and the latest
    metadata/timestamp.json              the only unversioned file clients read
    metadata/N.<role>.json               snapshot, targets and each publisher's role
    metadata/<role>.json                 the latest of each, for this tool to read back
    targets/<id>/<version>/<sha256>.<id>.yaml   files under their hash (consistent snapshots)

Consistent snapshots mean a client that reads while the maintainer publishes sees one whole
version of the repository, never a mix. Every close() bumps the role's version, sets a fresh
expiry and signs with the role's key from the key folder (keys.py).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tuf.api.metadata import (
    Metadata,
    MetaFile,
    Root,
    Snapshot,
    Targets,
    Timestamp,
)
from tuf.repository import Repository

from seeding_suite.errors import ConfigurationError
from seeding_suite.sources.registries import keys

if TYPE_CHECKING:
    from pathlib import Path

    from securesystemslib.signer import Key

TOP_LEVEL = (Root.type, Targets.type, Snapshot.type, Timestamp.type)
# How long each role's signature holds: the timestamp is re-signed most often (`registry
# refresh`), the root, whose key should stay offline, least.
EXPIRY_DAYS = {Root.type: 365, Timestamp.type: 7, Snapshot.type: 30}
DELEGATED_EXPIRY_DAYS = 90


def expiry_days(role: str) -> int:
    return EXPIRY_DAYS.get(role, DELEGATED_EXPIRY_DAYS)


def _write(path: Path, data: bytes) -> None:
    """Write through a temporary file: a web server never serves half a file."""
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)


class DirectoryRepository(Repository):
    """The repository at `directory`, signed with the keys in `key_dir`."""

    def __init__(self, directory: Path, key_dir: Path, *, now: datetime | None = None) -> None:
        self.directory = directory
        self.metadata_dir = directory / "metadata"
        self.targets_dir = directory / "targets"
        self.key_dir = key_dir
        self._now = now or datetime.now(UTC)

    def exists(self) -> bool:
        return (self.metadata_dir / "root.json").is_file()

    def open(self, role: str) -> Metadata[Any]:
        path = self.metadata_dir / f"{role}.json"
        if path.is_file():
            return Metadata.from_file(str(path))
        if role == Root.type:
            raise ConfigurationError(f"{self.directory}: not a registry (run `registry init`)")
        signed = (
            Timestamp()
            if role == Timestamp.type
            else Snapshot()
            if role == Snapshot.type
            else Targets()
        )
        signed.version = 0  # close() makes it version 1
        return Metadata(signed)

    def close(self, role: str, md: Metadata[Any]) -> None:
        md.signed.version += 1
        md.signed.expires = (self._now + timedelta(days=expiry_days(role))).replace(microsecond=0)
        md.signatures.clear()
        for public in self._public_keys(role, md):
            signer = keys.load(self.key_dir, role, public)
            if signer is not None:
                md.sign(signer, append=True)
        if not md.signatures:
            raise ConfigurationError(
                f"the key of role {role!r} is not in {self.key_dir} ({role}.pem): cannot sign"
            )
        data = md.to_bytes()
        self.metadata_dir.mkdir(parents=True, exist_ok=True)
        if role != Timestamp.type:
            _write(self.metadata_dir / f"{md.signed.version}.{role}.json", data)
        _write(self.metadata_dir / f"{role}.json", data)

    def _public_keys(self, role: str, md: Metadata[Any]) -> list[Key]:
        """The keys trusted for `role`: from root (top-level roles) or from `targets`."""
        if role == Root.type:
            assert isinstance(md.signed, Root)
            root = md.signed
        elif role in TOP_LEVEL:
            root = self.root()
        else:
            delegations = self.targets().delegations
            if delegations is None or delegations.roles is None or role not in delegations.roles:
                raise ConfigurationError(f"no publisher role {role!r} is delegated")
            delegated = delegations.roles[role]
            return [delegations.keys[k] for k in delegated.keyids]
        return [root.keys[k] for k in root.roles[role].keyids]

    @property
    def targets_infos(self) -> dict[str, MetaFile]:
        """The current version of `targets` and of every publisher's role."""
        infos = {f"{Targets.type}.json": MetaFile(self.targets().version)}
        delegations = self.targets().delegations
        for name in (delegations.roles or {}) if delegations is not None else ():
            infos[f"{name}.json"] = MetaFile(self.targets(name).version)
        return infos

    @property
    def snapshot_info(self) -> MetaFile:
        return MetaFile(self.snapshot().version)

    def publish(self) -> None:
        """A new snapshot and timestamp over the current roles (each role signed already)."""
        self.do_snapshot(force=True)
        self.do_timestamp(force=True)

    def store_target(self, path: str, data: bytes, sha256: str) -> None:
        """Write a target file under its hash, as consistent-snapshot clients ask for it."""
        directory, _, name = path.rpartition("/")
        folder = self.targets_dir / directory
        folder.mkdir(parents=True, exist_ok=True)
        _write(folder / f"{sha256}.{name}", data)
