"""Frozen pydantic v2 models of manifest format version 1 (DESIGN §4); no I/O.

Strict on purpose: YAML's quiet coercions ("1" for 1, 2.3 for "2.3.0", yes for true) and
typo'd keys must fail the schema check, not slip into the catalog.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import semantic_version
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

SLUG_PATTERN = r"^[a-z][a-z0-9-]{1,62}$"
SUB_ID_PATTERN = r"^[a-z][a-z0-9._-]{0,62}$"
ENVIRONMENT_PATTERN = r"^[a-z][a-z0-9_-]{0,62}$"
FIELD_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"
FLAG_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$"

# What each pattern means, in the words an error message should use.
PATTERN_MEANINGS = {
    SLUG_PATTERN: "a slug: a lowercase letter, then 1-62 lowercase letters, digits or '-'",
    SUB_ID_PATTERN: "an id: a lowercase letter, then up to 62 lowercase letters, digits, "
    "'.', '_' or '-'",
    ENVIRONMENT_PATTERN: "an environment name: a lowercase letter, then up to 62 lowercase "
    "letters, digits, '_' or '-'",
    FIELD_NAME_PATTERN: "an identifier: a letter or '_', then up to 63 letters, digits or '_'",
    FLAG_PATTERN: "a flag name: a letter, then up to 63 letters, digits, '_', '.' or '-'",
}


def _exact_one(value: Any) -> Any:
    # Literal[1] alone accepts True and 1.0; a format version is the integer 1, nothing else.
    if type(value) is not int:
        raise PydanticCustomError("manifest_version", f"expected the integer 1, got {value!r}")
    return value


def _semver(value: str) -> str:
    try:
        semantic_version.Version(value)
    except ValueError as exc:
        message = f"{value!r} is not a SemVer 2.0.0 version like 1.2.3 ({exc})"
        raise PydanticCustomError("semver", message) from None
    return value


def _npm_range(value: str) -> str:
    try:
        semantic_version.NpmSpec(value)
    except ValueError as exc:
        message = (
            f"{value!r} is not an npm-style version range like '>=1.2.0 <2.0.0' or '^1.2' ({exc})"
        )
        raise PydanticCustomError("version_range", message) from None
    return value


def _json_schema_value(value: Any) -> dict[str, Any] | bool:
    # Draft 2020-12 allows true/false as schemas; meta-validation is the schema check's job.
    if isinstance(value, dict | bool):
        return value
    message = f"expected a JSON Schema (a mapping, or true/false), got {type(value).__name__}"
    raise PydanticCustomError("json_schema_type", message)


def _dependency_shape(value: Any) -> Any:
    # A bare id means "any version"; both spellings normalize to DependencySpec.
    return {"id": value} if isinstance(value, str) else value


Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
SubId = Annotated[str, Field(pattern=SUB_ID_PATTERN)]
Name = Annotated[str, Field(min_length=1, max_length=100)]
# The regular expression semver.org suggests; only editors see it, the model asks semantic_version.
SEMVER_REGEX = (
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
Version = Annotated[
    str,
    Field(
        description="SemVer 2.0.0, e.g. 2.3.0 or 1.0.0-rc.1",
        json_schema_extra={"pattern": SEMVER_REGEX},
    ),
]
JsonSchemaValue = Annotated[
    dict[str, Any] | bool,
    PlainValidator(_json_schema_value),
    WithJsonSchema(
        {
            # Editors (and check-jsonschema) then validate embedded schemas too.
            "$ref": "https://json-schema.org/draft/2020-12/schema",
            "description": "A JSON Schema (Draft 2020-12); must itself be a valid schema",
        }
    ),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class DependencySpec(_Model):
    """Another integration this one needs; `range` is npm-style, "*" for a bare id."""

    id: Slug = Field(description="The id of the integration depended on")
    range: str = Field(
        default="*",
        min_length=1,
        validation_alias="version",
        description="An npm-style SemVer range, e.g. '>=1.2.0 <2.0.0'; default any version",
    )

    @field_validator("range")
    @classmethod
    def _valid_range(cls, value: str) -> str:
        return _npm_range(value)


Dependency = Annotated[
    DependencySpec,
    BeforeValidator(_dependency_shape, json_schema_input_type=Slug | DependencySpec),
]


class ConnectionField(_Model):
    """Something the user fills in for a connection; secrets are masked in the UI."""

    name: str = Field(pattern=FIELD_NAME_PATTERN, description="The field's key")
    label: Name = Field(
        default_factory=lambda data: str(data.get("name", "")),
        description="What the user sees; defaults to the name",
    )
    secret: bool = Field(default=False, description="Masked in the UI and never logged")


class Connection(_Model):
    """One way a user authenticates against the integration."""

    id: SubId = Field(description="Unique among this manifest's connections")
    name: Name
    auth: Literal["api_key", "oauth2", "basic", "bearer", "none"]
    fields: list[ConnectionField] = Field(default_factory=list)


class Action(_Model):
    """Something the platform can do with the integration."""

    id: SubId = Field(description="Unique among this manifest's actions")
    name: Name
    description: str | None = None
    connection: str | None = Field(default=None, description="The id of one of `connections`")
    input_schema: JsonSchemaValue | None = None
    output_schema: JsonSchemaValue | None = None
    flag: str | None = Field(
        default=None,
        pattern=FLAG_PATTERN,
        description="A feature flag: seeded only in environments where the flag is on",
    )


class Trigger(_Model):
    """An event the integration emits, pushed (webhook) or pulled (polling)."""

    id: SubId = Field(description="Unique among this manifest's triggers")
    name: Name
    description: str | None = None
    kind: Literal["webhook", "polling"]
    connection: str | None = Field(default=None, description="The id of one of `connections`")
    output_schema: JsonSchemaValue | None = None
    flag: str | None = Field(
        default=None,
        pattern=FLAG_PATTERN,
        description="A feature flag: seeded only in environments where the flag is on",
    )


class Manifest(_Model):
    """One integration manifest, format version 1."""

    model_config = ConfigDict(title="seeding-suite integration manifest, format version 1")

    manifest_version: Annotated[Literal[1], BeforeValidator(_exact_one)] = Field(
        description="The manifest format version; always 1"
    )
    id: Slug = Field(description="Unique in the catalog; equals the file's stem")
    name: Name = Field(description="Display name, 1-100 characters")
    version: Version
    description: str | None = None
    channel: Literal["stable", "beta", "experimental"] = "stable"
    publisher: Slug | None = Field(
        default=None,
        description="Who publishes it: a name under [tool.seeding_suite.publishers]; a "
        "community or registry manifest must be signed with one of that publisher's keys",
    )
    environments: list[Annotated[str, Field(pattern=ENVIRONMENT_PATTERN)]] | None = Field(
        default=None,
        min_length=1,
        description="Where this integration is seeded; omit for every environment",
    )
    dependencies: list[Dependency] = Field(
        default_factory=list,
        description="Other integrations this one needs: an id, or {id, version: range}",
    )
    connections: list[Connection] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    triggers: list[Trigger] = Field(default_factory=list)

    @field_validator("version")
    @classmethod
    def _valid_version(cls, value: str) -> str:
        return _semver(value)

    @field_validator("environments")
    @classmethod
    def _unique_environments(cls, value: list[str] | None) -> list[str] | None:
        if value is not None:
            seen: set[str] = set()
            for name in value:
                if name in seen:
                    message = f"environment {name!r} is listed twice"
                    raise PydanticCustomError("unique", message)
                seen.add(name)
        return value


def pattern_meaning(pattern: str) -> str:
    """The readable meaning of a model pattern (or the pattern itself)."""
    return PATTERN_MEANINGS.get(pattern, f"a string matching {pattern}")
