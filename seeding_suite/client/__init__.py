"""seeding_suite.client: the synchronous HTTP client for Convex deployments (one public face).

Implementation modules are private (`_client`, `_values`, `_errors`, `_pacing`, `_secret`);
import from here.
"""

from __future__ import annotations

from seeding_suite.client._client import ConvexClient
from seeding_suite.client._secret import Secret
from seeding_suite.client._values import Int64

__all__ = ["ConvexClient", "Int64", "Secret"]
