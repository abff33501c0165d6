"""Manifest texts for the check tests: a valid base, written into a throwaway catalog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from seeding_suite.discovery.catalog import Catalog

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

BASE = """\
manifest_version: 1
id: {id}
name: {id}
version: {version}
"""


def manifest_text(integration: str, version: str = "1.0.0", body: str = "") -> str:
    """A valid manifest for `integration`, with `body` (more YAML keys) appended."""
    return BASE.format(id=integration, version=version) + body


def catalog_of(root: Path, files: Mapping[str, str | bytes]) -> Catalog:
    """A catalog over `root`/manifests holding `files` (name -> text or bytes)."""
    manifests = root / "manifests"
    manifests.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        target = manifests / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return Catalog([manifests], root)
