"""connections: a connection field named like a credential must be marked `secret: true`.

An unmarked field is shown in clear in the UI and may be logged; the platform masks only
fields the manifest marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from seeding_suite.security.model import Hit, Kind

if TYPE_CHECKING:
    from collections.abc import Iterator

    from seeding_suite.security.model import Context, Document

UNMARKED = Kind(
    "connections.unmarked-secret",
    "a credential-like connection field not marked secret",
    "warning",
    "error",
)
CREDENTIAL_NAME = re.compile(
    r"(?i)(^|_)(pass(word|wd|phrase)?|pwd|secret|token|api_?key|apikey|access_?key|"
    r"private_?key|client_?secret|credentials?|signing_?key|auth_?key)($|_)"
)


@dataclass(frozen=True)
class ConnectionsRule:
    id: str = "connections"
    kinds: tuple[Kind, ...] = (UNMARKED,)

    def gates(self, context: Context) -> dict[str, str]:
        return {}

    def scan(self, document: Document, context: Context) -> Iterator[Hit]:
        data = document.data
        connections = data.get("connections") if isinstance(data, dict) else None
        if not isinstance(connections, list):
            return
        for index, connection in enumerate(connections):
            fields = connection.get("fields") if isinstance(connection, dict) else None
            if not isinstance(fields, list):
                continue
            for number, field in enumerate(fields):
                if not isinstance(field, dict):
                    continue
                name = field.get("name")
                if (
                    isinstance(name, str)
                    and CREDENTIAL_NAME.search(name)
                    and field.get("secret") is not True
                ):
                    yield Hit(
                        UNMARKED.id,
                        f"field {name!r} looks like a credential but is not marked secret: "
                        "add `secret: true` so it is masked and never logged",
                        ("connections", index, "fields", number, "name"),
                    )
