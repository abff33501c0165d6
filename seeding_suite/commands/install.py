"""`seeding-suite install ID[@RANGE] --source NAME`: pin a registry manifest for this project.

Resolves the newest version the npm-style range accepts (any version without one), verifies it
through TUF and writes its id, version, sha256, source and range to marketplace.lock. Exit 0
when pinned; 2 when it cannot be (unknown source, no matching version, a refused registry).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from seeding_suite.sources import load_sources
from seeding_suite.sources.registries.install import install
from seeding_suite.sources.registry import registry_sources

if TYPE_CHECKING:
    import argparse


def cmd_install(args: argparse.Namespace) -> int:
    """Install a manifest from a registry source and pin it in marketplace.lock."""
    root = Path.cwd()
    pin = install(root, registry_sources(load_sources(root)), args.requirement, args.source)
    print(
        f"installed {pin.id} {pin.version} from {pin.source} "
        f"(range {pin.range}, sha256 {pin.sha256[:16]}...)"
    )
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("install", help=cmd_install.__doc__, description=__doc__)
    parser.add_argument("requirement", metavar="ID[@RANGE]", help="e.g. acme-crm or acme-crm@^1.2")
    parser.add_argument(
        "--source", required=True, metavar="NAME", help="a registry source of pyproject.toml"
    )
    parser.set_defaults(run=cmd_install)
