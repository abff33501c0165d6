"""`ctx.db.query(table)`: index range expressions, ordering, filters and pagination.

Range rules (as Convex): zero or more `eq` on a prefix of the index fields in order, then at
most one lower bound (`gt`/`gte`) and one upper bound (`lt`/`lte`), both on the next field.
"""

from __future__ import annotations

import base64
import bisect
import json
from typing import TYPE_CHECKING, Literal, TypedDict

from fakes.convex.errors import DatabaseError, InvalidValue
from fakes.convex.tables import (
    BY_CREATION_TIME,
    Document,
    EntryKey,
    IndexState,
    TableState,
    entry_id,
    field_at,
)
from fakes.convex.values import (
    MAX_SORT_KEY,
    UNSET,
    SortKey,
    copy_value,
    decode_convex_json,
    encode_value,
    normalize_value,
    sort_key,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from fakes.convex.transaction import Transaction

Order = Literal["asc", "desc"]
END_CURSOR = "_end_cursor"


class PaginationResult(TypedDict):
    page: list[Document]
    isDone: bool
    continueCursor: str


class IndexRangeBuilder:
    """The `q` of `.with_index(name, lambda q: q.eq(...).gt(...))`; checks the range rules."""

    def __init__(self, index: IndexState) -> None:
        self._index = index
        self.eqs: list[SortKey] = []
        self.lower: tuple[SortKey, bool] | None = None  # (key, inclusive)
        self.upper: tuple[SortKey, bool] | None = None
        self._bound_field = ""

    def _expect_next(self, field: str, op: str) -> None:
        position = len(self.eqs)
        fields = self._index.fields
        if position >= len(fields) or fields[position] != field:
            expected = fields[position] if position < len(fields) else "nothing"
            raise DatabaseError(
                f"Index range for {self._index.name} used .{op}({field!r}) where {expected!r} "
                f"comes next; index fields are {list(fields)} and must be used in order."
            )

    def _key(self, value: object) -> SortKey:
        if value is UNSET:
            return sort_key(UNSET)
        try:
            return sort_key(normalize_value(value))
        except InvalidValue as exc:
            raise DatabaseError(f"Invalid value in index range: {exc}") from None

    def eq(self, field: str, value: object) -> IndexRangeBuilder:
        if self.lower is not None or self.upper is not None:
            raise DatabaseError("Index range: .eq() cannot follow a .gt/.gte/.lt/.lte bound")
        self._expect_next(field, "eq")
        self.eqs.append(self._key(value))
        return self

    def _set_lower(self, field: str, value: object, inclusive: bool, op: str) -> IndexRangeBuilder:
        if self.lower is not None or self.upper is not None:
            raise DatabaseError(f"Index range: .{op}() after another bound is not allowed")
        self._expect_next(field, op)
        self._bound_field = field
        self.lower = (self._key(value), inclusive)
        return self

    def _set_upper(self, field: str, value: object, inclusive: bool, op: str) -> IndexRangeBuilder:
        if self.upper is not None:
            raise DatabaseError(f"Index range: only one upper bound is allowed (.{op}())")
        if self.lower is not None and field != self._bound_field:
            raise DatabaseError(
                f"Index range: the upper bound must be on the same field as the lower bound "
                f"({self._bound_field!r}), not {field!r}"
            )
        self._expect_next(field, op)
        self.upper = (self._key(value), inclusive)
        return self

    def gt(self, field: str, value: object) -> IndexRangeBuilder:
        return self._set_lower(field, value, False, "gt")

    def gte(self, field: str, value: object) -> IndexRangeBuilder:
        return self._set_lower(field, value, True, "gte")

    def lt(self, field: str, value: object) -> IndexRangeBuilder:
        return self._set_upper(field, value, False, "lt")

    def lte(self, field: str, value: object) -> IndexRangeBuilder:
        return self._set_upper(field, value, True, "lte")

    def bounds(self) -> tuple[int, int]:
        """[start, end) positions of the range in the index's sorted entries."""
        entries = self._index.entries
        prefix = tuple(self.eqs)
        if self.lower is None:
            start = bisect.bisect_left(entries, prefix)
        else:
            key, inclusive = self.lower
            probe = (*prefix, key) if inclusive else (*prefix, key, MAX_SORT_KEY)
            start = bisect.bisect_left(entries, probe)
        if self.upper is None:
            end = bisect.bisect_left(entries, (*prefix, MAX_SORT_KEY))
        else:
            key, inclusive = self.upper
            probe = (*prefix, key, MAX_SORT_KEY) if inclusive else (*prefix, key)
            end = bisect.bisect_left(entries, probe)
        return start, max(start, end)


class QueryBuilder:
    """A lazily evaluated query over one table; every terminal call charges the limits."""

    def __init__(self, table: TableState | None, table_name: str, txn: Transaction) -> None:
        self._table = table
        self._table_name = table_name
        self._txn = txn
        self._index_name = BY_CREATION_TIME
        self._range: Callable[[IndexRangeBuilder], object] | None = None
        self._order: Order = "asc"
        self._filters: list[Callable[[Document], object]] = []
        self._indexed = False
        self._ordered = False

    def with_index(
        self, name: str, range_fn: Callable[[IndexRangeBuilder], object] | None = None
    ) -> QueryBuilder:
        if self._indexed or self._ordered or self._filters:
            raise DatabaseError(".with_index() must come first and only once in a query")
        self._indexed = True
        self._index_name = name
        self._range = range_fn
        self._index()  # fail fast on an unknown index
        return self

    def order(self, order: Order) -> QueryBuilder:
        if order not in ("asc", "desc"):
            raise DatabaseError(f"Invalid order {order!r}: use 'asc' or 'desc'")
        if self._ordered:
            raise DatabaseError("Queries may only specify order at most once")
        self._ordered = True
        self._order = order
        return self

    def filter(self, predicate: Callable[[Document], object]) -> QueryBuilder:
        """Keep documents for which `predicate(doc)` is truthy; dropped ones still count."""
        self._filters.append(predicate)
        return self

    def _index(self) -> IndexState | None:
        if self._table is None:
            if self._index_name in (BY_CREATION_TIME, "by_id"):
                return None
            raise DatabaseError(f"Index {self._table_name}.{self._index_name} not found.")
        index = self._table.index(self._index_name)
        if index is None:
            raise DatabaseError(f"Index {self._table_name}.{self._index_name} not found.")
        return index

    def _scan(self, after: EntryKey | None = None) -> Iterator[tuple[EntryKey, Document]]:
        """Matching documents in order, charging each scanned one to the read limits."""
        index = self._index()
        builder_key = None
        start = end = 0
        if index is not None:
            builder = IndexRangeBuilder(index)
            if self._range is not None:
                self._range(builder)
            start, end = builder.bounds()
            builder_key = (tuple(builder.eqs), builder.lower, builder.upper)
        self._txn.record_interval(("range", self._table_name, self._index_name, builder_key))
        if index is None:
            return
        entries = index.entries
        if after is not None:
            if self._order == "asc":
                start = max(start, bisect.bisect_right(entries, after))
            else:
                end = min(end, bisect.bisect_left(entries, after))
        positions = range(start, end) if self._order == "asc" else range(end - 1, start - 1, -1)
        table = self._table
        assert table is not None
        docs, filters = table.docs, self._filters
        size_of, record_read = table.size_of, self._txn.record_read
        for position in positions:
            entry = entries[position]
            doc_id = entry_id(entry)
            doc = docs[doc_id]
            record_read(size_of(doc_id))
            if not filters or all(predicate(doc) for predicate in filters):
                yield entry, doc

    def _copy(self, doc: Document) -> Document:
        copied = copy_value(doc)
        assert isinstance(copied, dict)
        return copied

    def __iter__(self) -> Iterator[Document]:
        """Documents one at a time, each charged as it is reached (JS: `for await ... of`)."""
        for _, doc in self._scan():
            yield self._copy(doc)

    def collect(self) -> list[Document]:
        return [self._copy(doc) for _, doc in self._scan()]

    def take(self, n: int) -> list[Document]:
        if n < 0:
            raise DatabaseError(f"take() needs a non-negative count, got {n}")
        out: list[Document] = []
        if n == 0:
            return out
        for _, doc in self._scan():
            out.append(self._copy(doc))
            if len(out) >= n:
                break
        return out

    def first(self) -> Document | None:
        found = self.take(1)
        return found[0] if found else None

    def unique(self) -> Document | None:
        """The only matching document, None if there is none; raises if there are several."""
        found = self.take(2)
        if len(found) > 1:
            raise DatabaseError(
                f"unique() query returned more than one result from table {self._table_name}:\n"
                f" [{found[0]['_id']!s}, {found[1]['_id']!s}, ...]"
            )
        return found[0] if found else None

    def paginate(self, num_items: int, cursor: str | None) -> PaginationResult:
        """A page of up to `num_items` documents after `cursor` (None = from the start)."""
        if num_items < 1:
            raise DatabaseError(f"paginate() needs numItems >= 1, got {num_items}")
        if cursor == END_CURSOR:
            self._txn.record_interval(("range-end", self._table_name, self._index_name))
            return {"page": [], "isDone": True, "continueCursor": END_CURSOR}
        after = None if cursor is None else self._decode_cursor(cursor)
        page: list[Document] = []
        last: EntryKey | None = None
        for entry, doc in self._scan(after):
            if len(page) == num_items:
                assert last is not None
                return {"page": page, "isDone": False, "continueCursor": self._cursor(last)}
            page.append(self._copy(doc))
            last = entry
        return {"page": page, "isDone": True, "continueCursor": END_CURSOR}

    def _cursor(self, entry: EntryKey) -> str:
        doc = self._table.docs[entry_id(entry)] if self._table is not None else {}
        index = self._index()
        assert index is not None
        values: list[object] = []
        for field in index.fields:
            value = field_at(doc, field)
            values.append([] if value is UNSET else [encode_value(value, "convex_encoded_json")])
        payload = {"index": self._index_name, "values": values, "id": entry_id(entry)}
        return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()

    def _decode_cursor(self, cursor: str) -> EntryKey:
        try:
            payload = json.loads(base64.urlsafe_b64decode(cursor.encode()))
            if payload["index"] != self._index_name:
                raise ValueError("cursor from another query")
            keys: list[SortKey] = []
            for item in payload["values"]:
                keys.append(sort_key(decode_convex_json(item[0]) if item else UNSET))
            keys.append(sort_key(str(payload["id"])))
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise DatabaseError(f"Invalid pagination cursor {cursor!r}: {exc}") from None
        return tuple(keys)
