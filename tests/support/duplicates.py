"""A store holding two documents for one natural key, written through the storage layer.

What a store written by two processes at once (before `serve` took the store lock) holds: the
seeder never writes such a pair itself, so tests craft it beneath the deployment.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from fakes.convex import SqliteStorage
from fakes.convex.ids import encode_id
from fakes.convex.storage import CommitRecord

if TYPE_CHECKING:
    from pathlib import Path


def store_twice(db: Path, table: str, natural_key: str) -> None:
    """Add a second document (new id, newer creation time) with the fields of `natural_key`'s."""
    storage = SqliteStorage(db)
    try:
        stored = storage.load()
        [row] = [d for d in stored.documents[table]() if d["naturalKey"] == natural_key]
        created = stored.high_water_ms + 1.0
        twin_id = encode_id(stored.tables[table], os.urandom(16))
        twin = {**row, "_id": twin_id, "_creationTime": created}
        storage.commit(CommitRecord({}, [(table, twin_id, twin)], created))
    finally:
        storage.close()
