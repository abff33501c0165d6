"""The project's trust settings in one value: publishers, approvals and `on_conflict`.

The plugin and the commands read them the same way, so `seeding-suite validate` and a pytest
run agree on what is signed, approved and chosen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from seeding_suite.signing.publishers import Publisher, load_publishers
from seeding_suite.sources import OnConflict, load_on_conflict
from seeding_suite.sources.approvals import Approvals, load_approvals

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True)
class TrustSettings:
    """Who signs what, which community manifests are approved, and how conflicts resolve."""

    publishers: tuple[Publisher, ...] = ()
    approvals: Approvals = field(default_factory=Approvals)
    on_conflict: OnConflict = "fail"

    @classmethod
    def load(cls, rootdir: Path) -> TrustSettings:
        """From pyproject.toml and the approvals file. Raises ConfigurationError."""
        return cls(load_publishers(rootdir), load_approvals(rootdir), load_on_conflict(rootdir))
