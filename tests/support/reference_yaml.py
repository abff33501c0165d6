"""A strict YAML 1.2 core-schema reading: the reference the fast loader is tested against.

ruamel.yaml parses (a YAML 1.2 parser, pure Python: anchors as YAML 1.2 names them); the data
is built here from its events by the core schema's rules, written from the spec (YAML 1.2.2
§10.3.2), not by ruamel's resolver, which reads 1_000, 0b11 and merge keys as YAML 1.1 does.
Only plain data is an answer: anything else (another tag, a duplicate or non-string key, a
non-finite number, not exactly one mapping) raises `NotPlainData`, as invalid YAML does.
"""

from __future__ import annotations

import math
import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    DocumentStartEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
)

CORE = "tag:yaml.org,2002:"
NULL = re.compile(r"null|Null|NULL|~|")
BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
INT10 = re.compile(r"[-+]?[0-9]+")
INT8 = re.compile(r"0o[0-7]+")
INT16 = re.compile(r"0x[0-9a-fA-F]+")
FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
SPECIAL_FLOAT = re.compile(r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")
# ruamel breaks lines at NEL, LS and PS as YAML 1.1 did; YAML 1.2 reads them as content. They
# stand in as private-use characters while ruamel parses, and are put back in every scalar.
_CONTENT = "\x85\u2028\u2029"
_STAND_INS = "\ue000\ue001\ue002"


class NotPlainData(Exception):
    """The text is not valid YAML 1.2, or not one mapping of plain (JSON-shaped) data."""


def read(text: str) -> dict[str, Any]:
    """The one mapping `text` holds, read by YAML 1.2's core schema; raises NotPlainData."""
    if any(ch in text for ch in _STAND_INS):
        raise ValueError("the reference uses U+E000-U+E002 itself; pick other test text")
    if "\ufeff" in text[1:]:  # §5.2: a BOM may start the stream, never stand inside it
        raise NotPlainData("a byte-order mark inside the stream")
    parsed = text.translate(str.maketrans(_CONTENT, _STAND_INS))
    try:
        events = list(YAML(typ="safe", pure=True).parse(parsed))
    except YAMLError as exc:
        raise NotPlainData(f"invalid YAML: {exc}") from None
    if sum(isinstance(e, DocumentStartEvent) for e in events) != 1:
        raise NotPlainData("not exactly one document")
    data = _Builder().build([e for e in events if _is_node(e)])
    if not isinstance(data, dict):
        raise NotPlainData(f"the document is not a mapping: {data!r}")
    return data


def _is_node(event: Any) -> bool:
    return isinstance(
        event,
        ScalarEvent | AliasEvent | MappingStartEvent | SequenceStartEvent | CollectionEndEvent,
    )


class _Builder:
    def __init__(self) -> None:
        self.anchors: dict[str, Any] = {}

    def build(self, events: list[Any]) -> Any:
        self.events = iter(events)
        return self.node(next(self.events))

    def node(self, event: Any) -> Any:
        if isinstance(event, AliasEvent):
            if event.anchor not in self.anchors:
                raise NotPlainData(f"alias *{event.anchor} names no anchor")
            return self.anchors[event.anchor]
        if isinstance(event, ScalarEvent):
            value = scalar(event)
        elif isinstance(event, MappingStartEvent):
            self.check_collection_tag(event.tag, "map")
            value = self.mapping()
        else:
            self.check_collection_tag(event.tag, "seq")
            value = self.sequence()
        if event.anchor is not None:
            self.anchors[event.anchor] = value
        return value

    def check_collection_tag(self, tag: str | None, kind: str) -> None:
        if tag not in (None, "!", CORE + kind):
            raise NotPlainData(f"tag {tag} on a collection")

    def mapping(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for event in self.events:
            if isinstance(event, CollectionEndEvent):
                return out
            key = self.node(event)
            if not isinstance(key, str):
                raise NotPlainData(f"non-string key {key!r}")
            if key in out:
                raise NotPlainData(f"duplicate key {key!r}")
            out[key] = self.node(next(self.events))
        raise NotPlainData("unterminated mapping")

    def sequence(self) -> list[Any]:
        out: list[Any] = []
        for event in self.events:
            if isinstance(event, CollectionEndEvent):
                return out
            out.append(self.node(event))
        raise NotPlainData("unterminated sequence")


def scalar(event: Any) -> Any:
    """A scalar by the core schema: resolved if plain and untagged, else by its tag."""
    value = event.value.translate(str.maketrans(_STAND_INS, _CONTENT))
    tag = event.tag
    if tag is None and event.style is None:
        return resolve_plain(value)
    if tag in (None, "!", CORE + "str"):
        return value
    if tag == CORE + "null" and NULL.fullmatch(value):
        return None
    if tag == CORE + "bool" and value in BOOL:
        return BOOL[value]
    if tag == CORE + "int" and (number := _int(value)) is not None:
        return number
    if tag == CORE + "float" and FLOAT.fullmatch(value):
        return _finite(float(value))
    raise NotPlainData(f"tag {tag} on {value!r}")


def resolve_plain(value: str) -> Any:
    if NULL.fullmatch(value):
        return None
    if value in BOOL:
        return BOOL[value]
    number = _int(value)
    if number is not None:
        return number
    if FLOAT.fullmatch(value):
        return _finite(float(value))
    if SPECIAL_FLOAT.fullmatch(value):
        raise NotPlainData(f"{value} is not a JSON number")
    return value


def _int(value: str) -> int | None:
    if INT10.fullmatch(value):
        return int(value, 10)
    if INT8.fullmatch(value):
        return int(value[2:], 8)
    if INT16.fullmatch(value):
        return int(value[2:], 16)
    return None


def _finite(number: float) -> float:
    if not math.isfinite(number):
        raise NotPlainData(f"{number} is not a JSON number")
    return number
