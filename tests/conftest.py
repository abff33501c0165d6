"""The project's own tests: pytester for the plugin's end-to-end runs."""

from __future__ import annotations

pytest_plugins = ["pytester"]
