"""What a target holds: its seeded documents by natural key, read page by page (pure container)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from seeding_suite.engine.checksum import combine
from seeding_suite.engine.duplicates import DuplicateKeys


@dataclass(frozen=True)
class StoredDoc:
    """One seeded document as the target reports it."""

    table: str
    natural_key: str
    integration: str
    checksum: str
    run_id: str
    drifted: bool = False  # its content no longer matches its checksum (edited by hand)
    payload: dict[str, object] | None = None  # read only when asked (plans, drift)
    size: int = 0  # Convex size of the stored user document: what replacing or deleting it
    # reads, and copies into the ledger


@dataclass
class TargetState:
    """Seeded documents keyed by (table, naturalKey), plus the integration nodes' versions."""

    docs: dict[tuple[str, str], StoredDoc] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    duplicates: DuplicateKeys = field(default_factory=DuplicateKeys, compare=False)
    _grouped: dict[str, list[StoredDoc]] | None = field(default=None, repr=False, compare=False)
    _checksums: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def add(self, doc: StoredDoc, version: str | None = None) -> None:
        key = (doc.table, doc.natural_key)
        held = self.docs.get(key)
        if held is not None:
            self.duplicates.note(held, doc)  # reported by state, drift and health, not hidden
        self.docs[key] = doc
        self._grouped = None
        self._checksums.clear()
        if version is not None:
            self.versions[doc.integration] = version

    def get(self, table: str, natural_key: str) -> StoredDoc | None:
        return self.docs.get((table, natural_key))

    def by_integration(self) -> dict[str, list[StoredDoc]]:
        """Documents grouped by integration (computed once; plans ask for it per integration)."""
        if self._grouped is None:
            grouped: dict[str, list[StoredDoc]] = defaultdict(list)
            for doc in self.docs.values():
                grouped[doc.integration].append(doc)
            self._grouped = dict(grouped)
        return self._grouped

    def checksum_of(self, integration: str) -> str:
        """The combined checksum of the integration's stored documents (as desired state's)."""
        found = self._checksums.get(integration)
        if found is None:
            docs = self.by_integration().get(integration, [])
            found = self._checksums[integration] = combine(doc.checksum for doc in docs)
        return found

    def holds_exactly(self, integration: str, checksum: str) -> bool:
        """Whether the stored documents are exactly those of `checksum`, none edited by hand.

        Checksums cover table, key and content, so equal combined checksums mean equal sets.
        """
        docs = self.by_integration().get(integration, [])
        return self.checksum_of(integration) == checksum and not any(d.drifted for d in docs)

    def integrations(self) -> set[str]:
        return {doc.integration for doc in self.docs.values() if doc.table == "integrations"}
