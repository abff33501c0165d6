"""The security settings: `[tool.seeding_suite.security]` in pyproject.toml.

    [tool.seeding_suite.security]
    exemptions = "security-exemptions.toml"   # default; a missing file means none
    denylist = "security/denylist.txt"        # optional: one host per line (hosts format too)
    allowed_hosts = ["api.stripe.com"]        # optional: other hosts warn (community: fail)
    max_enum = 1000
    max_examples = 100
    max_schema_depth = 32
    min_blob_length = 64

    [tool.seeding_suite.security.community]  # or .official: per rule or sub-rule id
    "urls.off-allowlist" = "warning"          # error | warning | info | off

A mistake here is a ConfigurationError naming the key, at start-up.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from seeding_suite.errors import ConfigurationError
from seeding_suite.security.exemptions import Exemptions, load_exemptions
from seeding_suite.security.model import SEVERITIES, Context, HostList, Limits
from seeding_suite.security.rules import RULES

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from seeding_suite.findings import Severity
    from seeding_suite.security.model import Kind, Trust

TABLE = "[tool.seeding_suite.security]"
DEFAULT_EXEMPTIONS = "security-exemptions.toml"
LEVELS = (*SEVERITIES, "off")
TRUSTS: tuple[Trust, ...] = ("official", "community")


@dataclass(frozen=True)
class SecuritySettings:
    """Everything the security check's verdicts depend on besides the manifest (its repr too).

    `levels` maps (trust, sub-rule id) to a severity, or None when the sub-rule is off.
    """

    context: Context = field(default_factory=Context)
    levels: tuple[tuple[tuple[str, str], Severity | None], ...] = field(
        default_factory=lambda: default_levels()
    )
    exemptions: Exemptions = field(default_factory=Exemptions)

    def level(self, trust: Trust, kind: str) -> Severity | None:
        return dict(self.levels).get((trust, kind))


def all_kinds() -> list[Kind]:
    return [kind for rule in RULES for kind in rule.kinds]


def default_levels(
    overrides: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[tuple[tuple[str, str], Severity | None], ...]:
    """Each sub-rule's severity per trust level: its default, then a rule's, then its own."""
    overrides = overrides or {}
    levels: list[tuple[tuple[str, str], Severity | None]] = []
    for trust in TRUSTS:
        table = overrides.get(trust, {})
        for kind in all_kinds():
            default: Severity | None = kind.official if trust == "official" else kind.community
            chosen = table.get(kind.id, table.get(kind.id.partition(".")[0]))
            level = default if chosen is None else _level(chosen, trust, kind.id)
            levels.append(((trust, kind.id), level))
    return tuple(levels)


def _level(value: str, trust: str, kind: str) -> Severity | None:
    if value not in LEVELS:
        raise ConfigurationError(
            f"{TABLE}.{trust}: {kind} must be one of {', '.join(LEVELS)}, got {value!r}"
        )
    return None if value == "off" else value  # type: ignore[return-value]  # checked above


def load_security_settings(rootdir: Path) -> SecuritySettings:
    """The settings of the project at `rootdir` (defaults when pyproject has no table)."""
    table = _table(rootdir)
    known = {kind.id for kind in all_kinds()} | {rule.id for rule in RULES}
    overrides: dict[str, dict[str, str]] = {}
    for trust in TRUSTS:
        chosen = table.get(trust, {})
        if not isinstance(chosen, dict):
            raise ConfigurationError(f"{TABLE}.{trust} must be a table of rule = level")
        unknown = sorted(set(chosen) - known)
        if unknown:
            raise ConfigurationError(
                f"{TABLE}.{trust}: unknown rule {unknown[0]!r} (known: {', '.join(sorted(known))})"
            )
        overrides[trust] = {str(k): str(v) for k, v in chosen.items()}
    limits = Limits(
        **{
            name: _count(table, name, getattr(Limits(), name))
            for name in Limits.__dataclass_fields__
        }
    )
    denylist = table.get("denylist")
    context = Context(
        limits=limits,
        denylist=read_host_file(rootdir / str(denylist)) if denylist else HostList(),
        allowed_hosts=HostList(frozenset(_strings(table, "allowed_hosts"))),
    )
    exemptions_file = rootdir / str(table.get("exemptions", DEFAULT_EXEMPTIONS))
    return SecuritySettings(
        context, default_levels(overrides), load_exemptions(exemptions_file, rootdir)
    )


def _table(rootdir: Path) -> dict[str, Any]:
    pyproject = rootdir / "pyproject.toml"
    if not pyproject.is_file():
        return {}
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}  # the project's own settings reader names a broken pyproject
    table = data.get("tool", {}).get("seeding_suite", {}).get("security", {})
    if not isinstance(table, dict):
        raise ConfigurationError(f"{TABLE} must be a table")
    return table


def _count(table: Mapping[str, Any], name: str, default: int) -> int:
    value = table.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigurationError(
            f"{TABLE} {name} must be a whole number (1 or more), got {value!r}"
        )
    return value


def _strings(table: Mapping[str, Any], name: str) -> list[str]:
    value = table.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigurationError(f"{TABLE} {name} must be a list of strings")
    return [v.lower().rstrip(".") for v in value]


def read_host_file(path: Path) -> HostList:
    """A denylist as threat feeds ship them: a host per line, or `0.0.0.0 host` (hosts files).

    `#` starts a comment. A missing file is a ConfigurationError: a denylist that silently
    lists nothing protects nothing.
    """
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise ConfigurationError(f"{TABLE} denylist {path}: {exc.strerror or exc}") from exc
    hosts: set[str] = set()
    for line in text.splitlines():
        words = line.partition("#")[0].split()
        if words:
            hosts.add(words[-1].lower().rstrip("."))
    return HostList(frozenset(hosts))
