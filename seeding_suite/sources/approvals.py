"""approvals.toml: the reviewed community manifests that may seed beyond their source's
environments (staging, production), each pinned to the exact bytes that were reviewed.

    [[approval]]
    id = "acme-crm"
    version = "1.2.0"
    sha256 = "<hex SHA-256 of the manifest file's bytes>"
    approved_by = "..."
    reason = "..."

The path is `[tool.seeding_suite] approvals` (default `approvals.toml` at the project root; a
missing default file approves nothing). A changed file has another SHA-256: it is no longer
approved, and is skipped again until someone reviews and approves the new bytes.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from seeding_suite.errors import ConfigurationError
from seeding_suite.sources.config import did_you_mean, tool_table

if TYPE_CHECKING:
    from pathlib import Path

DEFAULT_PATH = "approvals.toml"
KEYS = ("id", "version", "sha256", "approved_by", "reason")
SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Approval:
    """One reviewed manifest: its id, version and the SHA-256 of its bytes."""

    id: str
    version: str
    sha256: str
    approved_by: str
    reason: str


@dataclass(frozen=True)
class Approvals:
    """Every approval of the project (looked up by id, version and bytes)."""

    approvals: tuple[Approval, ...] = ()

    def covers(self, integration: str, version: str | None, sha256: str | None) -> bool:
        """Whether these exact bytes of this id and version were approved."""
        return any(
            (a.id, a.version, a.sha256) == (integration, version, sha256) for a in self.approvals
        )


def load_approvals(rootdir: Path) -> Approvals:
    """The project's approvals. Raises ConfigurationError for a malformed file (or a configured
    file that is missing), naming the entry and key."""
    configured = tool_table(rootdir).get("approvals")
    if configured is not None and not isinstance(configured, str):
        raise ConfigurationError("[tool.seeding_suite] approvals must be a path")
    path = rootdir / (configured or DEFAULT_PATH)
    if not path.is_file():
        if configured is None:
            return Approvals()
        raise ConfigurationError(f"approvals file {configured!r} not found")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"approvals file {path.name}: {exc}") from exc
    unknown = sorted(set(data) - {"approval"})
    if unknown:
        raise ConfigurationError(
            f"{path.name}: unknown table {unknown[0]!r}{did_you_mean(unknown[0], ['approval'])}"
        )
    entries = data.get("approval", [])
    if not isinstance(entries, list):
        raise ConfigurationError(f"{path.name}: [[approval]] must be an array of tables")
    return Approvals(tuple(_approval(path.name, i, e) for i, e in enumerate(entries, 1)))


def _approval(name: str, number: int, entry: object) -> Approval:
    where = f"{name}: [[approval]] #{number}"
    if not isinstance(entry, dict):
        raise ConfigurationError(f"{where} must be a table")
    unknown = sorted(set(entry) - set(KEYS))
    if unknown:
        raise ConfigurationError(
            f"{where}: unknown key {unknown[0]!r}{did_you_mean(unknown[0], KEYS)}"
        )
    for key in KEYS:
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise ConfigurationError(f"{where}: {key} must be a non-empty string")
    if not SHA256.fullmatch(entry["sha256"]):
        raise ConfigurationError(f"{where}: sha256 must be 64 lowercase hex digits")
    return Approval(*(entry[key] for key in KEYS))
