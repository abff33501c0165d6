"""A guard: the project's own tests never read the repository's live manifests/ folder.

That folder is the catalog people edit; a test reading it would make `make test` fail (or pass)
because of a manifest being written. Tests use their own copies (tests/fixtures/catalog/) or
build catalogs in temporary folders. The guard is an audit hook (PEP 578) on opening files and
listing folders, installed for the whole test process, so a new test cannot slip past it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

LIVE = str(Path(__file__).resolve().parents[2] / "manifests")
EVENTS = frozenset({"open", "os.listdir", "os.scandir", "glob.glob"})


class LiveCatalogRead(RuntimeError):
    """A test touched the live manifests/ folder."""


def _guard(event: str, args: tuple[object, ...]) -> None:
    if event not in EVENTS or not args:
        return
    path = args[0]
    if not isinstance(path, str | bytes | os.PathLike):
        return  # a file descriptor, or scandir() of the current folder
    if event == "open" and args[1] is None:
        return  # os.open(): its path may be relative to a dir_fd the event does not carry
    try:  # never fail an unrelated call: the current folder may be gone (a removed tmp_path)
        where = os.path.normpath(os.path.join(os.getcwd(), os.fsdecode(path)))
    except (OSError, ValueError):
        return
    if where == LIVE or where.startswith(LIVE + os.sep):
        raise LiveCatalogRead(
            f"a test read the live manifests folder ({where}): use tests/fixtures/catalog/ or a "
            "catalog of its own in tmp_path"
        )


def install() -> None:
    """Install the guard once per process (audit hooks cannot be removed)."""
    if not getattr(sys, "_seeding_suite_live_guard", False):
        sys.addaudithook(_guard)
        sys._seeding_suite_live_guard = True  # type: ignore[attr-defined]
