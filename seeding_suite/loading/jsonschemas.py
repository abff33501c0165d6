"""Is an embedded JSON Schema a valid Draft 2020-12 schema, and if not, what exactly is wrong.

jsonschema-rs answers the question for every schema (DESIGN §9: 0.09 s for 22,099 schemas),
validating it against the 2020-12 meta-schema with one format judged: `regex`, which the
meta-schema puts on `pattern` and on the keys of `patternProperties`. JSON Schema's patterns
are ECMA-262 regular expressions, and jsonschema-rs's own engine is not one (it takes `(?i)`,
refuses named back-references), so `regress`, an ECMA-262 engine (check-jsonschema's default),
judges them, in unicode mode as JSON Schema asks. python-jsonschema, about 500x slower, runs
only on the rare invalid one, for its best-matching error and the path inside the schema.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import jsonschema_rs
import regress

if TYPE_CHECKING:
    from seeding_suite.findings import FieldPath

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_TYPE_NAMES = "array, boolean, integer, null, number, object, string"
# (path inside the schema, what is wrong, whether the path names a key rather than a value)
SchemaProblem = tuple["FieldPath", str, bool]


def schema_problem(schema: dict[str, Any] | bool) -> SchemaProblem | None:
    """None for a valid schema; else the path inside it and what is wrong there."""
    if isinstance(schema, bool):
        return None
    dialect = schema.get("$schema", DIALECT)
    # Checked first: for an unknown dialect jsonschema-rs would try to fetch it over the network.
    if not isinstance(dialect, str) or dialect.rstrip("#") != DIALECT:
        message = f"expected the Draft 2020-12 dialect {DIALECT!r}, got {dialect!r}"
        return ("$schema",), message, False
    meta = _meta_validator()
    if meta.is_valid(schema):
        return None
    for error in meta.iter_errors(schema):
        found = _regex_problem(error)
        if found is not None:
            return found
    path, message = _explain(schema)
    return path, message, False


@functools.cache
def _meta_validator() -> jsonschema_rs.Validator:
    # The meta-schema's other formats (uri, uri-reference) stay annotations, as meta.is_valid
    # leaves them: only regular expressions are judged here.
    return jsonschema_rs.Draft202012Validator(
        {"$ref": DIALECT},
        validate_formats=True,
        formats={"regex": is_ecma_regex, "uri": _any_text, "uri-reference": _any_text},
    )


@functools.lru_cache(maxsize=4096)  # catalogs repeat their patterns
def regex_error(pattern: str) -> str | None:
    """Why `pattern` is not an ECMA-262 regular expression (unicode mode), or None."""
    try:
        regress.Regex(pattern, flags="u")
    except regress.RegressError as exc:
        return str(exc) or "not a regular expression"
    return None


def is_ecma_regex(pattern: str) -> bool:
    """Whether `pattern` is an ECMA-262 regular expression (unicode mode)."""
    return regex_error(pattern) is None


def _any_text(value: str) -> bool:
    return True


def _regex_problem(error: jsonschema_rs.ValidationError) -> SchemaProblem | None:
    path: FieldPath = tuple(error.instance_path)
    instance = error.instance
    if isinstance(error.kind, jsonschema_rs.ValidationErrorKind.PropertyNames):
        # patternProperties' keys (propertyNames): the error is on the mapping, so the key at
        # fault is found again.
        if not isinstance(instance, dict) or error.schema_path[-1:] != ["format"]:
            return None
        for key in instance:
            reason = regex_error(key)
            if reason is not None:
                return (*path, key), _not_a_regex(key, reason, "a key of patternProperties"), True
        return None
    kind = error.kind
    if not isinstance(kind, jsonschema_rs.ValidationErrorKind.Format) or kind.format != "regex":
        return None
    if isinstance(instance, str):
        reason = regex_error(instance)
        if reason is not None:
            return path, _not_a_regex(instance, reason, "a pattern"), False
    return None


def _not_a_regex(pattern: str, reason: str, what: str) -> str:
    return (
        f"{pattern!r} is not a valid ECMA-262 regular expression ({reason[:1].lower()}"
        f"{reason[1:].rstrip('.')}); {what} in a JSON Schema must be one (JavaScript syntax)"
    )


def _explain(schema: dict[str, Any]) -> tuple[FieldPath, str]:
    # python-jsonschema only names the problem, on the slow path of failing files (DESIGN §9).
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA)
    error = best_match(meta.iter_errors(schema))
    if error is None:  # the two libraries disagree; jsonschema-rs's own message then
        try:
            jsonschema_rs.meta.validate(schema)
        except jsonschema_rs.ValidationError as exc:
            return tuple(exc.instance_path), f"not a valid JSON Schema: {exc.message}"
        return (), "not a valid JSON Schema"
    path: FieldPath = tuple(error.absolute_path)
    message = error.message
    if path and path[-1] == "type" and error.validator == "anyOf":
        message = f"{error.instance!r} is not a JSON Schema type (expected one of {_TYPE_NAMES})"
    return path, f"not a valid JSON Schema: {message}"
