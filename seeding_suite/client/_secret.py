"""`Secret`: a string that never shows itself in reprs, messages or logs.

The deploy key travels through the client inside one of these, so an accidental `repr()` of
the client, a settings object or a traceback frame prints `Secret('**********')` instead.
"""

from __future__ import annotations

import hmac
from typing import Final

__all__ = ["Secret"]

_MASK: Final = "**********"
# A run of the key's first characters this long is taken for the key itself: a server, proxy
# or log that cut an echoed key still leaks it, and no honest text starts like a key.
PREFIX_MASKED: Final = 8


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
        """Return `text` with the hidden value masked, and every cut-off start of it too.

        A start of `PREFIX_MASKED` or more of the key's characters counts as the key: an echo
        that someone else already cut (a proxy, a log line) must not leak its first part.
        Callers mask the whole text first and shorten it afterwards, never the other way round.
        """
        key = self._value
        if not key:
            return text
        text = text.replace(key, _MASK)
        head = key[: min(PREFIX_MASKED, len(key))]
        start = text.find(head)
        while start >= 0:
            end = start + len(head)
            while end < len(text) and end - start < len(key) and text[end] == key[end - start]:
                end += 1
            text = text[:start] + _MASK + text[end:]
            start = text.find(head, start + len(_MASK))
        return text

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
