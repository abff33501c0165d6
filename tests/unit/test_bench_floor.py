"""The benchmark's no-op floor names its items after the real checks.

bench/noop_floor.py must not import seeding_suite (it measures pytest alone), so it lists the
check names by hand; this test keeps that list equal to CHECKS, so the floor keeps the plugin's
shape (one item per check per manifest) when a check is added or renamed.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from seeding_suite.checks import CHECKS

FLOOR = Path(__file__).parents[2] / "bench" / "noop_floor.py"


def test_the_floor_has_one_item_per_check_named_as_the_checks() -> None:
    spec = importlib.util.spec_from_file_location("noop_floor_under_test", FLOOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert tuple(check.name for check in CHECKS) == module.CHECK_NAMES
