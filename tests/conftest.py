"""The project's own tests: pytester, and the shared fixtures of tests/support/."""

from __future__ import annotations

# Import the whole plugin stack up front: pytester's in-process runs restore sys.modules after
# each run, and PyYAML's C extension keeps its first `yaml.events` classes, so a re-imported
# `yaml` would no longer recognise the events libyaml returns (positions would go missing).
import seeding_suite.plugin.setup  # noqa: F401
from tests.support.live_catalog import install
from tests.support.project import mode, project
from tests.support.served import served

install()  # the tests never read the live manifests/ folder (tests/support/live_catalog.py)

pytest_plugins = ["pytester"]

__all__ = ["mode", "project", "served"]
