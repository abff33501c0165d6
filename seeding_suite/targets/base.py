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


class CountingTarget:
    """A ConvexTarget that counts every call made through it (the audit log's convex_calls)."""

    def __init__(self, inner: ConvexTarget) -> None:
        self.inner = inner
        self.calls = 0

    @property
    def description(self) -> str:
        return self.inner.description

    def query(self, path: str, args: dict[str, Any]) -> Any:
        self.calls += 1
        return self.inner.query(path, args)

    def mutation(self, path: str, args: dict[str, Any]) -> Any:
        self.calls += 1
        return self.inner.mutation(path, args)

    def close(self) -> None:
        self.inner.close()
