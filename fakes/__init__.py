"""Test doubles shipped with seeding-suite; they never import `seeding_suite`."""

from __future__ import annotations
