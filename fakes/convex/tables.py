"""The deployment's in-memory tables and their sorted indexes.

Every index is a sorted list of entry keys: the sort keys of the indexed fields, then
`_creationTime`, then `_id`; ranges are found by bisection, so lookups stay O(log n).

Both are built on first use: a stored table's documents when the table is first touched, an
index's entries when it is first read. Opening a large store then costs only what is used.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING, Final

from fakes.convex.values import UNSET, SortKey, Unset, Value, sort_key, value_size

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

Document = dict[str, Value]
EntryKey = tuple[SortKey, ...]

CREATION_TIME: Final = "_creationTime"
ID: Final = "_id"
BY_CREATION_TIME: Final = "by_creation_time"
BY_ID: Final = "by_id"


def field_at(doc: Document, path: str) -> Value | Unset:
    """The value at a dot path, or UNSET when any step is missing or not an object."""
    return _field_at_parts(doc, tuple(path.split(".")))


def _field_at_parts(doc: Document, parts: tuple[str, ...]) -> Value | Unset:
    current: Value | Unset = doc
    for part in parts:
        if not isinstance(current, dict):
            return UNSET
        current = current.get(part, UNSET)
    return current


class IndexState:
    """One index of one table: its full field list and its sorted entries.

    The entries are a function of the table's documents, so they are built from `docs` on
    first read and only kept in step with writes from then on.
    """

    def __init__(
        self, name: str, fields: tuple[str, ...], docs: Callable[[], Iterable[Document]]
    ) -> None:
        self.name = name
        self.fields = fields
        self._paths = tuple(tuple(field.split(".")) for field in fields)
        self._top_level = all(len(path) == 1 for path in self._paths)
        self._docs = docs
        self._entries: list[EntryKey] | None = None

    @property
    def entries(self) -> list[EntryKey]:
        if self._entries is None:
            self._entries = sorted(self.entry(doc) for doc in self._docs())
        return self._entries

    def entry(self, doc: Document) -> EntryKey:
        if self._top_level:  # the usual index: no dot paths to walk
            keys = [sort_key(doc.get(field, UNSET)) for field in self.fields]
        else:
            keys = [sort_key(_field_at_parts(doc, path)) for path in self._paths]
        keys.append(sort_key(doc[ID]))
        return tuple(keys)

    # The write hooks below do nothing before the first read: the entries built then will
    # come from the documents as they are by that time.

    def add(self, doc: Document) -> None:
        if self._entries is not None:
            bisect.insort(self._entries, self.entry(doc))

    def replace(self, old: Document, new: Document) -> None:
        """Move `old`'s entry to `new`'s (nothing moves when the indexed fields are equal)."""
        if self._entries is None:
            return
        old_key, new_key = self.entry(old), self.entry(new)
        if old_key != new_key:
            self._remove_key(self._entries, old_key)
            bisect.insort(self._entries, new_key)

    def remove(self, doc: Document) -> None:
        if self._entries is not None:
            self._remove_key(self._entries, self.entry(doc))

    @staticmethod
    def _remove_key(entries: list[EntryKey], key: EntryKey) -> None:
        position = bisect.bisect_left(entries, key)
        if position < len(entries) and entries[position] == key:
            del entries[position]


def entry_id(entry: EntryKey) -> str:
    """The document id stored as an entry's last component."""
    raw = entry[-1][1]
    assert isinstance(raw, bytes)
    return raw.decode("ascii")


class TableState:
    """A table's documents by id, plus its indexes kept in step with every write.

    `stored` gives the documents a store holds for the table, in creation order; it is called
    once, when the table is first touched (a read, a write or an index).
    """

    def __init__(
        self,
        name: str,
        number: int,
        user_indexes: dict[str, tuple[str, ...]],
        stored: Callable[[], list[Document]] | None = None,
    ) -> None:
        self.name = name
        self.number = number
        # Stored documents are never mutated in place: every write stores a new dict, and
        # readers get copies. So a document may be shared with a store without copying.
        self._docs: dict[str, Document] | None = None if stored is not None else {}
        self._stored = stored
        self._sizes: dict[str, int] = {}  # value_size of documents, filled as they are known
        # `by_id` is not maintained: ids are random, so keeping it sorted would cost every
        # insert a mid-list insertion; `index()` builds it on the rare query that names it.
        self.indexes: dict[str, IndexState] = {
            BY_CREATION_TIME: IndexState(BY_CREATION_TIME, (CREATION_TIME,), self._values),
        }
        for index_name, fields in user_indexes.items():
            self.indexes[index_name] = IndexState(
                index_name, (*fields, CREATION_TIME), self._values
            )

    @property
    def docs(self) -> dict[str, Document]:
        """The documents by id (a stored table's are loaded here, on first touch)."""
        if self._docs is None:
            assert self._stored is not None
            self._docs = {str(doc[ID]): doc for doc in self._stored()}
            self._stored = None  # lets the store's raw rows go
        return self._docs

    def _values(self) -> Iterable[Document]:
        return self.docs.values()

    def put(self, doc: Document, size: int | None = None) -> Document | None:
        """Insert or overwrite `doc` (by its `_id`); returns the previous version.

        `size` is the document's value_size when the caller has it (else computed on demand).
        """
        doc_id = doc[ID]
        assert isinstance(doc_id, str)
        old = self.docs.get(doc_id)
        for index in self.indexes.values():
            if old is None:
                index.add(doc)
            else:
                index.replace(old, doc)
        self.docs[doc_id] = doc
        if size is None:
            self._sizes.pop(doc_id, None)
        else:
            self._sizes[doc_id] = size
        return old

    def remove(self, doc_id: str) -> Document | None:
        old = self.docs.pop(doc_id, None)
        self._sizes.pop(doc_id, None)
        if old is not None:
            for index in self.indexes.values():
                index.remove(old)
        return old

    def size_of(self, doc_id: str) -> int:
        """The stored document's value_size (what reading it costs), computed at most once."""
        size = self._sizes.get(doc_id)
        if size is None:
            size = self._sizes[doc_id] = value_size(self.docs[doc_id])
        return size

    def index(self, name: str) -> IndexState | None:
        """The named index (None if the table has no such index)."""
        if name != BY_ID:
            return self.indexes.get(name)
        return IndexState(BY_ID, (ID,), self._values)

    def in_creation_order(self) -> Iterator[Document]:
        for entry in self.indexes[BY_CREATION_TIME].entries:
            yield self.docs[entry_id(entry)]
