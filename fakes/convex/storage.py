"""Persistence for the fake: each committed transaction is stored atomically, and reloaded.

The deployment serves reads from memory; a store only has to accept commits and give back
tables (name -> number), documents and the `_creationTime` high-water mark on open.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from fakes.convex.values import Value, copy_value, decode_convex_json, encode_value

Document = dict[str, Value]


@dataclass
class StoredState:
    """What a store holds: table numbers, documents per table in creation order, time mark."""

    tables: dict[str, int] = field(default_factory=dict)
    documents: dict[str, list[Document]] = field(default_factory=dict)
    high_water_ms: float = 0.0


@dataclass
class CommitRecord:
    """A transaction's net effect: new tables, final version (None = deleted) per document."""

    new_tables: dict[str, int]
    writes: list[tuple[str, str, Document | None]]  # (table, id, document or None)
    high_water_ms: float


class Storage(Protocol):
    """A durable (or not) home for committed transactions."""

    def load(self) -> StoredState: ...

    def commit(self, record: CommitRecord) -> None: ...

    def close(self) -> None: ...


class MemoryStorage:
    """Keeps committed state in memory; a new FakeConvex over it sees the same data."""

    def __init__(self) -> None:
        self._state = StoredState()
        self._docs: dict[str, dict[str, Document]] = {}

    def load(self) -> StoredState:
        documents = {
            table: sorted(
                (_copy_doc(doc) for doc in docs.values()),
                key=lambda d: _creation_time(d),
            )
            for table, docs in self._docs.items()
        }
        return StoredState(dict(self._state.tables), documents, self._state.high_water_ms)

    def commit(self, record: CommitRecord) -> None:
        self._state.tables.update(record.new_tables)
        for table in record.new_tables:
            self._docs.setdefault(table, {})
        for table, doc_id, doc in record.writes:
            if doc is None:
                self._docs[table].pop(doc_id, None)
            else:
                self._docs[table][doc_id] = _copy_doc(doc)
        self._state.high_water_ms = max(self._state.high_water_ms, record.high_water_ms)

    def close(self) -> None:
        """Nothing to release."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS tables (name TEXT PRIMARY KEY, number INTEGER NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, tbl TEXT NOT NULL, creation REAL NOT NULL, body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class SqliteStorage:
    """Documents as Convex-encoded JSON in one SQLite file; one SQLite transaction per commit."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # The deployment serializes every access under its own lock, so sharing the
        # connection across threads is safe.
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)

    def load(self) -> StoredState:
        state = StoredState()
        for name, number in self._conn.execute("SELECT name, number FROM tables"):
            state.tables[name] = number
            state.documents[name] = []
        rows = self._conn.execute("SELECT tbl, body FROM documents ORDER BY creation")
        for table, body in rows:
            doc = decode_convex_json(json.loads(body))
            assert isinstance(doc, dict)
            state.documents[table].append(doc)
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'high_water_ms'").fetchone()
        state.high_water_ms = float(row[0]) if row else 0.0
        return state

    def commit(self, record: CommitRecord) -> None:
        upserts = []
        deletes = []
        for table, doc_id, doc in record.writes:
            if doc is None:
                deletes.append((doc_id,))
            else:
                body = json.dumps(encode_value(doc, "convex_encoded_json"), separators=(",", ":"))
                upserts.append((doc_id, table, _creation_time(doc), body))
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany(
                "INSERT INTO tables (name, number) VALUES (?, ?)", record.new_tables.items()
            )
            conn.executemany("DELETE FROM documents WHERE id = ?", deletes)
            conn.executemany(
                "INSERT OR REPLACE INTO documents (id, tbl, creation, body) VALUES (?, ?, ?, ?)",
                upserts,
            )
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('high_water_ms', ?)",
                (repr(record.high_water_ms),),
            )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        self._conn.close()


def _creation_time(doc: Document) -> float:
    stamp = doc["_creationTime"]
    assert isinstance(stamp, float)
    return stamp


def _copy_doc(doc: Document) -> Document:
    copied = copy_value(doc)
    assert isinstance(copied, dict)
    return copied
