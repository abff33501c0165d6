"""PyYAML's event stream, walked without recursion: the slow, precise path for suspect files.

The fast loader has no positions for some errors and cannot be trusted with unbounded nesting
(a deep enough file overflows its native stack). Events come from libyaml one at a time, with
marks, and never expand aliases, so hostile files cost time linear in their size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import yaml

if TYPE_CHECKING:
    from collections.abc import Iterator

    from seeding_suite.findings import FieldPath

Position = tuple[int, int]
# YAML 1.1 (PyYAML, libyaml) breaks lines at NEL, LS and PS; YAML 1.2 (and yaml-rs) reads them
# as content. Each becomes a no-break space (content, not white space, one character like it)
# before PyYAML sees it: the structure and every position stay those of YAML 1.2.
_YAML12_CONTENT = str.maketrans("\x85\u2028\u2029", "\xa0\xa0\xa0")
# libyaml when compiled in; the pure-Python parser is also iterative, only slower.
_LOADER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)


class _Mark(Protocol):
    line: int
    column: int


def position(mark: _Mark | None) -> Position | None:
    """A PyYAML mark as a 1-based (line, column)."""
    return None if mark is None else (mark.line + 1, mark.column + 1)


@dataclass
class _Frame:
    """An open collection: its path and depth, and what comes next in it."""

    path: FieldPath
    is_mapping: bool
    depth: int
    count: int = 0
    key: str | None = None

    def expects_key(self) -> bool:
        return self.is_mapping and self.count % 2 == 0


@dataclass(frozen=True)
class NodeEvent:
    """One node event, or the end of a collection, with its field path and depth.

    `depth` counts the collections around the node (0 for the document's root node); an end
    event carries the path and depth of the collection it closes.
    """

    event: yaml.Event
    path: FieldPath
    depth: int
    is_key: bool


def node_events(text: str) -> Iterator[NodeEvent]:
    """Every node event (scalars, aliases, collection starts and ends) with its field path.

    A complex (non-scalar) key's contents get the path of its mapping plus "?"; nothing in a
    manifest is addressed that way. Raises `yaml.YAMLError` where libyaml rejects the text.
    """
    stack: list[_Frame] = []
    for event in _parse(text):
        if isinstance(event, yaml.CollectionEndEvent):
            closed = stack.pop()
            yield NodeEvent(event, closed.path, closed.depth, is_key=False)
            _advance(stack, None)
            continue
        if not isinstance(event, yaml.NodeEvent):
            continue
        parent = stack[-1] if stack else None
        is_key = parent is not None and parent.expects_key()
        path = _child_path(parent, is_key)
        yield NodeEvent(event, path, len(stack), is_key)
        if isinstance(event, yaml.CollectionStartEvent):
            is_mapping = isinstance(event, yaml.MappingStartEvent)
            stack.append(_Frame(path, is_mapping, len(stack)))
        else:
            key = event.value if is_key and isinstance(event, yaml.ScalarEvent) else None
            _advance(stack, key)


def _parse(text: str) -> Iterator[yaml.Event]:
    loader = _Yaml12AnchorsLoader if _ODD_ANCHOR.search(text) else _LOADER
    return yaml.parse(text.translate(_YAML12_CONTENT), Loader=loader)


# An anchor or alias whose name holds a character libyaml refuses: YAML 1.2 allows any
# non-space character but the flow indicators ([]{},), YAML 1.1 only letters, digits, - and _.
_ODD_ANCHOR = re.compile(r"(?<![^\s\[{,])[&*][A-Za-z0-9_-]*[^\sA-Za-z0-9_\[\]{},-]")
_ANCHOR_END = frozenset("\0 \t\r\n,[]{}")  # "\0": PyYAML's end of the stream


class _Yaml12AnchorsLoader(yaml.SafeLoader):
    """PyYAML's pure-Python parser with anchor names as YAML 1.2 writes them (`&a.b`, `&:x`).

    Used only for files that hold such a name (libyaml refuses them): about 8x slower.
    """

    def scan_anchor(self, TokenClass: type[yaml.Token]) -> yaml.Token:
        start_mark = self.get_mark()
        self.forward()  # the & or *
        length = 0
        while self.peek(length) not in _ANCHOR_END:
            length += 1
        if not length:
            raise yaml.scanner.ScannerError(
                "while scanning an anchor or alias",
                start_mark,
                f"expected its name, but found {self.peek()!r}",
                self.get_mark(),
            )
        name = self.prefix(length)
        self.forward(length)
        return TokenClass(name, start_mark, self.get_mark())  # type: ignore[call-arg]


def _child_path(parent: _Frame | None, is_key: bool) -> FieldPath:
    if parent is None:
        return ()
    if not parent.is_mapping:
        return (*parent.path, parent.count)
    if is_key or parent.key is None:
        return (*parent.path, "?")
    return (*parent.path, parent.key)


def _advance(stack: list[_Frame], key: str | None) -> None:
    # A node ended inside the top frame: a mapping alternates key, value; a sequence counts.
    if stack:
        top = stack[-1]
        if top.expects_key():
            top.key = key
        top.count += 1


def nesting_problem(text: str, max_depth: int) -> tuple[str, Position | None] | None:
    """Where the data nests deeper than `max_depth` once aliases are expanded, if it does.

    Depth counts collections (the root mapping is level 1). Also reports an alias inside the
    collection its anchor names (a recursive structure: yaml-rs would read the alias as null)
    and text libyaml cannot parse. Stops at the first offence, so a hostile file costs no
    more than its prefix.
    """
    heights: dict[str, int] = {}  # anchor -> levels its node adds where an alias repeats it
    open_: list[tuple[int, str | None, int]] = []  # per open collection: depth, anchor, deepest
    unfinished: set[str] = set()  # anchors whose latest node is a collection still open
    try:
        for node in node_events(text):
            event = node.event
            if isinstance(event, yaml.CollectionEndEvent):
                depth, anchor, reached = open_.pop()
                if anchor:
                    heights[anchor] = reached - depth
                    unfinished.discard(anchor)
            else:
                reached = node.depth
                if isinstance(event, yaml.AliasEvent):
                    if event.anchor in unfinished:
                        return _recursive(event.anchor or ""), position(event.start_mark)
                    reached += heights.get(event.anchor or "", 0)
                elif isinstance(event, yaml.CollectionStartEvent):
                    reached += 1
                    open_.append((node.depth, event.anchor, reached))
                    if event.anchor:
                        unfinished.add(event.anchor)
                elif isinstance(event, yaml.ScalarEvent) and event.anchor:
                    heights[event.anchor] = 0
                    unfinished.discard(event.anchor)
                if reached > max_depth:
                    return _too_deep(max_depth), position(event.start_mark)
            if open_:
                depth, anchor, deepest = open_[-1]
                open_[-1] = (depth, anchor, max(deepest, reached))
    except yaml.MarkedYAMLError as exc:
        return f"invalid YAML: {exc.problem}", position(exc.problem_mark)
    except yaml.YAMLError as exc:
        return f"invalid YAML: {exc}", None
    return None


def _recursive(anchor: str) -> str:
    return (
        f"the alias *{anchor} stands inside the collection &{anchor} names: a recursive "
        "structure, which plain data cannot hold"
    )


def _too_deep(max_depth: int) -> str:
    return (
        f"the data nests deeper than {max_depth} levels (counting expanded aliases); "
        "a manifest never needs that"
    )


def duplicate_key(text: str) -> tuple[FieldPath, Position | None, Position | None] | None:
    """The first repeated key of a mapping: its path, and where its first and second use are."""
    seen: dict[FieldPath, Position | None] = {}
    try:
        for node in node_events(text):
            event = node.event
            if node.is_key and isinstance(event, yaml.ScalarEvent):
                path = (*node.path[:-1], event.value)
                where = position(event.start_mark)
                if path in seen:
                    return path, seen[path], where
                seen[path] = where
    except yaml.YAMLError:
        return None
    return None


def first_alias(text: str) -> Position | None:
    """Where the first alias (*name) is used."""
    try:
        for node in node_events(text):
            if isinstance(node.event, yaml.AliasEvent):
                return position(node.event.start_mark)
    except yaml.YAMLError:
        return None
    return None


def document_starts(text: str) -> list[Position | None]:
    """Where each YAML document of the stream starts (up to the first error)."""
    starts: list[Position | None] = []
    try:
        for event in _parse(text):
            if isinstance(event, yaml.DocumentStartEvent):
                starts.append(position(event.start_mark))
    except yaml.YAMLError:
        pass
    return starts
