"""One pass of one RE2 automaton over a file tells which rules have anything to look at.

Python's `re` tries a pattern at every position of a file, about a millisecond per pattern for a
16 KB manifest: twenty patterns would double the cost of checking a catalog. RE2 (Google's
linear-time engine) matches all the rules' gate patterns together in one pass, and a rule runs
its exact patterns (lookarounds, validity tests) only when one of its gates matched. A gate is
a superset of what its rule reports, so a closed gate loses nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

LOOKAROUND = re.compile(r"\(\?<?[=!](?:[^()\\]|\\.)*\)")
LONG_REPEAT = re.compile(r"\{(\d+),(\d{4,})\}")


def relaxed(pattern: re.Pattern[str]) -> str:
    """An RE2 pattern matching everything `pattern` matches (lookarounds dropped)."""
    source = LONG_REPEAT.sub(r"{\1,}", LOOKAROUND.sub("", pattern.pattern))
    if pattern.flags & re.VERBOSE:
        source = re.sub(r"(?<!\\)\s+", "", source)
    return f"(?i){source}" if pattern.flags & re.IGNORECASE else source


class GateSet:
    """Named gate patterns compiled into one RE2 set."""

    def __init__(self, gates: Mapping[str, str]) -> None:
        import re2

        self.names = list(gates)
        options = re2.Options()
        options.log_errors = False  # a bad pattern raises here instead of logging to stderr
        self._set = re2.Set.SearchSet(options)
        for name in self.names:
            self._set.Add(gates[name])
        self._set.Compile()

    def open(self, text: str) -> frozenset[str]:
        """The names of the gates that match somewhere in `text`."""
        return frozenset(self.names[index] for index in self._set.Match(text) or ())


@lru_cache(maxsize=8)
def gate_set(gates: tuple[tuple[str, str], ...]) -> GateSet:
    """The compiled set for these gates (one per settings, compiled once per process)."""
    return GateSet(dict(gates))
