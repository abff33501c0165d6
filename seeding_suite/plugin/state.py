"""Stash keys: where the plugin keeps its per-Config objects (nothing lives in module globals)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from seeding_suite.plugin.collector import CollectorSettings
    from seeding_suite.plugin.session import SeedingSession
    from seeding_suite.runner import CheckRunner

runner_key: pytest.StashKey[CheckRunner] = pytest.StashKey()
session_key: pytest.StashKey[SeedingSession] = pytest.StashKey()
collector_key: pytest.StashKey[CollectorSettings] = pytest.StashKey()
