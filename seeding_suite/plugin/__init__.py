"""The pytest11 entry point (filled in by the harness spine)."""

from __future__ import annotations
