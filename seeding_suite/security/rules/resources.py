"""resources: embedded schemas that would exhaust whoever evaluates or renders them.

Regular expressions with catastrophic backtracking in an ECMA-262 engine (where schema
patterns are evaluated): a quantifier over something already quantified, `(a+)+`; over
alternatives that can match the same text, `(a|ab)*`, `(\\w|\\d)+`; or over a body whose
repetitions side by side can take the same characters, `(-\\w+\\d+)+`. Enums and `examples` of
absurd size, and schemas nested deeper than a limit. Thresholds are settings. The judge is
compared with recheck, a reference ReDoS checker, in tests/security/test_redos_reference.py.
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
NOTHING = "(?=)"  # a zero-width item the parser keeps (see _keep_alternatives)
PROBE = [chr(c) for c in range(32, 127)]  # printable ASCII: enough to see two branches overlap


@lru_cache(maxsize=2048)
def backtracking(pattern: str) -> str | None:
    """Why `pattern` can backtrack catastrophically, or None (also when it does not parse)."""
    try:
        parsed = sre_parse.parse(_keep_alternatives(pattern))
    except (sc.error, RecursionError, OverflowError, ValueError):
        return None  # not a Python regex; ECMA-262 validity is the schema check's
    return _judge(list(parsed))  # type: ignore[call-overload]  # SubPattern is a sequence


def _keep_alternatives(pattern: str) -> str:
    """`pattern` with an empty lookahead `(?=)` closing each branch of every alternation.

    Python's parser turns single-character alternatives into one set, `(\\w|\\d)` into
    `[\\w\\d]`: right for Python's engine, but an ECMA-262 engine (where these schemas are
    evaluated) tries `\\w` and then `\\d` for every digit, so `(\\w|\\d)+` is exponential there.
    The empty lookahead matches nothing yet keeps each branch two items long (an empty `(?:)`
    would be dropped by the parser), so the parser keeps
    the branches apart; it still factors out a common prefix, `(x|xy)` -> `x(?:|y)`, which is
    exactly the ambiguity an engine does not have.
    """
    out: list[str] = []
    bars = [False]  # per open group: whether it has an alternation
    index, size = 0, len(pattern)
    while index < size:
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if char == "[":
            end = _class_end(pattern, index)
            out.append(pattern[index:end])
            index = end
            continue
        if char == "(":
            bars.append(False)
        elif char == "|":
            bars[-1] = True
            out.append(NOTHING)
        elif char == ")" and len(bars) > 1 and bars.pop():
            out.append(NOTHING)
        out.append(char)
        index += 1
    if bars[0]:
        out.append(NOTHING)
    return "".join(out)


def _class_end(pattern: str, start: int) -> int:
    """The index after the `]` closing the character class opened at `start`."""
    index = start + 1
    if index < len(pattern) and pattern[index] == "^":
        index += 1
    if index < len(pattern) and pattern[index] == "]":
        index += 1  # a leading `]` is a literal
    while index < len(pattern):
        if pattern[index] == "\\":
            index += 2
        elif pattern[index] == "]":
            return index + 1
        else:
            index += 1
    return len(pattern)


def _judge(items: list[Any]) -> str | None:
    for op, argument in items:
        if op in REPEATS:
            body = _unwrap(list(argument[2]))
            if argument[1] == UNBOUNDED:
                if _overlapping_branches(body):
                    return "alternatives that can match the same text under a repetition"
                if not _one_optional_round(body) and _adjacent_repeats(body):
                    return "two repetitions side by side that can take the same characters"
                inner = None if _one_optional_round(body) else _inner_repeats(body)
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


def _one_optional_round(items: list[Any]) -> bool:
    """Whether the body is one optional fixed-width item, `(a?)*` or `(\\d?){2,}`.

    Engines end a repetition at a round that matched nothing, so each round takes exactly
    the item's width: the input splits one way only.
    """
    if len(items) != 1 or items[0][0] not in REPEATS or items[0][1][:2] != (0, 1):
        return False
    low, high = _width(list(items[0][1][2]))
    return 0 < low == high


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
        elif op == sc.BRANCH and _variable(op, argument):  # `(a|aa)` is read as `a(?:|a)`
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
    """Whether an alternation in the repeated body has two branches that start alike.

    `(a|ab)` is read as `a(?:|b)` (the parser factors out a common prefix), so what is left
    are branches that differ from their first item: `(\\w|\\d)`, `(\\w?[ab]+|a)`. Each round of
    the repetition can then match the same text two ways, and the rounds multiply.
    """
    for op, argument in items:
        if op == sc.SUBPATTERN and _overlapping_branches(list(argument[-1])):
            return True
        if op in REPEATS and _overlapping_branches(list(argument[2])):
            return True  # `((a|[ab])?)+`: the `?` does not tell the branches apart
        if op != sc.BRANCH:
            continue
        seen: set[str] = set()
        empty = 0  # branches left empty by the factoring: `(-|-)` is read as `-(?:|)`
        for branch in argument[1]:
            chars = _first_chars(list(branch))
            empty += _width(list(branch))[1] == 0
            if chars & seen or empty > 1:
                return True
            seen |= chars
    return False


def _adjacent_repeats(items: list[Any]) -> bool:
    """Whether a variable repetition is followed by a variable item that can take its characters.

    In `(-\\w+\\d+)+` each round splits `-a11` as `a1|1` or `a|11`: the `-` fixes where a round
    starts, yet the ways to match inside each round multiply from round to round. The body is
    read round after round, so `(b?\\s[ab]+)+` counts too: a round's `[ab]+` and the next
    round's `b?` share the `b` before the `\\s`.
    """
    rounds = items + items
    for index, (op, argument) in enumerate(items):
        if op not in REPEATS or argument[0] == argument[1]:
            continue
        taken = _first_chars(list(argument[2]))
        for later_op, later in rounds[index + 1 : index + 1 + len(items)]:
            if _variable(later_op, later) and taken & _first_chars([(later_op, later)]):
                return True
            if not _nullable(later_op, later):
                break
    return False


def _first_chars(branch: list[Any]) -> set[str]:
    """Printable ASCII characters a branch can start with (approximate, for overlap).

    Items that can match nothing (`a?`, an empty group, an anchor) let the next item's
    characters start the branch too.
    """
    found: set[str] = set()
    for op, argument in branch:
        if op == sc.SUBPATTERN:
            found |= _first_chars(list(argument[-1]))
        elif op in REPEATS:
            found |= _first_chars(list(argument[2]))
        elif op == sc.BRANCH:
            found = found.union(*(_first_chars(list(b)) for b in argument[1]))
        else:
            found |= {c for c in PROBE if _item_matches(op, argument, c)}
        if not _nullable(op, argument):
            return found
    return found


def _width(items: list[Any]) -> tuple[int, float]:
    """The shortest and longest text a parsed sequence matches (inf: no bound)."""
    low, high = 0, 0.0
    for op, argument in items:
        if op in (sc.LITERAL, sc.NOT_LITERAL, sc.IN, sc.ANY):
            low, high = low + 1, high + 1
        elif op == sc.SUBPATTERN:
            inner = _width(list(argument[-1]))
            low, high = low + inner[0], high + inner[1]
        elif op in REPEATS:
            inner = _width(list(argument[2]))
            most = float("inf") if argument[1] == UNBOUNDED else argument[1] * inner[1]
            low, high = low + argument[0] * inner[0], high + most
        elif op == sc.BRANCH:
            widths = [_width(list(branch)) for branch in argument[1]]
            low += min(w[0] for w in widths)
            high += max(w[1] for w in widths)
        elif op == sc.GROUPREF:
            high = float("inf")
    return low, high


def _nullable(op: Any, argument: Any) -> bool:
    """Whether one parsed item can match the empty string (`a?`, an anchor, a lookahead)."""
    return _width([(op, argument)])[0] == 0


def _variable(op: Any, argument: Any) -> bool:
    """Whether one parsed item matches texts of different lengths (`a+`, `(|a)`, `(a|bc)`)."""
    low, high = _width([(op, argument)])
    return low != high


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
