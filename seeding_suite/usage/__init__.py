"""Usage analytics and adoption (issue 17): which integrations the platform's workspaces use.

The platform marks each use with `integrations/usage:recordIntegrationUsage` (convex/
integrations/usage.ts, at most one write per workspace, integration, environment and day);
`read_usage` turns the marks into a `UsageReport`: adoption per integration and environment
over time, community integrations apart, and integrations seeded but unused.
"""

from __future__ import annotations

from seeding_suite.usage.model import (
    AdoptionPoint,
    EnvironmentAdoption,
    IntegrationAdoption,
    UsageReport,
)
from seeding_suite.usage.read import DEFAULT_DAYS, MAX_DAYS, read_usage

__all__ = [
    "DEFAULT_DAYS",
    "MAX_DAYS",
    "AdoptionPoint",
    "EnvironmentAdoption",
    "IntegrationAdoption",
    "UsageReport",
    "read_usage",
]
