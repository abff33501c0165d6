"""The project's registry sources (`kind = "registry"` in `[[tool.seeding_suite.sources]]`).

Where a registry's local state lives: `.seeding/registries/<name>/` under the project root.
"""

from __future__ import annotations

import tomllib
from typing import TYPE_CHECKING

from seeding_suite.errors import ConfigurationError
from seeding_suite.registries.client import RegistrySource

if TYPE_CHECKING:
    from pathlib import Path


def cache_dir(rootdir: Path, name: str) -> Path:
    return rootdir / ".seeding" / "registries" / name


def registry_sources(rootdir: Path) -> dict[str, RegistrySource]:
    """The registry sources configured in the project's pyproject.toml, by name."""
    pyproject = rootdir / "pyproject.toml"
    if not pyproject.is_file():
        return {}
    table = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {})
    sources = table.get("seeding_suite", {}).get("sources", [])
    found: dict[str, RegistrySource] = {}
    for entry in sources:
        if entry.get("kind") != "registry":
            continue
        name, url, root = entry.get("name"), entry.get("url"), entry.get("root")
        if not all(isinstance(v, str) for v in (name, url, root)):
            raise ConfigurationError("a registry source needs name, url and root (strings)")
        found[name] = RegistrySource(name, url, rootdir / root)
    return found
