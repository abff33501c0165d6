"""The exception tree of seeding-suite.

    SeedingSuiteError
    ├── ConfigurationError      bad options, settings or environment
    ├── TargetError             the target deployment failed or refused
    │   └── ConvexError         a Convex call failed (seeding_suite.client raises these)
    │       ├── ConvexTransportError   network failure, timeout, 5xx after retries
    │       ├── ConvexAuthError        the key was rejected (401/403); never names the key
    │       ├── ConvexFunctionError    the function threw; carries `data` (ConvexError data)
    │       └── ConvexLimitError       a Convex transaction or value limit was exceeded
    └── SeedError               the engine could not seed
        └── PlanError           the plan cannot be computed or no longer holds

A manifest's own mistakes are never exceptions: they are `Finding`s (seeding_suite.findings).
"""

from __future__ import annotations

import re
from typing import Any


class SeedingSuiteError(Exception):
    """Root of every error seeding-suite raises on purpose."""


class ConfigurationError(SeedingSuiteError):
    """Options, settings or environment variables are wrong or missing."""


class TargetError(SeedingSuiteError):
    """The target deployment failed or refused an operation."""


class ConvexError(TargetError):
    """A call to a Convex deployment (real or fake) failed."""


class ConvexTransportError(ConvexError):
    """The request did not get a usable answer: network error, timeout, 5xx after retries."""


class ConvexAuthError(ConvexError):
    """The deployment rejected the key (HTTP 401/403). The message never contains the key."""


class ConvexFunctionError(ConvexError):
    """The function ran and threw; `data` is the ConvexError data, if any."""

    def __init__(self, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.data = data


class ConvexLimitError(ConvexFunctionError):
    """The call broke a Convex limit (document size, writes per transaction, ...)."""


class SeedError(SeedingSuiteError):
    """The engine could not seed."""


class PlanError(SeedError):
    """A plan cannot be computed, or the target moved since it was computed."""


# Convex reports transaction and value limits as plain function errors (convex-protocol.md §4),
# e.g. "Too many writes in a single function execution (limit: 16000)".
_LIMIT_MESSAGE = re.compile(
    r"in a single function execution"
    r"|too large"
    r"|too many (?:writes|reads|bytes|documents|fields|elements)"
    r"|too (?:deeply )?nested"
    r"|too long"
    r"|nesting",
    re.IGNORECASE,
)


def function_error(
    message: str, data: Any = None, *, has_data: bool = False
) -> ConvexFunctionError:
    """The error for a function that ended with status "error" (HTTP or in-process)."""
    if has_data:  # a ConvexError thrown on purpose: its data is the contract, whatever the text
        return ConvexFunctionError(message, data)
    if _LIMIT_MESSAGE.search(message):
        return ConvexLimitError(message)
    return ConvexFunctionError(message)
