"""A small least-recently-used map: what a process keeps of the few files it is working on.

A file's checks run back to back, so remembering the last few files' sources, desired states
and outcomes saves all repeated work, while 10,000 manifests never sit in memory at once.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

K = TypeVar("K")
V = TypeVar("V")


class Recent(Generic[K, V]):
    """The values of the `size` most recently used keys; older ones are forgotten."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The value for `key`, made by `make()` (and remembered) when it is not remembered."""
        if key in self._items:
            self._items.move_to_end(key)
            return self._items[key]
        return self.put(key, make())

    def put(self, key: K, value: V) -> V:
        """Remember `value` for `key` as the most recent (forgetting the oldest beyond `size`)."""
        self._items[key] = value
        self._items.move_to_end(key)
        if len(self._items) > self.size:
            self._items.popitem(last=False)
        return value

    def forget(self, key: K) -> None:
        """Drop what is remembered for `key` (it went stale)."""
        self._items.pop(key, None)

    def peek(self, key: K) -> V | None:
        """The remembered value for `key`, if any, without making it recent."""
        return self._items.get(key)
