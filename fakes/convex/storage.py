"""Persistence for the fake: each committed transaction is stored atomically, and reloaded.

The deployment serves reads from memory; a store only has to accept commits and give back
tables (name -> number), documents and the `_creationTime` high-water mark on open. The
documents are what the store held at open, handed over per table on demand: decoding a table
nobody touches is skipped.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Final, Protocol

from fakes.convex.errors import InvalidValue
from fakes.convex.values import Int64, Json, Value, copy_value, decode_convex_json, encode_value

if TYPE_CHECKING:
    from collections.abc import Callable

Document = dict[str, Value]
_COMPACT: Final = (",", ":")


class StoreReadOnly(Exception):
    """A write reached a store opened read-only (a reader beside the store's one writer)."""


@dataclass
class StoredState:
    """What a store holds: table numbers, documents per table, and the time mark.

    `documents[table]()` gives the table's documents in creation order, as they were at `load`
    (call it at most once). `high_water_ms` is at least every stored `_creationTime`.
    """

    tables: dict[str, int] = field(default_factory=dict)
    documents: dict[str, Callable[[], list[Document]]] = field(default_factory=dict)
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
        state = StoredState(dict(self._state.tables), high_water_ms=self._state.high_water_ms)
        for table, docs in self._docs.items():
            # A list of the current versions is the snapshot: documents are never mutated.
            current = list(docs.values())
            state.documents[table] = partial(_copies_in_creation_order, current)
            newest = max(map(_creation_time, current), default=0.0)
            state.high_water_ms = max(state.high_water_ms, newest)
        return state

    def commit(self, record: CommitRecord) -> None:
        self._state.tables.update(record.new_tables)
        for table in record.new_tables:
            self._docs.setdefault(table, {})
        for table, doc_id, doc in record.writes:
            if doc is None:
                self._docs[table].pop(doc_id, None)
            else:
                # Shared, not copied: the deployment never mutates a stored document in place
                # (tables.py), and `load` hands out copies.
                self._docs[table][doc_id] = doc
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
    """Documents as Convex-encoded JSON in one SQLite file; one SQLite transaction per commit.

    A deployment serves reads from what it loaded at open, so only one may write a file at a
    time (its owner locks the file: seeding_suite/targets/store_lock.py). `read_only` opens
    for a reader beside that writer: it loads one consistent snapshot and never writes.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        if read_only:
            self._conn = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro",
                uri=True,
                check_same_thread=False,
                isolation_level=None,
            )
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # The deployment serializes every access under its own lock, so sharing the
        # connection across threads is safe.
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        # WAL: one commit appends to the log instead of rewriting pages. synchronous=FULL syncs
        # the log at every commit, so a commit that returned survives a power loss (NORMAL
        # only survives a crash of the process); measured at no cost on the benchmark.
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.executescript(_SCHEMA)

    def load(self) -> StoredState:
        """Every row is read now (the state at open), each table's decoded on demand.

        One read transaction: a writer committing meanwhile (beside a reader) is seen whole or
        not at all, never a document whose table is not yet listed.
        """
        state = StoredState()
        rows: dict[str, list[tuple[float, str]]] = {}
        conn = self._conn
        conn.execute("BEGIN")
        try:
            for name, number in conn.execute("SELECT name, number FROM tables"):
                state.tables[name] = number
                rows[name] = []
            for table, creation, body in conn.execute("SELECT tbl, creation, body FROM documents"):
                rows[table].append((creation, body))
            row = conn.execute("SELECT value FROM meta WHERE key = 'high_water_ms'").fetchone()
        finally:
            conn.execute("COMMIT")
        state.high_water_ms = float(row[0]) if row else 0.0
        for table, pairs in rows.items():
            state.documents[table] = partial(_decode_in_creation_order, pairs)
            newest = max(map(itemgetter(0), pairs), default=0.0)
            state.high_water_ms = max(state.high_water_ms, newest)
        return state

    def commit(self, record: CommitRecord) -> None:
        if self.read_only:
            if record.writes:
                raise StoreReadOnly(f"{self.path} is open read-only; nothing was written")
            return  # a schema's tables the file lacks: created in memory, for reading
        upserts = []
        deletes = []
        for table, doc_id, doc in record.writes:
            if doc is None:
                deletes.append((doc_id,))
            else:
                upserts.append((doc_id, table, _creation_time(doc), _encode_body(doc)))
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


def _encode_body(doc: Document) -> str:
    """The document as compact Convex-encoded JSON.

    Fast path: `json.dumps` of the document itself, Int64 and bytes through `default`. It
    writes exactly what encoding first would, except for the floats that need `$float`
    (NaN and the infinities raise, -0.0 shows as "-0.0"): those take the general path.
    """
    try:
        body = _ENCODER.encode(doc)
    except ValueError:
        body = None
    if body is None or "-0.0" in body:
        body = json.dumps(encode_value(doc, "convex_encoded_json"), separators=_COMPACT)
    return body


def _encode_scalar(value: object) -> Json:
    if not isinstance(value, Int64 | bytes):
        raise TypeError(f"{type(value).__name__} is not a Convex value")
    return encode_value(value, "convex_encoded_json")


def _decode_body(body: str) -> Document:
    """A stored document; the store holds only what `_encode_body` wrote from valid documents.

    Fast path: `{"$` starts a $integer/$bytes/$float object (no field name starts with `$`,
    and inside a JSON string a quote is always escaped); without one, plain JSON (every
    number a Float64) is the value itself.
    """
    doc = decode_convex_json(json.loads(body)) if '{"$' in body else _DECODER.decode(body)
    assert isinstance(doc, dict)
    return doc


def _refuse_constant(name: str) -> float:
    raise InvalidValue(f"Non-finite number {name} must be encoded with $float")


# Stateless codecs, built once rather than per document as json.dumps/loads with options do.
_ENCODER: Final = json.JSONEncoder(separators=_COMPACT, allow_nan=False, default=_encode_scalar)
_DECODER: Final = json.JSONDecoder(parse_int=float, parse_constant=_refuse_constant)


def _decode_in_creation_order(rows: list[tuple[float, str]]) -> list[Document]:
    """Stored rows (creation time, body) as documents; creation times are unique per store."""
    rows.sort(key=itemgetter(0))
    return [_decode_body(body) for _, body in rows]


def _copies_in_creation_order(docs: list[Document]) -> list[Document]:
    copies = []
    for doc in sorted(docs, key=_creation_time):
        copied = copy_value(doc)
        assert isinstance(copied, dict)
        copies.append(copied)
    return copies
