"""Convex's `v` validators: checking values against them, and their JSON description.

`Validator.to_json()` mirrors the JSON Convex's own `v.*` validators export, e.g.
`{"type": "object", "value": {"name": {"fieldType": {"type": "string"}, "optional": false}}}`.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Mapping
from typing import Final, TypeAlias

from fakes.convex.errors import InvalidValue, SchemaDefinitionError
from fakes.convex.ids import decode_id
from fakes.convex.values import (
    Int64,
    Json,
    Value,
    encode_value,
    normalize_value,
    sort_key,
)

TableNumbers: TypeAlias = Callable[[str], "int | None"]
"""Maps a table name to its number (None when the table does not exist); `v.id` needs it."""


def _show(value: Value) -> str:
    return json.dumps(encode_value(value, "json"), separators=(",", ":"))[:200]


def _join(path: str, key: str) -> str:
    return f"{path}.{key}"


class Validator:
    """A `v.*` validator. `check` returns None when the value matches, else a description.

    `matches` is the fast yes/no every write asks; only a mismatch pays for `_explain`, which
    names the first problem as Convex does. The two must agree on every value.
    """

    optional: bool = False
    types: tuple[type, ...] | None = None
    """When set, `matches` is exactly `isinstance(value, types)`: containers test it inline."""

    def matches(self, value: Value, tables: TableNumbers) -> bool:
        raise NotImplementedError

    def check(self, value: Value, path: str, tables: TableNumbers) -> str | None:
        return None if self.matches(value, tables) else self._explain(value, path, tables)

    def _explain(self, value: Value, path: str, tables: TableNumbers) -> str:
        """Why `value` (which does not match) fails, with the path of the first problem."""
        return self._mismatch(value, path)

    def to_json(self) -> Json:
        raise NotImplementedError

    def describe(self) -> str:
        """The validator as Convex prints it in error messages, e.g. `v.string()`."""
        raise NotImplementedError

    def _mismatch(self, value: Value, path: str) -> str:
        where = f"Path: {path}\n" if path else ""
        return (
            f"Value does not match validator.\n{where}Value: {_show(value)}\n"
            f"Validator: {self.describe()}"
        )


class _Scalar(Validator):
    """A validator that accepts exactly the (normalized) values of one Python type."""

    def __init__(self, name: str, json_type: str, accepts: type) -> None:
        self._name = name
        self._json_type = json_type
        self.types: tuple[type, ...] = (accepts,)

    def matches(self, value: Value, tables: TableNumbers) -> bool:
        return isinstance(value, self.types)

    def to_json(self) -> Json:
        return {"type": self._json_type}

    def describe(self) -> str:
        return f"v.{self._name}()"


class VId(Validator):
    def __init__(self, table: str) -> None:
        self.table = table

    def matches(self, value: Value, tables: TableNumbers) -> bool:
        if not isinstance(value, str):
            return False
        try:
            number, _ = decode_id(value)
        except InvalidValue:
            return False
        return number == tables(self.table)

    def to_json(self) -> Json:
        return {"type": "id", "tableName": self.table}

    def describe(self) -> str:
        return f'v.id("{self.table}")'


class VLiteral(Validator):
    def __init__(self, literal: Value) -> None:
        if not isinstance(literal, str | float | bool | Int64):
            raise SchemaDefinitionError("v.literal() takes a string, number, boolean or bigint")
        self.literal = literal
        self._key = sort_key(literal)

    def matches(self, value: Value, tables: TableNumbers) -> bool:
        if isinstance(self.literal, str):  # the usual case; same answer as the sort keys
            return isinstance(value, str) and value == self.literal
        return sort_key(value) == self._key

    def to_json(self) -> Json:
        return {"type": "literal", "value": encode_value(self.literal, "convex_encoded_json")}

    def describe(self) -> str:
        return f"v.literal({_show(self.literal)})"


class VArray(Validator):
    def __init__(self, element: Validator) -> None:
        self.element = element

    def matches(self, value: Value, tables: TableNumbers) -> bool:
        if not isinstance(value, list):
            return False
        types = self.element.types
        if types is not None:
            return all(map(isinstance, value, itertools.repeat(types)))
        return all(map(self.element.matches, value, itertools.repeat(tables)))

    def _explain(self, value: Value, path: str, tables: TableNumbers) -> str:
        if not isinstance(value, list):
            return self._mismatch(value, path)
        for index, item in enumerate(value):
            problem = self.element.check(item, f"{path}[{index}]", tables)
            if problem is not None:
                return problem
        raise AssertionError("matches() and _explain() disagree")

    def to_json(self) -> Json:
        return {"type": "array", "value": self.element.to_json()}

    def describe(self) -> str:
        return f"v.array({self.element.describe()})"


class VOptional(Validator):
    """Only meaningful as an object field: the field may be absent."""

    optional = True

    def __init__(self, inner: Validator) -> None:
        self.inner = inner
        self.types = inner.types

    def matches(self, value: Value, tables: TableNumbers) -> bool:
        return self.inner.matches(value, tables)

    def check(self, value: Value, path: str, tables: TableNumbers) -> str | None:
        return self.inner.check(value, path, tables)

    def to_json(self) -> Json:
        return self.inner.to_json()

    def describe(self) -> str:
        return f"v.optional({self.inner.describe()})"


def _field_json(validator: Validator) -> Json:
    return {"fieldType": validator.to_json(), "optional": validator.optional}


class VObject(Validator):
    def __init__(self, fields: Mapping[str, Validator]) -> None:
        for name in fields:
            if not isinstance(name, str) or not name or name.startswith("$"):
                raise SchemaDefinitionError(f"Invalid field name in v.object(): {name!r}")
        self.fields = dict(fields)
        self._names = frozenset(self.fields)
        self._required = frozenset(n for n, f in self.fields.items() if not f.optional)
        # Per field: the types to test inline when the validator is a type test, else its
        # `matches` (a call per field costs more than most fields' whole check).
        self._types = {n: f.types for n, f in self.fields.items() if f.types is not None}
        self._matchers = {n: f.matches for n, f in self.fields.items() if f.types is None}

    def matches(self, value: Value, tables: TableNumbers) -> bool:
        if not isinstance(value, dict):
            return False
        keys = value.keys()
        if not (keys <= self._names and keys >= self._required):
            return False
        types = self._types
        for name, item in value.items():
            accepted = types.get(name)
            if accepted is not None:
                if not isinstance(item, accepted):
                    return False
            elif not self._matchers[name](item, tables):
                return False
        return True

    def _explain(self, value: Value, path: str, tables: TableNumbers) -> str:
        if not isinstance(value, dict):
            return self._mismatch(value, path)
        for name, validator in self.fields.items():
            if name not in value:
                if validator.optional:
                    continue
                return (
                    f"Object is missing the required field `{name}`. Consider wrapping the "
                    f"field validator in `v.optional(...)` if this is expected.\n\n"
                    f"Object: {_show(value)}\nValidator: {self.describe()}"
                )
            problem = validator.check(value[name], _join(path, name), tables)
            if problem is not None:
                return problem
        for name in value:
            if name not in self.fields:
                where = f"Path: {path}\n" if path else ""
                return (
                    f"Object contains extra field `{name}` that is not in the validator.\n"
                    f"{where}\nObject: {_show(value)}\nValidator: {self.describe()}"
                )
        raise AssertionError("matches() and _explain() disagree")

    def to_json(self) -> Json:
        return {"type": "object", "value": {k: _field_json(f) for k, f in self.fields.items()}}

    def describe(self) -> str:
        inner = ", ".join(f"{k}: {f.describe()}" for k, f in self.fields.items())
        return f"v.object({{{inner}}})"


class VRecord(Validator):
    def __init__(self, keys: Validator, values: Validator) -> None:
        if keys.optional or values.optional:
            raise SchemaDefinitionError("v.record() keys and values cannot be optional")
        self.keys = keys
        self.values = values

    def matches(self, value: Value, tables: TableNumbers) -> bool:
        if not isinstance(value, dict):
            return False
        keys, values = self.keys, self.values
        return all(
            keys.matches(key, tables) and values.matches(item, tables)
            for key, item in value.items()
        )

    def _explain(self, value: Value, path: str, tables: TableNumbers) -> str:
        if not isinstance(value, dict):
            return self._mismatch(value, path)
        for key, item in value.items():
            problem = self.keys.check(key, path, tables) or self.values.check(
                item, _join(path, key), tables
            )
            if problem is not None:
                return problem
        raise AssertionError("matches() and _explain() disagree")

    def to_json(self) -> Json:
        return {
            "type": "record",
            "keys": self.keys.to_json(),
            "values": {"fieldType": self.values.to_json(), "optional": False},
        }

    def describe(self) -> str:
        return f"v.record({self.keys.describe()}, {self.values.describe()})"


class VUnion(Validator):
    def __init__(self, members: tuple[Validator, ...]) -> None:
        self.members = members
        if all(member.types is not None for member in members):
            self.types = tuple(t for member in members for t in member.types or ())

    def matches(self, value: Value, tables: TableNumbers) -> bool:
        if self.types is not None:
            return isinstance(value, self.types)
        for member in self.members:  # noqa: SIM110 - a third cheaper than any(generator)
            if member.matches(value, tables):
                return True
        return False

    def to_json(self) -> Json:
        return {"type": "union", "value": [member.to_json() for member in self.members]}

    def describe(self) -> str:
        return f"v.union({', '.join(member.describe() for member in self.members)})"


class Validators:
    """The `v` namespace: `v.string()`, `v.object({...})`, `v.optional(...)`, ..."""

    def string(self) -> Validator:
        return _Scalar("string", "string", str)

    def number(self) -> Validator:
        return _Scalar("float64", "number", float)  # a bool is an int, never a float

    float64 = number

    def int64(self) -> Validator:
        return _Scalar("int64", "bigint", Int64)

    bigint = int64

    def boolean(self) -> Validator:
        return _Scalar("boolean", "boolean", bool)

    def null(self) -> Validator:
        return _Scalar("null", "null", type(None))

    def bytes(self) -> Validator:
        return _Scalar("bytes", "bytes", bytes)

    def any(self) -> Validator:
        return _Scalar("any", "any", object)

    def id(self, table: str) -> Validator:
        return VId(table)

    def literal(self, literal: object) -> Validator:
        return VLiteral(normalize_value(literal))

    def array(self, element: Validator) -> Validator:
        return VArray(_required(element, "v.array()"))

    def object(self, fields: Mapping[str, Validator]) -> Validator:
        return VObject(fields)

    def record(self, keys: Validator, values: Validator) -> Validator:
        return VRecord(keys, values)

    def union(self, *members: Validator) -> Validator:
        return VUnion(tuple(_required(m, "v.union()") for m in members))

    def optional(self, inner: Validator) -> Validator:
        return VOptional(_required(inner, "v.optional()"))

    def nullable(self, inner: Validator) -> Validator:
        return self.union(inner, self.null())


def _required(validator: Validator, where: str) -> Validator:
    if validator.optional:
        raise SchemaDefinitionError(f"{where} cannot contain an optional validator")
    return validator


v: Final = Validators()
