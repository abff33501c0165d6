"""The project's own tests: pytester, and the shared fixtures of tests/support/."""

from __future__ import annotations

from tests.support.project import mode, project
from tests.support.served import served

pytest_plugins = ["pytester"]

__all__ = ["mode", "project", "served"]
