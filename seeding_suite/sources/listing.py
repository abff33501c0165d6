"""What listing one source gives: its manifest files, and its problems as values.

A problem is never dropped: the plugin collects each as a failing item (`<subject>::source`)
and `seeding-suite validate` prints it, so a source that could not be read is seen, not
mistaken for an empty one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True)
class SourceProblem:
    """Why a source (or one manifest it would have given) contributes nothing.

    `subject` is what the problem is about, as a user names it: a file or folder relative to
    the project, or `<id>@<version>` for a registry's manifest.
    """

    source: str
    subject: str
    reason: str

    def render(self) -> str:
        return f"{self.subject}: source {self.source!r}: {self.reason}"


@dataclass(frozen=True)
class Listing:
    """A source's manifest files (absolute paths), and what it could not give.

    `roots` are the folders the files lie under: pytest walks them to collect the files.
    """

    files: tuple[Path, ...] = ()
    problems: tuple[SourceProblem, ...] = ()
    roots: tuple[Path, ...] = ()


@dataclass(frozen=True)
class ListingContext:
    """What every source kind may need besides its own table."""

    rootdir: Path
    offline: bool = False  # no network: a registry answers from its cached metadata only
