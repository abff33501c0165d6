"""One walk that validates, copies and measures a value: the fake's hot path for every write.

`normalize_measured` must agree exactly with `values.normalize_value` (the reference, which
names the first problem in Convex's order), `value_size` and `nesting`; the property tests in
tests/unit/fakes/test_fast_paths.py hold it to that. Anything unusual (a rejected value, a
subclass of a builtin, a bytearray) leaves the fast walk for the reference functions.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from fakes.convex.values import (
    MAX_ARRAY_LEN,
    MAX_NESTING,
    MAX_OBJECT_FIELDS,
    MAX_SAFE_INT,
    UNSET,
    Int64,
    Value,
    is_plain_field_name,
    nesting,
    normalize_value,
    value_size,
)

_SCALAR_SIZE: Final = 9  # a Float64 or an Int64
_Node = tuple[Value, int, int, bool]  # (copy, size, nesting, has a nested `_` field name)

MAX_KNOWN_NAMES: Final = 4096
_known_names: set[str] = set()
"""Field names found legal by earlier walks; it stops growing at MAX_KNOWN_NAMES.

Documents repeat a few shapes across every write, so most names are checked once per process.
Only names `is_plain_field_name` accepted are added, and a hit also needs the exact type
`str`: the set can spare a check, never admit a name the check would refuse.
"""


class Measured(NamedTuple):
    """A normalized private copy of a value, its Convex size and its nesting depth.

    `nested_underscore` is True when an object below the top level may have a field name
    starting with `_` (documents refuse those); it is never False when one does.
    """

    value: Value
    size: int
    nesting: int
    nested_underscore: bool


class _Unusual(Exception):
    """The fast walk met something it leaves to the reference functions."""


def normalize_measured(value: object) -> Measured:
    """`normalize_value(value)` with its size and nesting, in one pass over the value.

    Raises InvalidValue exactly as `normalize_value` does.
    """
    try:
        return Measured(*_node(value, 0, False))
    except _Unusual:
        normalized = normalize_value(value)  # raises the reference's error, if any
        return Measured(normalized, value_size(normalized), nesting(normalized), True)


def _node(value: object, depth: int, below_top: bool) -> _Node:
    if type(value) is str:
        if value.isascii():
            return value, len(value) + 2, 0, False
        try:
            return value, len(value.encode("utf-8")) + 2, 0, False
        except UnicodeEncodeError:
            raise _Unusual from None
    if type(value) is float or type(value) is Int64:
        return value, _SCALAR_SIZE, 0, False
    if value is None or type(value) is bool:
        return value, 1, 0, False
    if type(value) is bytes:
        return value, len(value) + 2, 0, False
    if type(value) is int:
        if abs(value) > MAX_SAFE_INT:
            raise _Unusual
        return float(value), _SCALAR_SIZE, 0, False
    if depth >= MAX_NESTING:
        raise _Unusual
    if type(value) is dict:
        return _object(value, depth, below_top)
    if type(value) is list:
        return _array(value, depth)
    raise _Unusual


def _object(obj: dict[str, object], depth: int, below_top: bool) -> _Node:
    known = _known_names
    copy: dict[str, Value] = {}
    size = 2
    deepest = 0
    underscore = False
    for name, item in obj.items():
        if item is UNSET:
            continue
        if type(name) is not str or name not in known:
            if not is_plain_field_name(name):
                raise _Unusual
            if len(known) < MAX_KNOWN_NAMES:
                known.add(name)
        if below_top and name[0] == "_":
            underscore = True
        # The common leaves inline: a call per field would cost more than the field itself.
        if type(item) is str and item.isascii():
            copy[name] = item
            size += len(name) + 3 + len(item)
        elif item is None:
            copy[name] = None
            size += len(name) + 2
        elif type(item) is float:
            copy[name] = item
            size += len(name) + 1 + _SCALAR_SIZE
        else:
            child, child_size, child_depth, child_underscore = _node(item, depth + 1, True)
            copy[name] = child
            size += len(name) + 1 + child_size
            if child_depth > deepest:
                deepest = child_depth
            underscore = underscore or child_underscore
    if len(copy) > MAX_OBJECT_FIELDS:
        raise _Unusual
    return copy, size, deepest + 1, underscore


def _array(items: list[object], depth: int) -> _Node:
    if len(items) > MAX_ARRAY_LEN:
        raise _Unusual
    copy: list[Value] = []
    size = 2
    deepest = 0
    underscore = False
    for item in items:
        if type(item) is str and item.isascii():  # the common leaf, inline
            copy.append(item)
            size += len(item) + 2
            continue
        child, child_size, child_depth, child_underscore = _node(item, depth + 1, True)
        copy.append(child)
        size += child_size
        if child_depth > deepest:
            deepest = child_depth
        underscore = underscore or child_underscore
    return copy, size, deepest + 1, underscore
