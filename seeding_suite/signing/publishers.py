"""`[tool.seeding_suite.publishers.NAME]`: each publisher's pinned minisign keys and its ids.

    [tool.seeding_suite.publishers.acme]
    keys = ["RWQ..."]   # the base64 line of each .pub file
    ids = ["acme-*"]    # globs of the integration ids this publisher may sign

A malformed table or key is a ConfigurationError at start-up: a typo must not leave a
publisher with no keys, which would refuse every manifest it signed with a puzzling reason.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import TYPE_CHECKING

from seeding_suite.errors import ConfigurationError
from seeding_suite.signing.minisign import BadPublicKey, PublicKey
from seeding_suite.sources.config import did_you_mean, tool_table

if TYPE_CHECKING:
    from pathlib import Path

KEYS = frozenset({"keys", "ids"})


@dataclass(frozen=True)
class Publisher:
    """One publisher: the keys that sign for it and the ids it may sign."""

    name: str
    keys: tuple[PublicKey, ...]
    ids: tuple[str, ...]

    def covers(self, integration: str) -> bool:
        """Whether the publisher's `ids` globs include this integration id."""
        return any(fnmatch.fnmatchcase(integration, pattern) for pattern in self.ids)


def load_publishers(rootdir: Path) -> tuple[Publisher, ...]:
    """The configured publishers, sorted by name (none: an empty tuple)."""
    tables = tool_table(rootdir).get("publishers", {})
    if not isinstance(tables, dict):
        raise ConfigurationError("[tool.seeding_suite.publishers] must be a table of publishers")
    return tuple(_publisher(name, tables[name]) for name in sorted(tables))


def _publisher(name: str, table: object) -> Publisher:
    where = f"[tool.seeding_suite.publishers.{name}]"
    if not isinstance(table, dict):
        raise ConfigurationError(f"{where} must be a table with keys and ids")
    unknown = sorted(set(table) - KEYS)
    if unknown:
        raise ConfigurationError(
            f"{where}: unknown key {unknown[0]!r}{did_you_mean(unknown[0], KEYS)}; "
            "a publisher takes keys and ids"
        )
    keys, ids = _strings(table, "keys", where), _strings(table, "ids", where)
    parsed = []
    for index, text in enumerate(keys):
        try:
            parsed.append(PublicKey.parse(text))
        except BadPublicKey as exc:
            raise ConfigurationError(f"{where}: keys[{index}]: {exc}") from None
    return Publisher(name, tuple(parsed), ids)


def _strings(table: dict[str, object], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ConfigurationError(f"{where}: {key} must be a non-empty list of strings")
    return tuple(value)
