"""Drift (`report --drift` with a target): what the target holds that the catalog does not say.

The differences come from the engine's own comparison (engine/drift.py, as `seeding-suite
drift` prints them); this panel only carries them to the renderers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class DriftPanel:
    target: str
    environment: str
    differences: list[dict[str, Any]]  # engine.drift.Difference.to_json()
    lines: list[str]  # the same, as `seeding-suite drift` prints them
