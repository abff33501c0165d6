"""The run's garbage-collector settings are undone when the Config ends."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap

from seeding_suite.plugin.collector import YOUNG_THRESHOLD, CollectorSettings


def test_freeze_freezes_and_restore_undoes_it() -> None:
    before = gc.get_threshold()
    settings = CollectorSettings()
    settings.freeze()
    try:
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == max(YOUNG_THRESHOLD, before[0])
    finally:
        settings.restore()
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before


def test_restore_without_collection_leaves_the_settings() -> None:
    before = gc.get_threshold()
    CollectorSettings().restore()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_everything_alive_at_exit_is_frozen_once_a_run_collected() -> None:
    script = textwrap.dedent(
        """
        import atexit, gc
        calls = []
        freeze = gc.freeze
        gc.freeze = lambda: calls.append(1) or freeze()  # counts every freeze
        # Registered first, so it runs last: after the plugin's handler.
        atexit.register(lambda: print("freezes at exit:", len(calls), gc.get_freeze_count() > 0))
        from seeding_suite.plugin.collector import CollectorSettings
        for _ in range(2):  # two runs in one process register one handler
            settings = CollectorSettings()
            settings.freeze()
            settings.restore()
        print("frozen after restore:", gc.get_freeze_count())
        calls.clear()
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines() == ["frozen after restore: 0", "freezes at exit: 1 True"]
