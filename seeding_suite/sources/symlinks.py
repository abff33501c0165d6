"""Which symbolic links under a manifest root are followed, and why the others are refused.

pytest's own walk follows every directory link, so a link back up the tree (`sub/up -> ..`)
made it collect the catalog again at every level until the path grew too long: with a large
catalog, a run that never ends. And a link that leaves the roots was read by the catalog's
dependency pass yet never checked or seeded. The rule, one place for the catalog and the
plugin alike: nothing is read through a link that leaves the roots or loops; such a link is
refused and named (a failing item). A link to a file or folder inside the roots is an alias:
its target is checked once, under its own path, and the alias is not walked again.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path


def located(path: Path) -> Path:
    """Where `path` itself is (its folders resolved, not the link at its end)."""
    return path.parent.resolve() / path.name


def refusal(link: Path, roots: Sequence[Path], rootdir: Path) -> str | None:
    """Why the symbolic link `link` is not followed, or None for an alias inside the roots.

    `roots` and `rootdir` are resolved; messages name paths as the user sees them.
    """
    here = located(link)
    place = display_path(here, rootdir)
    try:
        target = link.resolve(strict=True)
    except RuntimeError:  # Python < 3.13 raises this for a link that resolves to itself
        return f"{place} is a symbolic link that points to itself; not followed"
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return f"{place} is a symbolic link that cannot be followed: {reason}"
    shown = display_path(target, rootdir)
    if target.is_dir() and here.is_relative_to(target):
        return (
            f"{place} is a symbolic link to {shown}, a folder that contains it: "
            "a loop; not followed (remove the link)"
        )
    if not any(target.is_relative_to(root) for root in roots):
        listed = ", ".join(display_path(root, rootdir) for root in roots)
        return (
            f"{place} is a symbolic link to {shown}, outside the manifest roots "
            f"({listed}); not read (make its folder a manifest root instead of linking to it)"
        )
    return None


def display_path(path: Path, rootdir: Path) -> str:
    """`path` as messages name it: relative to the project when inside it."""
    try:
        return path.relative_to(rootdir).as_posix()
    except ValueError:
        return path.as_posix()


def walk(
    root: Path, unreadable: Callable[[Path, OSError], object] | None = None
) -> list[tuple[Path, bool]]:
    """Every entry below `root`, links included but not descended into: (path, is a link).

    Hidden folders (a name starting with `.`) are skipped, like pytest's default. A folder that
    cannot be listed is passed to `unreadable` with the error (else skipped).
    """
    found: list[tuple[Path, bool]] = []
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            if unreadable is not None:
                unreadable(folder, exc)
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = folder / entry.name
            link = entry.is_symlink()
            found.append((path, link))
            if not link and entry.is_dir(follow_symlinks=False):
                pending.append(path)
    return found
