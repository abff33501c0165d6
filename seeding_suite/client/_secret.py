"""`Secret`: a string that never shows itself in reprs, messages or logs.

The deploy key travels through the client inside one of these, so an accidental `repr()` of
the client, a settings object or a traceback frame prints `Secret('**********')` instead.
"""

from __future__ import annotations

import hmac
from typing import Final

__all__ = ["Secret"]

_MASK: Final = "**********"


class Secret:
    """Hold a sensitive string; only `reveal()` gives it back.

    Equality compares the hidden values so settings objects stay comparable; hashing is
    deliberately unsupported so a key never becomes a dict key that could be printed.
    """

    __slots__ = ("_value",)
    __hash__ = None  # type: ignore[assignment]  # a secret must not be used as a key

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"Secret holds a str, not {type(value).__name__}")
        self._value = value

    def reveal(self) -> str:
        """Return the hidden string. Call this only where the value leaves the process."""
        return self._value

    def scrub(self, text: str) -> str:
        """Return `text` with every occurrence of the hidden value masked."""
        if not self._value:
            return text
        return text.replace(self._value, _MASK)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __repr__(self) -> str:
        return f"Secret('{_MASK}')"

    def __str__(self) -> str:
        return _MASK
