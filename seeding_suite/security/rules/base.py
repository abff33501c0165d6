"""The interface every security rule shares (hassfest's shape: one module, one object each).

A rule has an `id` (the SARIF rule family and the exemption's `rule`), the sub-rules it reports
(`kinds`, each with default severities per trust level) and `scan`, which returns hits and
never raises for a manifest's content: any string, any shape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from seeding_suite.security.model import Context, Document, Hit, Kind


class Rule(Protocol):
    """One security rule."""

    @property
    def id(self) -> str: ...

    @property
    def kinds(self) -> tuple[Kind, ...]: ...

    def gates(self, context: Context) -> Mapping[str, str]:
        """RE2 patterns (by name) matching wherever `scan` could report something in the raw
        text; `scan` may skip its own search when `document.gate(name)` is closed."""
        ...

    def scan(self, document: Document, context: Context) -> Iterable[Hit]: ...
