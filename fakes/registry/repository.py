"""An in-memory TUF repository, built with the real python-tuf, with every published file kept.

The model of the fake registry: roles signed with keys generated in memory, a publisher role
per delegation, and `files`, the URL paths a static server would serve (consistent snapshots:
`metadata/N.<role>.json`, `metadata/timestamp.json`, `targets/<dir>/<sha256>.<name>`). Every
published version stays in `history`, so an attack (attacks.py) can serve an old one.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from securesystemslib.signer import CryptoSigner
from tuf.api.metadata import (
    DelegatedRole,
    Delegations,
    Metadata,
    MetaFile,
    Root,
    Snapshot,
    TargetFile,
    Targets,
    Timestamp,
)

TOP_LEVEL = (Root.type, Targets.type, Snapshot.type, Timestamp.type)


class FakeRepository:
    """A registry's repository; `publish()` makes the current roles servable.

    `threshold` keys are made for each top-level role, and each signs (attacks may drop one).
    """

    def __init__(self, *, threshold: int = 1, lifetime: timedelta = timedelta(days=30)) -> None:
        self.lifetime = lifetime
        self.signers: dict[str, list[CryptoSigner]] = {}
        self.roles: dict[str, Metadata[Any]] = {}
        self.history: dict[str, list[bytes]] = {}
        self.files: dict[str, bytes] = {}
        self.versions: dict[str, list[str]] = {}
        root = Root(consistent_snapshot=True, expires=self._expiry())
        for role in TOP_LEVEL:
            self.signers[role] = [CryptoSigner.generate_ed25519() for _ in range(threshold)]
            for signer in self.signers[role]:
                root.add_key(signer.public_key, role)
            root.roles[role].threshold = threshold
        self.roles[Root.type] = Metadata(root)
        self.roles[Targets.type] = Metadata(Targets(expires=self._expiry()))
        self.roles[Snapshot.type] = Metadata(Snapshot(expires=self._expiry()))
        self.roles[Timestamp.type] = Metadata(Timestamp(expires=self._expiry()))
        self._changed = set(self.roles)

    def _expiry(self) -> datetime:
        return (datetime.now(UTC) + self.lifetime).replace(microsecond=0)

    @property
    def root_bytes(self) -> bytes:
        """Root version 1, the file a project pins."""
        return self.history[Root.type][0]

    def targets(self, role: str = Targets.type) -> Targets:
        signed = self.roles[role].signed
        assert isinstance(signed, Targets)
        return signed

    def delegate(self, name: str, paths: list[str]) -> None:
        """A publisher role trusted (terminating) for `paths` only, with its own key."""
        top = self.targets()
        if top.delegations is None:
            top.delegations = Delegations(keys={}, roles={})
        assert top.delegations.roles is not None
        top.delegations.roles[name] = DelegatedRole(name, [], 1, True, paths=paths)
        self.signers[name] = [CryptoSigner.generate_ed25519()]
        top.add_key(self.signers[name][0].public_key, name)
        self.roles[name] = Metadata(Targets(expires=self._expiry()))
        self._changed |= {Targets.type, name}

    def role_for(self, path: str) -> str:
        """The publisher role a client would search for `path`, else `targets`."""
        delegations = self.targets().delegations
        for name, _ in delegations.get_roles_for_target(path) if delegations else ():
            return name
        return Targets.type

    def add_target(self, path: str, data: bytes, role: str | None = None) -> None:
        """List `data` as target `path` in `role` (default: the role trusted for the path)."""
        role = role or self.role_for(path)
        info = TargetFile.from_data(path, data)
        self.targets(role).targets[path] = info
        folder, _, name = path.rpartition("/")
        self.files[f"targets/{folder}/{info.hashes['sha256']}.{name}"] = data
        self._changed.add(role)

    def add_manifest(
        self, integration: str, version: str, manifest: bytes, signature: bytes | None = None
    ) -> None:
        """A manifest (and its signature) at the paths the client reads, and its id's index."""
        base = f"{integration}/{version}/{integration}.yaml"
        self.add_target(base, manifest)
        if signature is not None:
            self.add_target(base + ".minisig", signature)
        self.versions.setdefault(integration, []).append(version)
        index = json.dumps({"versions": self.versions[integration]}).encode()
        self.add_target(f"{integration}/index.json", index)

    def mark_changed(self, role: str) -> None:
        """Publish a new version of `role` next time even though nothing in it changed."""
        self._changed.add(role)

    def sign(self, role: str, md: Metadata[Any], signers: list[CryptoSigner] | None = None) -> None:
        md.signatures.clear()
        for signer in self.signers[role] if signers is None else signers:
            md.sign(signer, append=True)

    def publish(self) -> None:
        """New versions of the changed roles, then of snapshot and timestamp, made servable."""
        if Root.type in self._changed:
            self._store(Root.type)
        for role in sorted(self._changed - {Root.type, Snapshot.type, Timestamp.type}):
            self._store(role)
        snapshot = self.roles[Snapshot.type].signed
        assert isinstance(snapshot, Snapshot)
        for role in self.roles:
            if role not in (Root.type, Snapshot.type, Timestamp.type):
                snapshot.meta[f"{role}.json"] = MetaFile(self.roles[role].signed.version)
        self._store(Snapshot.type)
        timestamp = self.roles[Timestamp.type].signed
        assert isinstance(timestamp, Timestamp)
        timestamp.snapshot_meta = MetaFile(snapshot.version)
        self._store(Timestamp.type)
        self._changed = set()

    def _store(self, role: str) -> None:
        md = self.roles[role]
        if self.history.get(role):
            md.signed.version += 1
        md.signed.expires = self._expiry()
        self.sign(role, md)
        data = md.to_bytes()
        self.history.setdefault(role, []).append(data)
        self.serve_as(role, data)

    def serve_as(self, role: str, data: bytes, version: int | None = None) -> None:
        """Serve `data` where a client asks for `role` (version: default the current one)."""
        if role == Timestamp.type:
            self.files["metadata/timestamp.json"] = data
            return
        number = self.roles[role].signed.version if version is None else version
        self.files[f"metadata/{number}.{role}.json"] = data
