"""The ConvexTarget interface: the two calls the engine makes of any Convex deployment."""

from __future__ import annotations

from typing import Any, Protocol


class ConvexTarget(Protocol):
    """A Convex deployment the engine can call: in-process fake, embedded store, or HTTP.

    `description` names the target for reports (a URL or a file path, never a key). Calls raise
    `seeding_suite.errors.ConvexError` subclasses; a function's own error is a
    `ConvexFunctionError` carrying the ConvexError data.
    """

    @property
    def description(self) -> str: ...

    def query(self, path: str, args: dict[str, Any]) -> Any: ...

    def mutation(self, path: str, args: dict[str, Any]) -> Any: ...

    def close(self) -> None: ...
