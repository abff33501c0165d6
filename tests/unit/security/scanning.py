"""Scan a manifest text as the security check does, with a chosen trust and settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from seeding_suite.loading.source import ManifestSource
from seeding_suite.security.model import Document, Identity
from seeding_suite.security.scan import Place, scan
from seeding_suite.security.settings import SecuritySettings

if TYPE_CHECKING:
    from pathlib import Path

    from seeding_suite.findings import Finding
    from seeding_suite.security.model import Trust

STRIPE = Identity("stripe", "Stripe")
OFFICIALS = (STRIPE, Identity("github", "GitHub"), Identity("http-core", "HTTP Core"))


def scan_text(
    tmp_path: Path,
    text: str,
    *,
    trust: Trust = "official",
    settings: SecuritySettings | None = None,
    officials: tuple[Identity, ...] = OFFICIALS,
    name: str = "acme.yaml",
) -> list[Finding]:
    """The security findings of `text` written as manifests/`name` under `tmp_path`."""
    path = tmp_path / "manifests" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    source = ManifestSource(path, f"manifests/{name}")
    data = source.parsed().data
    assert data is not None, source.parsed().findings
    document = Document(data, text, trust, officials, source.path_at)
    place = Place(source.display, source.locate, source.path_at)
    return scan(document, settings or SecuritySettings(), place)


def rules_and_lines(findings: list[Finding]) -> list[tuple[str | None, int | None]]:
    return [(f.rule, f.line) for f in findings]
