"""Plain data -> Manifest, or the schema check's findings: the model, embedded schemas, file name.

pydantic's messages are written for programmers ("Extra inputs are not permitted"); these are
reworded for manifest authors, with the allowed keys and a did-you-mean for typos.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Callable, Iterator
from typing import Any

from pydantic import BaseModel, ValidationError

from seeding_suite.findings import FieldPath, Finding
from seeding_suite.loading.jsonschemas import schema_problem
from seeding_suite.loading.yaml import describe
from seeding_suite.model import Manifest, pattern_meaning

if typing.TYPE_CHECKING:
    from pydantic_core import ErrorDetails

CHECK = "schema"
MAX_FINDINGS = 50
# (path, message, whether the key rather than the value is the place to point at)
Problem = tuple[FieldPath, str, bool]
Locator = Callable[[FieldPath, bool], tuple[int | None, int | None]]


def validate(
    data: Any, stem: str, file: str, locate: Locator
) -> tuple[Manifest | None, list[Finding]]:
    """The manifest if `data` is a valid one named `stem`, and the findings otherwise."""
    try:
        manifest = Manifest.model_validate(data)
    except ValidationError as exc:
        problems = [_reword(error) for error in exc.errors(include_url=False)]
        return None, _findings(problems, file, locate)
    problems = list(_schema_problems(manifest))
    if manifest.id != stem:
        problems.append(
            (
                ("id",),
                f"the id is {manifest.id!r} but the file is named {stem!r}; "
                "a manifest's file stem must equal its id",
                False,
            )
        )
    return (None, _findings(problems, file, locate)) if problems else (manifest, [])


def _findings(problems: list[Problem], file: str, locate: Locator) -> list[Finding]:
    findings = []
    for path, message, at_key in problems[:MAX_FINDINGS]:
        line, column = locate(path, at_key)
        findings.append(Finding(CHECK, file, message, path, line, column))
    if len(problems) > MAX_FINDINGS:
        more = len(problems) - MAX_FINDINGS
        findings.append(Finding(CHECK, file, f"... and {more} more problems not shown"))
    return sorted(findings, key=lambda f: (f.line or 0, f.column or 0))


def _schema_problems(manifest: Manifest) -> Iterator[Problem]:
    embedded: list[tuple[FieldPath, dict[str, Any] | bool | None]] = []
    for i, action in enumerate(manifest.actions):
        embedded.append((("actions", i, "input_schema"), action.input_schema))
        embedded.append((("actions", i, "output_schema"), action.output_schema))
    for i, trigger in enumerate(manifest.triggers):
        embedded.append((("triggers", i, "output_schema"), trigger.output_schema))
    for where, schema in embedded:
        problem = None if schema is None else schema_problem(schema)
        if problem is not None:
            inner, message, at_key = problem
            yield (*where, *inner), message, at_key


def _reword(error: ErrorDetails) -> Problem:
    path: FieldPath = tuple(error["loc"])
    kind = error["type"]
    given = error.get("input")
    if kind == "missing":
        return path, "required, but missing", False
    if kind == "extra_forbidden":
        return path, _unknown_key(path), True
    if kind == "string_pattern_mismatch":
        pattern = str((error.get("ctx") or {}).get("pattern", ""))
        return path, f"expected {pattern_meaning(pattern)}, got {describe(given)}", False
    if kind == "model_type":
        what = _MAPPING_OF.get(str((error.get("ctx") or {}).get("class_name")), "a mapping")
        return path, f"expected {what}, got {describe(given)}", False
    message = error["msg"].replace(" after validation", "").split(", not ")[0]
    for prefix, replacement in _PREFIXES:
        if message.startswith(prefix):
            message = replacement + message[len(prefix) :]
            return path, f"{message}, got {describe(given)}{_hint(kind, given)}", False
    return path, message, False


_MAPPING_OF = {"DependencySpec": "an integration id, or a mapping with id and version"}
_PREFIXES = (
    ("Input should be a valid dictionary", "expected a mapping"),
    ("Input should be a valid list", "expected a list"),
    ("Input should be a valid string", "expected a string"),
    ("Input should be a valid boolean", "expected true or false"),
    ("Input should be ", "expected "),
    ("String should have ", "expected "),
    ("List should have ", "expected "),
)


def _hint(kind: str, given: Any) -> str:
    if kind == "string_type" and isinstance(given, int | float) and not isinstance(given, bool):
        return " (YAML reads it as a number; quote it)"
    if (
        kind == "bool_type"
        and isinstance(given, str)
        and given.lower() in ("yes", "no", "on", "off")
    ):
        return " (YAML 1.2 reads yes/no/on/off as strings)"
    return ""


def _unknown_key(path: FieldPath) -> str:
    key = str(path[-1])
    allowed = _allowed_keys(path[:-1])
    if not allowed:
        return f"unknown key {key!r}"
    close = difflib.get_close_matches(key, allowed, n=1)
    guess = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown key {key!r}{guess}; allowed here: {', '.join(allowed)}"


def _allowed_keys(path: FieldPath) -> list[str]:
    model = _model_at(path)
    if model is None:
        return []
    return [
        alias if isinstance(alias := info.validation_alias, str) else name
        for name, info in model.model_fields.items()
    ]


def _model_at(path: FieldPath) -> type[BaseModel] | None:
    # Follow the field path through the model classes: `actions`, an index, and so on.
    model: type[BaseModel] | None = Manifest
    for part in path:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        model = None if info is None else _inner_model(info.annotation)
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _inner_model(arg)
            if found is not None:
                return found
    return None
