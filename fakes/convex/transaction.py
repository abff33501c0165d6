"""One function execution's transaction: its limits, its undo log and its net write set.

Functions run one at a time under the deployment lock, directly on the live tables; the undo
log makes every mutation all-or-nothing and costs O(writes), never a copy of the database.
No other transaction can observe the tables while the lock is held, so this is
indistinguishable from a private write set.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from fakes.convex.errors import TransactionLimitError
from fakes.convex.storage import CommitRecord

if TYPE_CHECKING:
    from fakes.convex.tables import Document, TableState

MAX_WRITES: Final = 16_000
MAX_BYTES_WRITTEN: Final = 1 << 24
MAX_DOCS_READ: Final = 32_000
MAX_BYTES_READ: Final = 1 << 24
MAX_READ_INTERVALS: Final = 4_096

_OVER_LIMIT_HELP: Final = (
    "Consider using smaller limits in your queries, paginating your queries, or using indexed "
    "queries with a selective index range expressions."
)

Undo = Callable[[], object]


class Transaction:
    """Counts reads and writes against Convex's limits and remembers how to undo writes.

    A limit error poisons the transaction: the call fails even if the handler catches it.
    """

    def __init__(self, *, read_only: bool) -> None:
        self.read_only = read_only
        self.writes = 0
        self.bytes_written = 0
        self.docs_read = 0
        self.bytes_read = 0
        self._intervals: set[object] = set()
        self._undo: list[Undo] = []
        self._touched: dict[str, tuple[TableState, str]] = {}
        self.new_tables: dict[str, TableState] = {}
        self.limit_error: TransactionLimitError | None = None

    def _fail(self, message: str) -> None:
        self.limit_error = TransactionLimitError(message)
        raise self.limit_error

    def record_read(self, size: int) -> None:
        """Charge one document read (it counts even when a filter drops it)."""
        self.docs_read += 1
        self.bytes_read += size
        if self.docs_read > MAX_DOCS_READ:
            self._fail(
                "Too many documents read in a single function execution "
                f"(limit: {MAX_DOCS_READ}). {_OVER_LIMIT_HELP}"
            )
        if self.bytes_read > MAX_BYTES_READ:
            self._fail(
                "Too many bytes read in a single function execution "
                f"(limit: {MAX_BYTES_READ} bytes). {_OVER_LIMIT_HELP}"
            )

    def record_interval(self, interval: object) -> None:
        """Charge one index range (a `get` or a query); repeating the same range is free."""
        self._intervals.add(interval)
        if len(self._intervals) > MAX_READ_INTERVALS:
            self._fail(
                "Too many reads in a single function execution "
                f"(limit: {MAX_READ_INTERVALS}). {_OVER_LIMIT_HELP}"
            )

    def record_write(self, table: TableState, doc_id: str, size: int, undo: Undo) -> None:
        """Remember an applied write (and how to undo it); then charge it to the limits."""
        self._undo.append(undo)
        self._touched[doc_id] = (table, doc_id)
        self.writes += 1
        self.bytes_written += size
        if self.writes > MAX_WRITES:
            self._fail(f"Too many writes in a single function execution (limit: {MAX_WRITES})")
        if self.bytes_written > MAX_BYTES_WRITTEN:
            self._fail(
                "Too many bytes written in a single function execution "
                f"(limit: {MAX_BYTES_WRITTEN} bytes)"
            )

    def record_new_table(self, table: TableState, undo: Undo) -> None:
        self._undo.append(undo)
        self.new_tables[table.name] = table

    def rollback(self) -> None:
        """Undo every write, newest first."""
        while self._undo:
            self._undo.pop()()
        self._touched.clear()
        self.new_tables.clear()

    def commit_record(self, high_water_ms: float) -> CommitRecord:
        """The net effect to persist: each touched document's final version (None if gone)."""
        writes: list[tuple[str, str, Document | None]] = [
            (table.name, doc_id, table.docs.get(doc_id)) for table, doc_id in self._touched.values()
        ]
        new_tables = {name: table.number for name, table in self.new_tables.items()}
        return CommitRecord(new_tables, writes, high_water_ms)
