"""Convex's `v` validators: checking values against them, and their JSON description.

`Validator.to_json()` mirrors the JSON Convex's own `v.*` validators export, e.g.
`{"type": "object", "value": {"name": {"fieldType": {"type": "string"}, "optional": false}}}`.
"""

from __future__ import annotations

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
    """A `v.*` validator. `check` returns None when the value matches, else a description."""

    optional: bool = False

    def check(self, value: Value, path: str, tables: TableNumbers) -> str | None:
        raise NotImplementedError

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
    def __init__(self, name: str, json_type: str, accepts: Callable[[Value], bool]) -> None:
        self._name = name
        self._json_type = json_type
        self._accepts = accepts

    def check(self, value: Value, path: str, tables: TableNumbers) -> str | None:
        return None if self._accepts(value) else self._mismatch(value, path)

    def to_json(self) -> Json:
        return {"type": self._json_type}

    def describe(self) -> str:
        return f"v.{self._name}()"


class VId(Validator):
    def __init__(self, table: str) -> None:
        self.table = table

    def check(self, value: Value, path: str, tables: TableNumbers) -> str | None:
        if isinstance(value, str):
            try:
                number, _ = decode_id(value)
            except InvalidValue:
                number = None
            if number is not None and number == tables(self.table):
                return None
        return self._mismatch(value, path)

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

    def check(self, value: Value, path: str, tables: TableNumbers) -> str | None:
        return None if sort_key(value) == self._key else self._mismatch(value, path)

    def to_json(self) -> Json:
        return {"type": "literal", "value": encode_value(self.literal, "convex_encoded_json")}

    def describe(self) -> str:
        return f"v.literal({_show(self.literal)})"


class VArray(Validator):
    def __init__(self, element: Validator) -> None:
        self.element = element

    def check(self, value: Value, path: str, tables: TableNumbers) -> str | None:
        if not isinstance(value, list):
            return self._mismatch(value, path)
        for index, item in enumerate(value):
            problem = self.element.check(item, f"{path}[{index}]", tables)
            if problem is not None:
                return problem
        return None

    def to_json(self) -> Json:
        return {"type": "array", "value": self.element.to_json()}

    def describe(self) -> str:
        return f"v.array({self.element.describe()})"


class VOptional(Validator):
    """Only meaningful as an object field: the field may be absent."""

    optional = True

    def __init__(self, inner: Validator) -> None:
        self.inner = inner

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

    def check(self, value: Value, path: str, tables: TableNumbers) -> str | None:
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
        return None

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

    def check(self, value: Value, path: str, tables: TableNumbers) -> str | None:
        if not isinstance(value, dict):
            return self._mismatch(value, path)
        for key, item in value.items():
            problem = self.keys.check(key, path, tables) or self.values.check(
                item, _join(path, key), tables
            )
            if problem is not None:
                return problem
        return None

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

    def check(self, value: Value, path: str, tables: TableNumbers) -> str | None:
        if any(member.check(value, path, tables) is None for member in self.members):
            return None
        return self._mismatch(value, path)

    def to_json(self) -> Json:
        return {"type": "union", "value": [member.to_json() for member in self.members]}

    def describe(self) -> str:
        return f"v.union({', '.join(member.describe() for member in self.members)})"


def _is_float(value: Value) -> bool:
    return isinstance(value, float)


class Validators:
    """The `v` namespace: `v.string()`, `v.object({...})`, `v.optional(...)`, ..."""

    def string(self) -> Validator:
        return _Scalar("string", "string", lambda x: isinstance(x, str))

    def number(self) -> Validator:
        return _Scalar("float64", "number", _is_float)

    float64 = number

    def int64(self) -> Validator:
        return _Scalar("int64", "bigint", lambda x: isinstance(x, Int64))

    bigint = int64

    def boolean(self) -> Validator:
        return _Scalar("boolean", "boolean", lambda x: isinstance(x, bool))

    def null(self) -> Validator:
        return _Scalar("null", "null", lambda x: x is None)

    def bytes(self) -> Validator:
        return _Scalar("bytes", "bytes", lambda x: isinstance(x, bytes))

    def any(self) -> Validator:
        return _Scalar("any", "any", lambda x: True)

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
