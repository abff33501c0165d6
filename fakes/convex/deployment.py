"""`FakeConvex`: registered functions, the call entry point, transactions and fault hooks.

`call` reports every function-level problem as FunctionFailure, exactly as the HTTP envelope
would (status "error"); OccFailure and BadRequest are the protocol-level failures.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

from fakes.convex.database import Catalog, DatabaseReader, DatabaseWriter
from fakes.convex.errors import (
    ConvexError,
    DatabaseError,
    FunctionFailure,
    InvalidValue,
    OccFailure,
    TransactionLimitError,
)
from fakes.convex.ids import Clock, CreationTimes, SystemClock
from fakes.convex.measured import normalize_measured
from fakes.convex.paths import FunctionPath, parse_function_path
from fakes.convex.storage import CommitRecord, MemoryStorage, Storage
from fakes.convex.transaction import Transaction
from fakes.convex.values import UNSET, Value, copy_value

if TYPE_CHECKING:
    from fakes.convex.schema import Schema
    from fakes.convex.tables import Document
    from fakes.convex.validators import Validator

Kind = Literal["query", "mutation"]
Visibility = Literal["public", "internal"]
Phase = Literal["before", "after_commit"]
FaultHook = Callable[[str, Phase], None]
Handler = Callable[[Any, dict[str, Any]], object]
"""`handler(ctx, args)`: ctx is a QueryCtx or MutationCtx; returns a Convex value."""

MAX_ARGS_SIZE: Final = 1 << 24
MAX_RESULT_SIZE: Final = 1 << 24
MAX_VALUE_NESTING: Final = 64
MAX_OCC_RETRIES: Final = 4


@dataclass(frozen=True)
class QueryCtx:
    """The context a query handler receives."""

    db: DatabaseReader


@dataclass(frozen=True)
class MutationCtx:
    """The context a mutation handler receives."""

    db: DatabaseWriter


@dataclass(frozen=True)
class _Function:
    path: FunctionPath
    kind: Kind
    handler: Handler
    visibility: Visibility
    args: Validator | None
    returns: Validator | None


def _uncaught(exc: Exception) -> FunctionFailure:
    """How an exception escaping a handler reaches the client."""
    if isinstance(exc, FunctionFailure):
        return exc
    if isinstance(exc, ConvexError):
        return FunctionFailure(f"Uncaught ConvexError: {exc}", exc.data)
    if isinstance(exc, TransactionLimitError):
        return FunctionFailure(str(exc))
    if isinstance(exc, DatabaseError | InvalidValue):
        return FunctionFailure(f"Uncaught Error: {exc}")
    return FunctionFailure(f"Uncaught {type(exc).__name__}: {exc}")


class FakeConvex:
    """An in-process Convex deployment that refuses what Convex refuses.

    Thread-safe: every function runs under one lock (serializable by construction).
    """

    def __init__(
        self,
        schema: Schema | None = None,
        storage: Storage | None = None,
        clock: Clock | None = None,
        seed: int | None = None,
    ) -> None:
        self._storage: Storage = storage if storage is not None else MemoryStorage()
        self._times = CreationTimes(clock if clock is not None else SystemClock())
        self._catalog = Catalog(schema, self._times, random.Random(seed))
        self._catalog.restore(self._storage.load())
        self._functions: dict[str, _Function] = {}
        self._lock = threading.RLock()
        self._pending_conflicts = 0
        self._fault_hook: FaultHook | None = None
        self._create_schema_tables(schema)

    def _create_schema_tables(self, schema: Schema | None) -> None:
        """Convex creates a schema's tables when it is pushed; so does the fake, durably."""
        missing = [n for n in (schema.tables if schema else {}) if n not in self._catalog.tables]
        created = {name: self._catalog.create_table(name).number for name in missing}
        if created:
            self._storage.commit(CommitRecord(created, [], self._times.high_water_ms))

    # ------------------------------------------------------------ registration

    def register(
        self,
        path: str,
        kind: Kind,
        handler: Handler,
        *,
        visibility: Visibility = "public",
        args: Validator | None = None,
        returns: Validator | None = None,
    ) -> None:
        """Register `handler` as the function at `path` (raises BadRequest for a bad path)."""
        if kind not in ("query", "mutation"):
            raise ValueError(f"kind must be 'query' or 'mutation', not {kind!r}")
        if visibility not in ("public", "internal"):
            raise ValueError(f"visibility must be 'public' or 'internal', not {visibility!r}")
        parsed = parse_function_path(path)
        self._functions[parsed.key] = _Function(parsed, kind, handler, visibility, args, returns)

    # ------------------------------------------------------------ test hooks

    def inject_conflicts(self, n: int) -> None:
        """Make the next `n` mutation commit attempts conflict (each is re-run from scratch)."""
        with self._lock:
            self._pending_conflicts += n

    def set_fault_hook(self, hook: FaultHook | None) -> None:
        """Call `hook(path, phase)` before every mutation and after its durable commit."""
        self._fault_hook = hook

    # ------------------------------------------------------------ calls

    def query(self, path: str, args: dict[str, object] | None = None, admin: bool = True) -> Value:
        return self.call(path, args if args is not None else {}, kind="query", admin=admin)

    def mutation(
        self, path: str, args: dict[str, object] | None = None, admin: bool = True
    ) -> Value:
        return self.call(path, args if args is not None else {}, kind="mutation", admin=admin)

    def call(
        self,
        path: str,
        args: object,
        *,
        kind: Literal["query", "mutation", "any"] = "any",
        admin: bool = False,
    ) -> Value:
        """Run a function as the HTTP layer would.

        Raises BadRequest (malformed path), FunctionFailure (anything reported as status
        "error"), OccFailure (conflicts on every retry) or InjectedFault (from the fault hook).
        """
        parsed = parse_function_path(path)
        function = self._functions.get(parsed.key)
        if function is None or (function.visibility == "internal" and not admin):
            raise FunctionFailure(f"Could not find public function for '{parsed.key}'.")
        if kind != "any" and function.kind != kind:
            raise FunctionFailure(
                f"Trying to execute {parsed.canonical} as {kind.title()}, but it is defined as "
                f"{function.kind.title()}."
            )
        if function.kind == "query":
            return self._run_query(function, self._check_args(function, args))
        return self._run_mutation(function, args)

    def _check_args(self, function: _Function, args: object) -> dict[str, Value]:
        where = function.path.canonical
        if isinstance(args, list) and len(args) == 1:  # the legacy positional form
            args = args[0]
        if not isinstance(args, dict):
            raise FunctionFailure(f"Invalid arguments for {where}: expected an object")
        try:
            normalized, size, _, _ = normalize_measured(args)
        except InvalidValue as exc:
            raise FunctionFailure(f"Invalid arguments for {where}: {exc}") from None
        assert isinstance(normalized, dict)
        if size > MAX_ARGS_SIZE:
            raise FunctionFailure(
                f"Arguments for {where} are too large (actual: {size} bytes, maximum size: "
                f"{MAX_ARGS_SIZE} bytes)"
            )
        if function.args is not None:
            problem = function.args.check(normalized, "", self._catalog.table_number)
            if problem is not None:
                raise FunctionFailure(f"ArgumentValidationError: {problem}")
        return normalized

    def _check_result(self, function: _Function, result: object) -> Value:
        try:
            value, size, depth, _ = normalize_measured(None if result is UNSET else result)
        except InvalidValue as exc:
            raise FunctionFailure(f"Uncaught Error: invalid return value: {exc}") from None
        if size > MAX_RESULT_SIZE:
            raise FunctionFailure(
                f"Function {function.path.canonical} return value is too large (actual: "
                f"{size} bytes, maximum size: {MAX_RESULT_SIZE} bytes)"
            )
        if depth > MAX_VALUE_NESTING:
            raise FunctionFailure(f"Return value is too nested (> {MAX_VALUE_NESTING})")
        if function.returns is not None:
            problem = function.returns.check(value, "", self._catalog.table_number)
            if problem is not None:
                raise FunctionFailure(f"ReturnsValidationError: {problem}")
        return value

    def _execute(self, function: _Function, args: dict[str, Value], txn: Transaction) -> Value:
        """Run the handler on `args` (its own copy) and check its result.

        Errors become FunctionFailure.
        """
        ctx: QueryCtx | MutationCtx
        if function.kind == "query":
            ctx = QueryCtx(DatabaseReader(self._catalog, txn))
        else:
            ctx = MutationCtx(DatabaseWriter(self._catalog, txn))
        try:
            result = function.handler(ctx, args)
        except Exception as exc:
            raise _uncaught(exc) from exc
        if txn.limit_error is not None:  # swallowed by the handler, still fatal
            raise FunctionFailure(str(txn.limit_error)) from txn.limit_error
        return self._check_result(function, result)

    def _run_query(self, function: _Function, args: dict[str, Value]) -> Value:
        with self._lock:
            return self._execute(function, args, Transaction(read_only=True))

    def _run_mutation(self, function: _Function, raw_args: object) -> Value:
        """Run a mutation, re-running it from scratch on an (injected) conflict.

        Every attempt gets a fresh private copy of the arguments, normalized from the caller's
        `raw_args`, which no handler ever sees: an attempt cannot leak changes into the next.
        """
        args = self._check_args(function, raw_args)
        key = function.path.key
        if self._fault_hook is not None:
            self._fault_hook(key, "before")
        for attempt in range(MAX_OCC_RETRIES + 1):
            with self._lock:
                txn = Transaction(read_only=False)
                try:
                    if attempt > 0:
                        args = self._check_args(function, raw_args)
                    result = self._execute(function, args, txn)
                    if self._pending_conflicts > 0:
                        self._pending_conflicts -= 1
                        txn.rollback()
                        continue
                    record = txn.commit_record(self._times.high_water_ms)
                    if record.writes or record.new_tables:
                        self._storage.commit(record)
                except BaseException:
                    txn.rollback()
                    raise
            if self._fault_hook is not None:
                self._fault_hook(key, "after_commit")
            return result
        raise OccFailure(
            f"Documents read from or written to a table changed while this mutation ({key}) "
            "was being run and on every subsequent retry. Another call to this mutation "
            "changed the data it reads."
        )

    # ------------------------------------------------------------ introspection

    def tables(self) -> list[str]:
        """Names of existing tables, in creation order."""
        with self._lock:
            return [t.name for t in sorted(self._catalog.tables.values(), key=lambda t: t.number)]

    def documents(self, table: str) -> list[Document]:
        """Copies of a table's documents in `_creationTime` order ([] for no such table)."""
        with self._lock:
            state = self._catalog.tables.get(table)
            if state is None:
                return []
            out = []
            for doc in state.in_creation_order():
                copied = copy_value(doc)
                assert isinstance(copied, dict)
                out.append(copied)
            return out

    def close(self) -> None:
        """Release the store (the SQLite connection)."""
        with self._lock:
            self._storage.close()
