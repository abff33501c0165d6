"""Fixtures for engine tests (builders live in engine_builders.py, importable by name)."""

from __future__ import annotations

import pytest
from engine_builders import Factory, build


@pytest.fixture
def make() -> Factory:
    return build
