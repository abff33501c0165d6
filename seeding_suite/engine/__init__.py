"""The seeding engine: desired state, plan, batches and apply. Usable without pytest."""

from __future__ import annotations
