"""`ctx.db`: the reader queries see and the writer mutations see, enforcing document rules.

Rules: tables appear on first insert (numbered from 10001), system fields are the fake's and
immutable, `_`/`$` field names are refused, documents are at most 1 MiB and 16 levels deep,
and tables in a validating schema are checked on every insert, patch and replace.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final, NamedTuple

from fakes.convex.errors import DatabaseError, InvalidValue, SchemaDefinitionError
from fakes.convex.ids import FIRST_USER_TABLE_NUMBER, CreationTimes, IdGenerator, decode_id
from fakes.convex.measured import normalize_measured
from fakes.convex.query import QueryBuilder
from fakes.convex.schema import Schema, check_table_name
from fakes.convex.tables import CREATION_TIME, ID, Document, TableState
from fakes.convex.values import UNSET, Value, copy_value, nesting, value_size

if TYPE_CHECKING:
    import random
    from collections.abc import Callable

    from fakes.convex.storage import StoredState
    from fakes.convex.transaction import Transaction

MAX_DOCUMENT_SIZE: Final = 1 << 20
MAX_DOCUMENT_NESTING: Final = 16


class _Body(NamedTuple):
    """A document's user fields (a private copy) with their size and nesting, checked once."""

    fields: Document
    size: int
    nesting: int
    nested_underscore: bool  # may hold a `_` name below the top level


class Catalog:
    """All tables of the deployment plus what new documents need: numbers, ids, times."""

    def __init__(self, schema: Schema | None, times: CreationTimes, rng: random.Random) -> None:
        self.schema = schema
        self.times = times
        self.ids = IdGenerator(rng)
        self.tables: dict[str, TableState] = {}
        self.by_number: dict[int, TableState] = {}

    def restore(self, state: StoredState) -> None:
        """Take a store's tables; each one's documents load when the table is first touched.

        The store's high-water mark covers every stored document, so new creation times stay
        above documents not loaded yet.
        """
        for name, number in state.tables.items():
            self._new_table(name, number, state.documents.get(name))
        self.times.high_water_ms = max(self.times.high_water_ms, state.high_water_ms)

    def _new_table(
        self, name: str, number: int, stored: Callable[[], list[Document]] | None = None
    ) -> TableState:
        table_def = self.schema.tables.get(name) if self.schema is not None else None
        indexes = (
            {n: i.fields for n, i in table_def.indexes.items()} if table_def is not None else {}
        )
        table = TableState(name, number, indexes, stored)
        self.tables[name] = table
        self.by_number[number] = table
        return table

    def create_table(self, name: str) -> TableState:
        number = max(self.by_number, default=FIRST_USER_TABLE_NUMBER - 1) + 1
        return self._new_table(name, number)

    def drop_table(self, name: str) -> None:
        table = self.tables.pop(name)
        del self.by_number[table.number]

    def table_number(self, name: str) -> int | None:
        table = self.tables.get(name)
        return table.number if table is not None else None

    def locate(self, doc_id: object) -> TableState | None:
        """The table an id string belongs to, None for a well-formed id of no table."""
        if not isinstance(doc_id, str):
            raise DatabaseError(f"Invalid argument `id`: expected an id string, got {doc_id!r}")
        try:
            number, _ = decode_id(doc_id)
        except InvalidValue as exc:
            raise DatabaseError(str(exc)) from None
        return self.by_number.get(number)


def _copy(doc: Document) -> Document:
    copied = copy_value(doc)
    assert isinstance(copied, dict)
    return copied


class DatabaseReader:
    """`ctx.db` of a query: get, query and normalize_id."""

    def __init__(self, catalog: Catalog, txn: Transaction) -> None:
        self._catalog = catalog
        self._txn = txn

    def get(self, doc_id: str) -> Document | None:
        """The document, or None when it was deleted or its table does not exist."""
        table = self._catalog.locate(doc_id)
        self._txn.record_interval(("get", doc_id))
        doc = table.docs.get(doc_id) if table is not None else None
        if doc is None:
            return None
        assert table is not None
        self._txn.record_read(table.size_of(doc_id))
        return _copy(doc)

    def query(self, table: str) -> QueryBuilder:
        return QueryBuilder(self._catalog.tables.get(table), table, self._txn)

    def normalize_id(self, table: str, doc_id: str) -> str | None:
        """`doc_id` if it is an id of `table`, else None."""
        number = self._catalog.table_number(table)
        try:
            decoded, _ = decode_id(doc_id)
        except InvalidValue:
            return None
        return doc_id if number is not None and decoded == number else None


class DatabaseWriter(DatabaseReader):
    """`ctx.db` of a mutation: adds insert, patch, replace and delete."""

    def insert(self, table: str, value: Mapping[str, object]) -> str:
        """Insert a document and return its new id; creates the table on first use."""
        # An existing table's name was checked when the table was created.
        state = self._catalog.tables.get(table) if type(table) is str else None
        if state is None:
            try:
                check_table_name(table)
            except SchemaDefinitionError as exc:
                raise DatabaseError(str(exc)) from None
        fields = self._user_fields(value, None)
        if state is None:
            state = self._catalog.create_table(table)
            self._txn.record_new_table(state, lambda: self._catalog.drop_table(table))
        stamp = self._catalog.times.next()
        doc_id = self._catalog.ids.new_id(state.number, stamp)
        while doc_id in state.docs:  # a reopened store whose seeded id source replays its ids
            doc_id = self._catalog.ids.new_id(state.number, stamp)
        doc: Document = {ID: doc_id, CREATION_TIME: stamp, **fields.fields}
        size = self._check_document(state, doc, fields)
        state.put(doc, size)
        self._txn.record_write(
            state, doc_id, value_size(doc_id) + size, lambda: state.remove(doc_id)
        )
        return doc_id

    def patch(self, doc_id: str, value: Mapping[str, object]) -> None:
        """Shallow merge; a field set to UNSET is removed."""
        table, old = self._existing(doc_id, "Update")
        removed = {k for k, v in value.items() if v is UNSET}
        fields = self._user_fields(value, old)
        merged = {k: v for k, v in old.items() if k not in removed}
        merged.update(fields.fields)
        body = {k: v for k, v in merged.items() if k not in (ID, CREATION_TIME)}
        self._write(table, old, merged, _Body(body, value_size(body), nesting(body), True))

    def replace(self, doc_id: str, value: Mapping[str, object]) -> None:
        """Swap the whole body; `_id` and `_creationTime` stay."""
        table, old = self._existing(doc_id, "Replace")
        fields = self._user_fields(value, old)
        doc = {ID: old[ID], CREATION_TIME: old[CREATION_TIME], **fields.fields}
        self._write(table, old, doc, fields)

    def delete(self, doc_id: str) -> None:
        table, old = self._existing(doc_id, "Delete")
        table.remove(doc_id)
        self._txn.record_write(table, doc_id, value_size(doc_id), lambda: table.put(old))

    # ------------------------------------------------------------ helpers

    def _existing(self, doc_id: str, verb: str) -> tuple[TableState, Document]:
        table = self._catalog.locate(doc_id)
        old = table.docs.get(doc_id) if table is not None else None
        if table is None or old is None:
            raise DatabaseError(f"{verb} on nonexistent document ID {doc_id}")
        return table, old

    def _write(self, table: TableState, old: Document, new: Document, body: _Body) -> None:
        size = self._check_document(table, new, body)
        table.put(new, size)
        doc_id = str(old[ID])
        self._txn.record_write(table, doc_id, value_size(doc_id) + size, lambda: table.put(old))

    def _user_fields(self, value: object, old: Document | None) -> _Body:
        """Validate a user-supplied body; system fields may only repeat the stored ones.

        Returns the body's private copy (without system fields) with its size and nesting.
        """
        if not isinstance(value, Mapping):
            raise DatabaseError(f"Expected an object for the document, got {value!r}")
        try:
            measured = normalize_measured(dict(value))
        except InvalidValue as exc:
            raise DatabaseError(str(exc)) from None
        fields = measured.value
        assert isinstance(fields, dict)
        size = measured.size
        for name in [name for name in fields if name[0] == "_"]:
            if old is not None and name in (ID, CREATION_TIME):
                if fields[name] != old[name]:
                    raise DatabaseError(f"Cannot change the system field {name!r} of {old[ID]!s}")
                size -= len(name) + 1 + value_size(fields.pop(name))
                continue
            raise DatabaseError(
                f"Field '{name}' starts with an underscore, which is only allowed for system "
                "fields like '_id'"
            )
        return _Body(fields, size, measured.nesting, measured.nested_underscore)

    def _check_document(self, table: TableState, doc: Document, body: _Body) -> int:
        """Check a complete document against Convex's document rules; returns its size.

        `body` is the document without its system fields, already measured.
        """
        if body.nested_underscore:
            _check_nested_names(doc, top=True)
        depth = body.nesting
        if depth > MAX_DOCUMENT_NESTING:
            raise DatabaseError(
                f"Document is too nested (nested {depth} levels deep > maximum nesting "
                f"{MAX_DOCUMENT_NESTING})"
            )
        size = body.size + _system_fields_size(doc)
        if size > MAX_DOCUMENT_SIZE:
            raise DatabaseError(
                f"Value is too large ({size} bytes > maximum size {MAX_DOCUMENT_SIZE} bytes)"
            )
        schema = self._catalog.schema
        table_def = schema.tables.get(table.name) if schema is not None else None
        if schema is None or not schema.schema_validation or table_def is None:
            return size
        problem = table_def.document.check(body.fields, "", self._catalog.table_number)
        if problem is not None:
            raise DatabaseError(
                f'Failed to insert or update a document in table "{table.name}" because it '
                f"does not match the schema: {problem}"
            )
        return size


def _system_fields_size(doc: Document) -> int:
    """What `_id` and `_creationTime` add to a document's size."""
    return (
        len(ID) + 1 + value_size(doc[ID]) + len(CREATION_TIME) + 1 + value_size(doc[CREATION_TIME])
    )


def _check_nested_names(value: Value, *, top: bool = False) -> None:
    if isinstance(value, list):
        for item in value:
            _check_nested_names(item)
    elif isinstance(value, dict):
        for name, item in value.items():
            if not top and name.startswith("_"):
                raise DatabaseError(
                    f"Field '{name}' starts with an underscore, which is not allowed for "
                    "nested fields"
                )
            _check_nested_names(item)
