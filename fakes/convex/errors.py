"""The fake Convex deployment's exception tree, drawn here once.

FakeConvexError
├── ConvexError(data)          raised by handlers: a user-facing application error
├── FunctionFailure            a call ended with status "error" (what a client sees)
├── OccFailure                 conflict retries exhausted (HTTP 503)
├── BadRequest(code, message)  a malformed request, e.g. a bad function path (HTTP 4xx)
├── InjectedFault              raised by a test's fault hook around a mutation
├── InvalidValue (ValueError)  not a valid Convex value, or a codec error
├── SchemaDefinitionError      a schema or index definition Convex would refuse to push
└── DatabaseError              a database operation Convex refuses inside a function
    └── TransactionLimitError  a per-transaction limit was exceeded
"""

from __future__ import annotations

import json


class FakeConvexError(Exception):
    """Root of every error the fake raises on purpose."""


class ConvexError(FakeConvexError):
    """An application error thrown by a handler; its `data` reaches the caller as errorData.

    As in the JS library, the message is the data when it is a string, else the data as JSON.
    """

    def __init__(self, data: object) -> None:
        self.data = data
        message = data if isinstance(data, str) else json.dumps(data, default=repr)
        super().__init__(message)


class FunctionFailure(FakeConvexError):
    """A function call failed; the HTTP layer reports it as 200 with status "error".

    `message` is the errorMessage text (e.g. "Uncaught ConvexError: ..."), `data` the
    ConvexError data or None.
    """

    def __init__(self, message: str, data: object = None) -> None:
        self.message = message
        self.data = data
        super().__init__(message)


class OccFailure(FakeConvexError):
    """A mutation conflicted on every retry (HTTP 503 OptimisticConcurrencyControlFailure)."""


class BadRequest(FakeConvexError):
    """A request Convex refuses before running anything, with its short error code."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        self.code = code
        self.message = message
        self.status = status
        super().__init__(f"{code}: {message}")


class InjectedFault(FakeConvexError):
    """Raised by a fault hook to simulate a crash or a lost connection around a mutation."""


class InvalidValue(FakeConvexError, ValueError):
    """A Python or JSON value that is not a valid Convex value."""


class SchemaDefinitionError(FakeConvexError, ValueError):
    """A schema, table or index definition that `npx convex deploy` would refuse."""


class DatabaseError(FakeConvexError):
    """A `ctx.db` operation Convex refuses; uncaught it fails the call as "Uncaught Error: ..."."""


class TransactionLimitError(DatabaseError):
    """A transaction limit was exceeded; the call fails even if the handler catches this."""
