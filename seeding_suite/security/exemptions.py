"""Exemptions: reviewed exceptions to the security rules, each with a written reason.

    # security-exemptions.toml, at the project root (path: [tool.seeding_suite.security])
    [[exemption]]
    id = "acme-crm"                       # the integration
    rule = "urls.off-allowlist"           # a rule (`urls`) or one of its sub-rules
    field = "actions[0].description"      # optional: only findings at or under this field
    reason = "the vendor's status page"   # required, not empty
    approved_by = "security@example.com"

An exemption that matches no finding is itself reported (`exemptions.stale`), so the file only
holds exceptions that are still needed.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from seeding_suite.errors import ConfigurationError
from seeding_suite.findings import Exempted, format_path

if TYPE_CHECKING:
    from pathlib import Path

    from seeding_suite.security.model import Hit

HEADER = re.compile(r"(?m)^[ \t]*\[\[[ \t]*exemption[ \t]*\]\]")


@dataclass(frozen=True)
class Exemption:
    """One reviewed exception; `line` is where its `[[exemption]]` header is."""

    id: str
    rule: str
    reason: str
    field: str | None = None
    approved_by: str | None = None
    line: int | None = None

    def covers(self, integration: str | None, hit: Hit) -> bool:
        if integration != self.id or self.rule not in (hit.kind, hit.rule):
            return False
        if self.field is None:
            return True
        shown = format_path(hit.path)
        return shown == self.field or shown.startswith((f"{self.field}.", f"{self.field}["))

    def exempted(self, file: str) -> Exempted:
        """What a finding this exemption covers carries; `file` is the exemptions file."""
        return Exempted(self.reason, self.approved_by, file, self.line)

    def describe(self) -> str:
        where = f" at {self.field}" if self.field else ""
        return f"exemption of {self.rule}{where} for {self.id}"


@dataclass(frozen=True)
class Exemptions:
    """The exemptions file's entries; `file` is its path relative to the project (messages)."""

    entries: tuple[Exemption, ...] = ()
    file: str = "security-exemptions.toml"

    def for_id(self, integration: str | None) -> list[Exemption]:
        return [e for e in self.entries if e.id == integration]


def load_exemptions(path: Path, rootdir: Path) -> Exemptions:
    """The entries of `path` (none when it does not exist); ConfigurationError when malformed."""
    try:
        shown = path.resolve().relative_to(rootdir.resolve()).as_posix()
    except ValueError:
        shown = path.as_posix()
    if not path.is_file():
        return Exemptions((), shown)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"{shown}: cannot read the exemptions: {exc}") from exc
    unknown = sorted(set(data) - {"exemption"})
    if unknown:
        raise ConfigurationError(f"{shown}: unknown table {unknown[0]!r}; write [[exemption]]")
    raw = data.get("exemption", [])
    if not isinstance(raw, list):
        raise ConfigurationError(f"{shown}: write each exemption as an [[exemption]] table")
    lines = [text.count("\n", 0, m.start()) + 1 for m in HEADER.finditer(text)]
    entries = [
        _entry(item, shown, lines[index] if index < len(lines) else None)
        for index, item in enumerate(raw)
    ]
    return Exemptions(tuple(entries), shown)


def _entry(item: object, shown: str, line: int | None) -> Exemption:
    where = f"{shown}:{line}" if line else shown
    if not isinstance(item, dict):
        raise ConfigurationError(f"{where}: an exemption is a table")
    unknown = sorted(set(item) - {"id", "rule", "field", "reason", "approved_by"})
    if unknown:
        raise ConfigurationError(f"{where}: unknown key {unknown[0]!r} in an exemption")
    for key in ("id", "rule", "reason"):
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            hint = " (say why it is safe)" if key == "reason" else ""
            raise ConfigurationError(f"{where}: exemption needs a non-empty {key!r}{hint}")
    for key in ("field", "approved_by"):
        if key in item and not isinstance(item[key], str):
            raise ConfigurationError(f"{where}: exemption {key!r} must be a string")
    return Exemption(
        item["id"], item["rule"], item["reason"], item.get("field"), item.get("approved_by"), line
    )
