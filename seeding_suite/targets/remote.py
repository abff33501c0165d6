"""A real Convex deployment (or `seeding-suite serve`) over HTTP, as a ConvexTarget."""

from __future__ import annotations

from typing import Any

from seeding_suite.client import ConvexClient, Secret


class RemoteTarget:
    """Seeding functions called over HTTP with the admin/deploy key."""

    def __init__(self, url: str, key: Secret | None, **client_options: Any) -> None:
        self.client = ConvexClient(url, key, **client_options)

    @property
    def description(self) -> str:
        return self.client.description

    def query(self, path: str, args: dict[str, Any]) -> Any:
        return self.client.query(path, args)

    def mutation(self, path: str, args: dict[str, Any]) -> Any:
        return self.client.mutation(path, args)

    def close(self) -> None:
        self.client.close()
