"""The run's garbage-collector settings are undone when the Config ends."""

from __future__ import annotations

import gc

from seeding_suite.plugin.collector import YOUNG_THRESHOLD, CollectorSettings


def test_after_collection_freezes_and_restore_undoes_it() -> None:
    before = gc.get_threshold()
    settings = CollectorSettings()
    kept = [object() for _ in range(10)]  # something alive to freeze
    settings.after_collection()
    try:
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == max(YOUNG_THRESHOLD, before[0])
    finally:
        settings.restore()
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before
    assert kept


def test_restore_without_collection_leaves_the_settings() -> None:
    before = gc.get_threshold()
    CollectorSettings().restore()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
