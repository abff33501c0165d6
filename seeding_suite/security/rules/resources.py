"""resources: embedded schemas that would exhaust whoever evaluates or renders them.

Regular expressions with catastrophic backtracking (a quantifier over something already
quantified, `(a+)+`, or over alternatives that can match the same text, `(a|ab)*`), enums and
`examples` of absurd size, and schemas nested deeper than a limit. Thresholds are settings.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from seeding_suite.security.model import Hit, Kind

with warnings.catch_warnings():  # the module is deprecated, its parser is still the stdlib's
    warnings.simplefilter("ignore", DeprecationWarning)
    import sre_constants as sc
    import sre_parse

if TYPE_CHECKING:
    from collections.abc import Iterator

    from seeding_suite.findings import FieldPath
    from seeding_suite.security.model import Context, Document, Limits

REDOS = Kind("resources.redos", "a pattern with catastrophic backtracking", "error", "error")
SIZE = Kind("resources.size", "an enum or examples list of absurd size", "warning", "error")
DEPTH = Kind("resources.depth", "a schema nested deeper than the limit", "warning", "error")

SCHEMA_ROOTS = ("input_schema", "output_schema")
REPEATS = (sc.MAX_REPEAT, sc.MIN_REPEAT, getattr(sc, "POSSESSIVE_REPEAT", sc.MAX_REPEAT))
UNBOUNDED = sc.MAXREPEAT
PROBE = [chr(c) for c in range(32, 127)]  # printable ASCII: enough to see two branches overlap


@lru_cache(maxsize=2048)
def backtracking(pattern: str) -> str | None:
    """Why `pattern` can backtrack catastrophically, or None (also when it does not parse)."""
    try:
        parsed = sre_parse.parse(pattern)
    except (sc.error, RecursionError, OverflowError, ValueError):
        return None  # not a Python regex; ECMA-262 validity is the schema check's
    return _judge(list(parsed))  # type: ignore[call-overload]  # SubPattern is a sequence


def _judge(items: list[Any]) -> str | None:
    for op, argument in items:
        if op in REPEATS:
            body = _unwrap(list(argument[2]))
            if argument[1] == UNBOUNDED:
                if _overlapping_branches(body):
                    return "alternatives that can match the same text under a repetition"
                inner = _inner_repeats(body)
                if inner and not _delimited(body, inner):
                    return "a repetition nested inside another, with nothing to tell them apart"
            found = _judge(body)
        elif op == sc.SUBPATTERN:
            found = _judge(list(argument[-1]))
        elif op == sc.BRANCH:
            found = next(filter(None, (_judge(list(b)) for b in argument[1])), None)
        else:
            found = None
        if found:
            return found
    return None


def _unwrap(items: list[Any]) -> list[Any]:
    while len(items) == 1 and items[0][0] == sc.SUBPATTERN:
        items = list(items[0][1][-1])
    return items


def _inner_repeats(items: list[Any]) -> set[str] | None:
    """Characters the repetitions inside a repeated body can start with (None: there are none)."""
    found: set[str] | None = None
    for op, argument in items:
        if op in REPEATS and argument[0] != argument[1]:  # a variable count, `?` included
            found = (found or set()) | _first_chars(list(argument[2]))
        elif op == sc.BRANCH:  # `(a|aa)` is read as `a(?:|a)`: a variable-length tail
            found = (found or set()) | _first_chars([(op, argument)])
        elif op == sc.SUBPATTERN:
            deeper = _inner_repeats(list(argument[-1]))
            if deeper is not None:
                found = (found or set()) | deeper
    return found


def _delimited(items: list[Any], repeated: set[str]) -> bool:
    """Whether one required character of the body cannot be matched by its repetitions.

    `(-[a-z]+)*` is safe: each round starts with a `-` that `[a-z]+` cannot eat, so the input
    splits one way only. `(a+)+` and `(\\w+\\s?)+` have no such separator.
    """
    for op, argument in items:
        if op in (sc.LITERAL, sc.IN, sc.NOT_LITERAL, sc.ANY):
            chars = {c for c in PROBE if _item_matches(op, argument, c)}
            if chars and not chars & repeated:
                return True
    return False


def _overlapping_branches(items: list[Any]) -> bool:
    if len(items) != 1 or items[0][0] != sc.BRANCH:
        return False
    firsts = [_first_chars(list(branch)) for branch in items[0][1][1]]
    seen: set[str] = set()
    for chars in firsts:
        if chars & seen:
            return True
        seen |= chars
    return False


def _first_chars(branch: list[Any]) -> set[str]:
    """Printable ASCII characters a branch can start with (approximate, for overlap)."""
    if not branch:
        return set()
    op, argument = branch[0]
    if op == sc.SUBPATTERN:
        return _first_chars(list(argument[-1]))
    if op in REPEATS:
        return _first_chars(list(argument[2]))
    if op == sc.BRANCH:
        return set().union(*(_first_chars(list(b)) for b in argument[1]))
    return {c for c in PROBE if _item_matches(op, argument, c)}


def _item_matches(op: Any, argument: Any, char: str) -> bool:
    code = ord(char)
    if op == sc.LITERAL:
        return bool(argument == code)
    if op == sc.NOT_LITERAL:
        return bool(argument != code)
    if op == sc.ANY:
        return True
    if op == sc.IN:
        negate = any(o == sc.NEGATE for o, _ in argument)
        hit = any(_set_member(o, a, char) for o, a in argument if o != sc.NEGATE)
        return hit != negate
    return False


CATEGORIES = {
    sc.CATEGORY_DIGIT: str.isdigit,
    sc.CATEGORY_WORD: lambda c: c.isalnum() or c == "_",
    sc.CATEGORY_SPACE: str.isspace,
}


def _set_member(op: Any, argument: Any, char: str) -> bool:
    code = ord(char)
    if op == sc.LITERAL:
        return bool(argument == code)
    if op == sc.RANGE:
        return bool(argument[0] <= code <= argument[1])
    if op == sc.CATEGORY:
        test = CATEGORIES.get(argument)
        if test is not None:
            return bool(test(char))
        negated = {
            sc.CATEGORY_NOT_DIGIT: str.isdigit,
            sc.CATEGORY_NOT_WORD: CATEGORIES[sc.CATEGORY_WORD],
            sc.CATEGORY_NOT_SPACE: str.isspace,
        }.get(argument)
        return negated is not None and not negated(char)
    return False


def worth_a_look(schemas: list[Any], limits: Limits) -> bool:
    """Whether any of the schemas has anything to report, in one pass that builds no paths.

    Most manifests have nothing; only those that do are walked again with paths (`_Survey`).
    """
    stack: list[tuple[Any, int]] = [(schema, 0) for schema in schemas]
    pop, push = stack.pop, stack.append
    shortest = min(limits.max_enum, limits.max_examples)
    deepest = limits.max_schema_depth
    while stack:
        node, depth = pop()
        if depth > deepest:
            return True
        if type(node) is dict:
            for key, child in node.items():
                kind = type(child)
                if kind is dict:
                    push((child, depth + 1))
                    if key == "patternProperties" and any(map(backtracking, child)):
                        return True
                elif kind is list:
                    if len(child) > shortest and (key == "enum" or key == "examples"):
                        return True
                    push((child, depth + 1))
                elif kind is str and key == "pattern" and backtracking(child):
                    return True
        elif type(node) is list:
            for child in node:
                if type(child) is dict or type(child) is list:
                    push((child, depth + 1))
    return False


@dataclass
class _Survey:
    """What one pass over a schema collects; paths are built only for what it reports."""

    limits: Limits
    root: FieldPath
    trail: list[str | int]
    hits: list[Hit]
    too_deep: bool = False

    def node(self, value: Any, depth: int) -> None:
        if depth > self.limits.max_schema_depth:
            if not self.too_deep:
                self.too_deep = True
                self.hits.append(
                    Hit(
                        DEPTH.id,
                        f"schema nested more than {self.limits.max_schema_depth} levels deep: "
                        "flatten it with $defs and $ref",
                        (*self.root, *self.trail),
                    )
                )
            return
        if type(value) is dict:
            for key, child in value.items():
                if key == "pattern" and type(child) is str:
                    self._pattern(child, key)
                elif key == "patternProperties" and type(child) is dict:
                    for name in child:
                        self.trail.append(key)
                        self._pattern(str(name), str(name))
                        self.trail.pop()
                elif key in ("enum", "examples") and type(child) is list:
                    self._size(key, child)
                if type(child) is dict or type(child) is list:
                    self.trail.append(key)
                    self.node(child, depth + 1)
                    self.trail.pop()
        elif type(value) is list:
            for index, child in enumerate(value):
                if type(child) is dict or type(child) is list:
                    self.trail.append(index)
                    self.node(child, depth + 1)
                    self.trail.pop()

    def _pattern(self, pattern: str, key: str) -> None:
        why = backtracking(pattern)
        if why is not None:
            shown = pattern if len(pattern) <= 60 else pattern[:57] + "..."
            self.hits.append(
                Hit(
                    REDOS.id,
                    f"pattern {shown!r} can take exponential time on a crafted input ({why}); "
                    "make the repetitions unambiguous, e.g. (a+)+ -> a+",
                    (*self.root, *self.trail, key),
                )
            )

    def _size(self, key: str, value: list[Any]) -> None:
        limit = self.limits.max_enum if key == "enum" else self.limits.max_examples
        if len(value) > limit:
            self.hits.append(
                Hit(
                    SIZE.id,
                    f"{key} has {len(value):,} entries (limit {limit:,}): every form and "
                    "validator that loads the schema pays for it; trim it or move it to a lookup",
                    (*self.root, *self.trail, key),
                )
            )


def embedded_schemas(data: Any) -> Iterator[tuple[FieldPath, Any]]:
    """The manifest's embedded JSON Schemas with their paths (any shape of data)."""
    if not isinstance(data, dict):
        return
    for group in ("actions", "triggers"):
        items = data.get(group)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if isinstance(item, dict):
                for key in SCHEMA_ROOTS:
                    if key in item:
                        yield (group, index, key), item[key]


@dataclass(frozen=True)
class ResourcesRule:
    id: str = "resources"
    kinds: tuple[Kind, ...] = (REDOS, SIZE, DEPTH)

    def gates(self, context: Context) -> dict[str, str]:
        return {}

    def scan(self, document: Document, context: Context) -> Iterator[Hit]:
        schemas = list(embedded_schemas(document.data))
        if not worth_a_look([schema for _, schema in schemas], context.limits):
            return
        for root, schema in schemas:
            hits: list[Hit] = []
            _Survey(context.limits, root, [], hits).node(schema, 0)
            yield from hits
