"""pytest's own floor for the benchmark: K no-op items per manifest file, nothing read or parsed.

Loaded with `-p noop_floor` (bench/ on PYTHONPATH) instead of the seeding_suite plugin, so the
run has the plugin's collection shape (one file node per manifest, items named like its checks)
and measures only what pytest and xdist themselves cost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

CHECK_NAMES = (
    "parse",
    "schema",
    "references",
    "dependencies",
    "security",
    "idempotency",
    "signature",
)
ITEMS_OPTION = "--noop-items"


def pytest_addoption(parser: pytest.Parser) -> None:
    """The number of no-op items per manifest (default: one per validate-only check)."""
    parser.addoption(ITEMS_OPTION, type=int, default=len(CHECK_NAMES), help="items per file")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> NoopManifest | None:
    """Every *.yaml / *.yml file becomes a file node, as the real plugin does."""
    if file_path.suffix in (".yaml", ".yml"):
        return NoopManifest.from_parent(parent, path=file_path)
    return None


class NoopManifest(pytest.File):
    """A manifest file that yields K no-op items without opening the file."""

    def collect(self) -> Iterator[NoopCheck]:
        count: int = self.config.getoption(ITEMS_OPTION)
        for index in range(count):
            name = CHECK_NAMES[index] if index < len(CHECK_NAMES) else f"check-{index}"
            yield NoopCheck.from_parent(self, name=name)


class NoopCheck(pytest.Item):
    """An item that passes without doing anything."""

    def runtest(self) -> None:
        return None

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, self.name
