"""::signature — who published the manifest, proved by a minisign signature beside it.

Official manifests pass unsigned (a present signature is still verified). A community or
registry manifest passes only when `<file>.minisig` verifies with a key pinned for its
`publisher:`, that publisher's `ids` cover its id, and the trusted comment names exactly its
`<id>@<version>`, so a valid signature cannot be replayed onto another manifest or version.
Each refusal says which rule failed. The signature file's bytes are part of the check's cache
key (seeding_suite.discovery.catalog), so a pass is reused only for the same signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from seeding_suite.findings import Finding
from seeding_suite.signing.minisign import (
    KeyNotPinned,
    Signature,
    SignatureRefused,
    read_signature,
    signature_file,
    tokens,
    verify,
)
from seeding_suite.sources.config import did_you_mean

if TYPE_CHECKING:
    from seeding_suite.discovery.catalog import Catalog
    from seeding_suite.findings import FieldPath
    from seeding_suite.loading.source import ManifestSource
    from seeding_suite.signing.publishers import Publisher

NAME = "signature"


@dataclass(frozen=True)
class SignatureCheck:
    """A community manifest is signed by its publisher; an official one, if signed, verifies."""

    name: str = NAME
    requires: tuple[str, ...] = ("schema",)
    description: str = "community and registry manifests are signed by a pinned publisher key"
    publishers: tuple[Publisher, ...] = ()

    def run(self, source: ManifestSource, catalog: Catalog) -> list[Finding]:
        refusal = self.refusal(source, catalog)
        if refusal is None:
            return []
        path, message = refusal
        return [Finding(NAME, source.display, message, path, *source.locate(path))]

    def refusal(self, source: ManifestSource, catalog: Catalog) -> tuple[FieldPath, str] | None:
        """Why the manifest's signature is refused (the field it is about), or None."""
        manifest = source.manifest
        entry = catalog.entry(source.path)
        official = entry is not None and entry.trust == "official"
        sidecar = signature_file(source.path)
        token = f"{manifest.id}@{manifest.version}"
        if not sidecar.exists():
            if official:
                return None
            origin = f"source {entry.source!r}" if entry is not None else "its source"
            return (), (
                f"unsigned: {sidecar.name} is missing; {origin} is community, so its manifests "
                f"must be signed by their publisher (minisign -S -m {source.path.name} "
                f'-t "{token}")'
            )
        by_name = {p.name: p for p in self.publishers}
        if manifest.publisher is None:
            return (), "the manifest is signed but names no publisher (add `publisher: NAME`)"
        publisher = by_name.get(manifest.publisher)
        if publisher is None:
            close = did_you_mean(manifest.publisher, by_name)
            return ("publisher",), (
                f"unknown publisher {manifest.publisher!r}{close}: no "
                f"[tool.seeding_suite.publishers.{manifest.publisher}] pins its keys"
            )
        if not publisher.covers(manifest.id):
            return ("id",), (
                f"id {manifest.id!r} is outside publisher {publisher.name}'s ids "
                f"({', '.join(publisher.ids)}): it may not sign this manifest"
            )
        try:
            signature = Signature.parse(read_signature(sidecar))
            verify(source.raw(), signature, publisher.keys)
        except KeyNotPinned as exc:
            pinned = ", ".join(k.shown_id for k in publisher.keys)
            return (), (
                f"signed with key {exc.shown_id}, which is not pinned for publisher "
                f"{publisher.name} (pinned: {pinned})"
            )
        except SignatureRefused as exc:
            return (), f"{sidecar.name}: {exc}"
        except OSError as exc:
            return (), f"{sidecar.name} cannot be read: {exc.strerror or type(exc).__name__}"
        if token not in tokens(signature.trusted_comment):
            return (), (
                f"the trusted comment {signature.trusted_comment!r} is for another manifest or "
                f"version: it must contain the token {token}"
            )
        return None
