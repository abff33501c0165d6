"""`fakes.convex`: an in-process fake Convex deployment that refuses what Convex refuses.

Register Python handlers as queries and mutations, then `call` them as the HTTP layer would.
Mutations are atomic (rolled back on any exception) and serialized; documents get v6 ids and
strictly increasing `_creationTime`s; Convex's value, document, schema, index-range and
transaction-limit rules are enforced with Convex's messages. State lives in memory and is
persisted per commit by a `MemoryStorage` or an `SqliteStorage`.
"""

from __future__ import annotations

from fakes.convex.database import DatabaseReader, DatabaseWriter
from fakes.convex.deployment import FakeConvex, MutationCtx, QueryCtx
from fakes.convex.errors import (
    BadRequest,
    ConvexError,
    DatabaseError,
    FakeConvexError,
    FunctionFailure,
    InjectedFault,
    InvalidValue,
    OccFailure,
    SchemaDefinitionError,
    TransactionLimitError,
)
from fakes.convex.faults import Fault, FaultInjector, Outage
from fakes.convex.ids import Clock, ManualClock, SystemClock, decode_id, is_valid_id
from fakes.convex.paths import FunctionPath, parse_function_path
from fakes.convex.query import IndexRangeBuilder, QueryBuilder
from fakes.convex.schema import Schema, TableDef, define_schema, define_table
from fakes.convex.server import RunningServer, ServerLimits, serve
from fakes.convex.storage import MemoryStorage, SqliteStorage, Storage, StoreReadOnly
from fakes.convex.validators import Validator, v
from fakes.convex.values import (
    UNSET,
    Int64,
    Value,
    compare_values,
    decode_convex_json,
    encode_value,
    value_size,
)
from fakes.convex.wsgi import ConvexWsgiApp, make_wsgi_app

__all__ = [
    "UNSET",
    "BadRequest",
    "Clock",
    "ConvexError",
    "ConvexWsgiApp",
    "DatabaseError",
    "DatabaseReader",
    "DatabaseWriter",
    "FakeConvex",
    "FakeConvexError",
    "Fault",
    "FaultInjector",
    "FunctionFailure",
    "FunctionPath",
    "IndexRangeBuilder",
    "InjectedFault",
    "Int64",
    "InvalidValue",
    "ManualClock",
    "MemoryStorage",
    "MutationCtx",
    "OccFailure",
    "Outage",
    "QueryBuilder",
    "QueryCtx",
    "RunningServer",
    "Schema",
    "SchemaDefinitionError",
    "ServerLimits",
    "SqliteStorage",
    "Storage",
    "StoreReadOnly",
    "SystemClock",
    "TableDef",
    "TransactionLimitError",
    "Validator",
    "Value",
    "compare_values",
    "decode_convex_json",
    "decode_id",
    "define_schema",
    "define_table",
    "encode_value",
    "is_valid_id",
    "make_wsgi_app",
    "parse_function_path",
    "serve",
    "v",
    "value_size",
]
