"""The fake registry misbehaving on purpose: each function is one attack on a client.

Each leaves the repository's honest history alone and changes what is served, as a
compromised mirror or a stolen key would. python-tuf's client must refuse every one:

- `expire_timestamp`: a timestamp whose signature is valid but expired (freeze);
- `replay_timestamp`: the previous timestamp again, to a client that saw a newer (freeze);
- `rollback_snapshot`: a new snapshot version number served with the old snapshot's bytes;
- `mix_and_match`: a new targets version number served with the old targets' bytes;
- `tamper_target`: a target file's bytes changed after signing;
- `wrong_key`: a role signed by a key root does not trust;
- `drop_signature`: a role signed by one key fewer than its threshold;
- `sign_outside_paths`: a publisher listing a target outside its delegated paths.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from securesystemslib.signer import CryptoSigner
from tuf.api.metadata import MetaFile, Root, Snapshot, Targets, Timestamp

if TYPE_CHECKING:
    from fakes.registry.repository import FakeRepository


def _resign(
    repo: FakeRepository,
    role: str,
    *,
    signers: list[CryptoSigner] | None = None,
    expires: datetime | None = None,
) -> None:
    """A new version of `role` (signed by `signers`, default its own keys), then honest
    snapshot and timestamp versions that point at it, so only `role` is at fault."""
    md = repo.roles[role]
    md.signed.version += 1
    md.signed.expires = expires or (datetime.now(UTC) + repo.lifetime).replace(microsecond=0)
    repo.sign(role, md, signers)
    repo.serve_as(role, md.to_bytes())
    if role in (Timestamp.type, Root.type):
        return
    if role != Snapshot.type:
        snapshot = repo.roles[Snapshot.type].signed
        assert isinstance(snapshot, Snapshot)
        snapshot.meta[f"{role}.json"] = MetaFile(md.signed.version)
        _resign(repo, Snapshot.type)
        return
    timestamp = repo.roles[Timestamp.type].signed
    assert isinstance(timestamp, Timestamp)
    timestamp.snapshot_meta = MetaFile(md.signed.version)
    _resign(repo, Timestamp.type)


def expire_timestamp(repo: FakeRepository) -> None:
    _resign(repo, Timestamp.type, expires=datetime.now(UTC) - timedelta(days=1))


def replay_timestamp(repo: FakeRepository) -> None:
    """Serve the timestamp before the current one (a client that saw the current refuses)."""
    older = repo.history[Timestamp.type]
    if len(older) < 2:
        raise ValueError("replay needs two published timestamps")
    repo.serve_as(Timestamp.type, older[-2])


def rollback_snapshot(repo: FakeRepository) -> None:
    """Publish again, then serve the previous snapshot's bytes under the new version."""
    repo.publish()
    old = repo.history[Snapshot.type][-2]
    repo.serve_as(Snapshot.type, old)


def mix_and_match(repo: FakeRepository) -> None:
    """Publish a new targets version, then serve the previous targets' bytes under its name."""
    repo.mark_changed(Targets.type)
    repo.publish()
    repo.serve_as(Targets.type, repo.history[Targets.type][-2])


def tamper_target(repo: FakeRepository, path: str, extra: bytes = b"\n# changed\n") -> None:
    """Change the served bytes of target `path` (its signed hashes stay)."""
    folder, _, name = path.rpartition("/")
    prefix, suffix = f"targets/{folder}/", f".{name}"
    served = [k for k in repo.files if k.startswith(prefix) and k.endswith(suffix)]
    if not served:
        raise KeyError(path)
    for key in served:
        repo.files[key] = repo.files[key] + extra


def wrong_key(repo: FakeRepository, role: str = Timestamp.type) -> None:
    _resign(repo, role, signers=[CryptoSigner.generate_ed25519()])


def drop_signature(repo: FakeRepository, role: str = Targets.type) -> None:
    _resign(repo, role, signers=repo.signers[role][:-1])


def sign_outside_paths(repo: FakeRepository, publisher: str, path: str, data: bytes) -> None:
    """`publisher` lists `path`, which its delegation does not cover, and publishes."""
    repo.add_target(path, data, role=publisher)
    repo.publish()
