"""::security — what a manifest contains must not leak, phish, impersonate or exhaust (issue 15).

The rules live in `seeding_suite.security` (one module each); this check feeds them the file's
data and raw text (comments included) and turns their hits into findings. Only `error`
findings fail the item (the manifest is then never seeded); warnings and info pass and are
reported. Community manifests get stricter severities than official ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from seeding_suite.loading.yaml import YamlLoadError, decode_utf8
from seeding_suite.security.model import Document, HostList
from seeding_suite.security.scan import CHECK, Place, scan
from seeding_suite.security.settings import SecuritySettings
from seeding_suite.security.trust import official_identities, source_hosts, trust_of

if TYPE_CHECKING:
    from pathlib import Path

    from seeding_suite.discovery.catalog import Catalog
    from seeding_suite.findings import Finding
    from seeding_suite.loading.source import ManifestSource


@dataclass(frozen=True)
class SecurityCheck:
    """The security rules with the project's settings (their repr is part of the cache key)."""

    settings: SecuritySettings = field(default_factory=SecuritySettings)
    name: str = CHECK
    requires: tuple[str, ...] = ("parse",)
    description: str = "no secrets, unsafe URLs, markup, hidden characters, lookalikes or bombs"

    def run(self, source: ManifestSource, catalog: Catalog) -> list[Finding]:
        try:
            text = decode_utf8(source.raw())
        except (OSError, YamlLoadError):
            return []  # the parse check reports an unreadable file; it is required
        trust = trust_of(catalog, source.path)
        officials = official_identities(catalog) if trust != "official" else ()
        document = Document(source.parsed().data, text, trust, officials, source.path_at)
        settings = self._with_source_hosts(source_hosts(catalog, source.path))
        return scan(document, settings, Place(source.display, source.locate, source.path_at))

    def _with_source_hosts(self, hosts: tuple[str, ...]) -> SecuritySettings:
        """The project's allowlist plus the manifest's source's own (`allowed_hosts`)."""
        if not hosts:
            return self.settings
        context = self.settings.context
        allowed = HostList(context.allowed_hosts.hosts | frozenset(hosts))
        return replace(self.settings, context=replace(context, allowed_hosts=allowed))

    def catalog_inputs(self, catalog: Catalog, path: Path) -> object:
        """What a verdict reads from the catalog besides the file (part of its cache key)."""
        trust = trust_of(catalog, path)
        officials = official_identities(catalog) if trust != "official" else ()
        return [trust, [[o.id, o.name] for o in officials], list(source_hosts(catalog, path))]
