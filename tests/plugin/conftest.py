"""Fixtures for the plugin's end-to-end tests (see plugin_project.py)."""

from __future__ import annotations

from plugin_project import mode, project

__all__ = ["mode", "project"]
