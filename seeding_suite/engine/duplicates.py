"""Natural keys a target holds more than once: seen as rows are read, never hidden.

A target holds at most one document per (table, naturalKey) when only the seeder writes it.
A second one comes from outside: two writers on one embedded store (before the store lock
covered `serve`), a hand edit, an import. The state is keyed by natural key, so the later row
would silently replace the earlier; `DuplicateKeys` is told of every such collision while the
rows are read and keeps them, for `state`, `drift` and the health check to report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seeding_suite.engine.state import StoredDoc


@dataclass(frozen=True)
class DuplicateKey:
    """One natural key held by more than one document, with each document's integration."""

    table: str
    natural_key: str
    integrations: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.integrations)

    def describe(self) -> str:
        owners = ", ".join(sorted(set(self.integrations)))
        return (
            f"{self.table} {self.natural_key}: {self.count} documents for one natural key "
            f"(integration {owners})"
        )


class DuplicateKeys:
    """The natural keys seen more than once while one target state was read."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], list[str]] = {}

    def note(self, held: StoredDoc, again: StoredDoc) -> None:
        """`again` was read for the key `held` already has."""
        owners = self._seen.setdefault((held.table, held.natural_key), [held.integration])
        owners.append(again.integration)

    def all(self) -> list[DuplicateKey]:
        return [DuplicateKey(t, k, tuple(owners)) for (t, k), owners in sorted(self._seen.items())]

    def of(self, integration: str) -> list[DuplicateKey]:
        """The duplicated keys any of whose documents belongs to `integration`."""
        return [d for d in self.all() if integration in d.integrations]

    def __bool__(self) -> bool:
        return bool(self._seen)
