"""Where seeding writes: the ConvexTarget interface and its implementations."""

from __future__ import annotations

from seeding_suite.targets.base import ConvexTarget

__all__ = ["ConvexTarget"]
