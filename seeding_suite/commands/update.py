"""`seeding-suite update [ID...]`: move marketplace.lock's pins to the newest version in range.

Each pin moves within the range it was installed with; the new files are verified through TUF
before the lock is written (once, for all pins: a refused registry changes nothing). Exit 0;
2 when an id is not installed or a registry is refused or unreachable.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from seeding_suite.sources import load_sources
from seeding_suite.sources.registries.install import update
from seeding_suite.sources.registry import registry_sources

if TYPE_CHECKING:
    import argparse


def cmd_update(args: argparse.Namespace) -> int:
    """Move installed registry manifests to the newest version their range accepts."""
    root = Path.cwd()
    moved = update(root, registry_sources(load_sources(root)), args.ids)
    for m in moved:
        change = f"{m.before} -> {m.after}" if m.after != m.before else f"{m.before} (newest)"
        print(f"{m.id} {change} from {m.source}")
    count = sum(m.after != m.before for m in moved)
    print(f"{count} pin(s) moved, {len(moved) - count} already the newest in range")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("update", help=cmd_update.__doc__, description=__doc__)
    parser.add_argument("ids", nargs="*", metavar="ID", help="installed ids (default: all)")
    parser.set_defaults(run=cmd_update)
