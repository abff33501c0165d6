"""seeding-suite: a pytest plugin that checks integration manifests and seeds them into Convex.

This module stays light: pytest imports `seeding_suite.plugin` (and so this file) in every run.
"""

from __future__ import annotations

__version__ = "0.1.0"
