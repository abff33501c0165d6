"""Schemas: `define_schema`/`define_table` with `.index`, under Convex's definition rules.

`Schema.to_json()` describes the schema as plain JSON in the shape of Convex's own schema export:

    {"schemaValidation": true,
     "tables": [{"tableName": "users",
                 "indexes": [{"indexDescriptor": "by_email", "fields": ["email"]}],
                 "documentType": <validator JSON, see validators.py>}]}

Index `fields` are as declared (the implicit trailing `_creationTime` is not listed).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from fakes.convex.errors import SchemaDefinitionError
from fakes.convex.validators import Validator, VObject, v
from fakes.convex.values import Json, check_field_name

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ["Index", "Schema", "TableDef", "check_table_name", "define_schema", "define_table", "v"]

MAX_INDEXES_PER_TABLE: Final = 32
MAX_INDEX_FIELDS: Final = 16  # including the implicit _creationTime
MAX_IDENTIFIER_LEN: Final = 64
RESERVED_INDEXES: Final = ("by_id", "by_creation_time")
_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _check_identifier(name: object, what: str) -> str:
    if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
        raise SchemaDefinitionError(
            f"Invalid {what} {name!r}: identifiers must start with a letter and can only "
            "contain letters, digits, and underscores."
        )
    if len(name) > MAX_IDENTIFIER_LEN:
        raise SchemaDefinitionError(
            f"Invalid {what} {name!r}: too long ({len(name)} > maximum {MAX_IDENTIFIER_LEN})"
        )
    if set(name) == {"_"}:
        raise SchemaDefinitionError(f"Invalid {what} {name!r}: cannot be only underscores")
    return name


def check_table_name(name: object) -> str:
    """Return a legal user table name, else raise SchemaDefinitionError."""
    _check_identifier(name, "table name")
    assert isinstance(name, str)
    if name.startswith("_"):
        raise SchemaDefinitionError("System tables (prefixed with `_`) are read-only.")
    return name


class Index:
    """A database index: its name and the declared field paths (dot-separated)."""

    def __init__(self, name: str, fields: tuple[str, ...]) -> None:
        self.name = name
        self.fields = fields

    def to_json(self) -> Json:
        return {"indexDescriptor": self.name, "fields": list(self.fields)}


def _check_index_field(path: object) -> str:
    if not isinstance(path, str) or not path:
        raise SchemaDefinitionError(f"Index field {path!r} must be a non-empty string")
    for part in path.split("."):
        try:
            check_field_name(part)
        except ValueError as exc:
            raise SchemaDefinitionError(f"Invalid index field {path!r}: {exc}") from None
    if path.startswith("_"):
        raise SchemaDefinitionError(
            f"Index field {path!r} starts with `_`; system fields cannot be indexed "
            "(`_creationTime` is added automatically)"
        )
    return path


class TableDef:
    """A table definition: its document validator and its indexes (chain `.index`)."""

    def __init__(self, document: Validator) -> None:
        self.document = document
        self.indexes: dict[str, Index] = {}

    def index(self, name: str, fields: Sequence[str]) -> TableDef:
        """Add an index; raises SchemaDefinitionError for any rule Convex enforces on push."""
        _check_identifier(name, "index name")
        if name in RESERVED_INDEXES or name.startswith("_"):
            raise SchemaDefinitionError(f"Index name {name!r} is reserved")
        if name in self.indexes:
            raise SchemaDefinitionError(f"Duplicate index name {name!r}")
        if len(self.indexes) >= MAX_INDEXES_PER_TABLE:
            raise SchemaDefinitionError(
                f"Too many indexes (limit: {MAX_INDEXES_PER_TABLE} per table)"
            )
        if isinstance(fields, str) or not fields:
            raise SchemaDefinitionError(f"Index {name!r} needs a non-empty list of fields")
        paths = tuple(_check_index_field(field) for field in fields)
        if len(set(paths)) != len(paths):
            raise SchemaDefinitionError(f"Index {name!r} lists a field twice: {list(paths)}")
        if len(paths) + 1 > MAX_INDEX_FIELDS:
            raise SchemaDefinitionError(
                f"Index {name!r} has too many fields ({len(paths)} + _creationTime > "
                f"maximum {MAX_INDEX_FIELDS})"
            )
        self.indexes[name] = Index(name, paths)
        return self

    def copy(self) -> TableDef:
        """The same table as a new definition, its indexes not checked again (they were)."""
        copied = TableDef(self.document)
        copied.indexes = dict(self.indexes)
        return copied

    @property
    def fields(self) -> dict[str, Validator]:
        """The top-level field validators when the document is a `v.object`, else {}."""
        return dict(self.document.fields) if isinstance(self.document, VObject) else {}

    def to_json(self, name: str) -> Json:
        return {
            "tableName": name,
            "indexes": [index.to_json() for index in self.indexes.values()],
            "documentType": self.document.to_json(),
        }


def define_table(fields: Mapping[str, Validator] | Validator) -> TableDef:
    """A table whose documents match `v.object(fields)` (or the given validator)."""
    document = fields if isinstance(fields, Validator) else v.object(fields)
    if isinstance(document, VObject):
        for name in document.fields:
            if name.startswith("_"):
                raise SchemaDefinitionError(f"Field {name!r}: `_` fields are system fields")
    return TableDef(document)


class Schema:
    """The deployment's schema; only listed tables are validated, others stay free."""

    def __init__(self, tables: Mapping[str, TableDef], schema_validation: bool = True) -> None:
        self.tables = {check_table_name(name): table for name, table in tables.items()}
        self.schema_validation = schema_validation

    def to_json(self) -> Json:
        return {
            "schemaValidation": self.schema_validation,
            "tables": [table.to_json(name) for name, table in self.tables.items()],
        }


def define_schema(tables: Mapping[str, TableDef], schema_validation: bool = True) -> Schema:
    """Mirror of `defineSchema`; validation is on by default, as in Convex."""
    return Schema(tables, schema_validation)
