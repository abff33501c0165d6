"""Repo-wide pytest wiring only: keep collection out of build and tool folders."""

from __future__ import annotations

collect_ignore = ["node_modules", "convex", ".venv", "bench/out", "reports", ".seeding"]
