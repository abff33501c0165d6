"""Field path -> (line, column): the slow, precise path, built only for files that fail.

The fast loader returns plain data without positions; a failing file is walked once more with
PyYAML's event stream to place each finding. A node limit keeps hostile files cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import yaml

from seeding_suite.loading.events import Position, node_events, position

if TYPE_CHECKING:
    from seeding_suite.findings import FieldPath

NODE_LIMIT = 200_000


@dataclass
class PositionIndex:
    """Where each value (and each mapping key) of a document starts, by field path."""

    values: dict[FieldPath, Position] = field(default_factory=dict)
    keys: dict[FieldPath, Position] = field(default_factory=dict)

    @classmethod
    def build(cls, text: str, node_limit: int = NODE_LIMIT) -> PositionIndex:
        """Index the first document of `text`; stops quietly at a syntax error or the limit."""
        index = cls()
        try:
            for count, node in enumerate(node_events(text)):
                if count >= node_limit:
                    break
                event = node.event
                where = position(event.start_mark)
                if where is None or isinstance(event, yaml.CollectionEndEvent):
                    continue
                if not node.is_key:
                    index.values.setdefault(node.path, where)
                elif isinstance(event, yaml.ScalarEvent):
                    index.keys.setdefault((*node.path[:-1], event.value), where)
        except yaml.YAMLError:
            pass
        return index

    def locate(self, path: FieldPath) -> tuple[int | None, int | None]:
        """Where the value at `path` starts; else its nearest located ancestor's value."""
        for end in range(len(path), -1, -1):
            where = self.values.get(path[:end])
            if where is not None:
                return where
        return None, None

    def path_at(self, line: int, column: int) -> FieldPath:
        """The field whose value starts last at or before (line, column): the one holding it."""
        best: tuple[tuple[int, int], FieldPath] = ((0, 0), ())
        for path, where in self.values.items():
            if best[0] < where <= (line, column):
                best = (where, path)
        return best[1]

    def locate_key(self, path: FieldPath) -> tuple[int | None, int | None]:
        """Where the key naming `path` is written (for unknown keys); else `locate(path)`."""
        where = self.keys.get(path)
        return where if where is not None else self.locate(path)
