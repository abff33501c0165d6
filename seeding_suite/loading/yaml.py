"""Bytes -> plain data: the fast, bounded load of one manifest file (DESIGN §9, §10).

yaml-rs does the work (about 8x PyYAML's C loader). Around it: a size limit, strict UTF-8,
characters YAML forbids, a pre-scan that sends any file able to nest deeply (or to use
aliases) through the exact event-stream check first, because yaml-rs overflows its native
stack on deep enough input, the same for any file that may hold what yaml-rs would read
differently from YAML 1.2's core schema (tags, merge keys, some numbers: `meaning`), and a
walk that keeps only JSON-shaped data (string keys, no sets, finite numbers).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seeding_suite.errors import SeedingSuiteError
from seeding_suite.loading import events, meaning
from seeding_suite.loading.characters import forbidden_character

if TYPE_CHECKING:
    from seeding_suite.findings import FieldPath
    from seeding_suite.loading.events import Position


@dataclass(frozen=True)
class LoadLimits:
    """What one manifest file may cost: bytes read, nesting depth, alias expansion."""

    max_bytes: int = 5 * 1024 * 1024
    max_depth: int = 64
    max_alias_events: int = 100_000


class YamlLoadError(SeedingSuiteError):
    """The file is not one YAML mapping of plain data; carries where, when known.

    Internal to loading: `ManifestSource` turns it into the parse check's finding.
    """

    def __init__(self, message: str, where: Position | None = None, path: FieldPath = ()) -> None:
        super().__init__(message)
        self.message = message
        self.line: int | None = where[0] if where else None
        self.column: int | None = where[1] if where else None
        self.path = path


# Block nesting shows as a line's leading run of indentation and block indicators ("- ", "? ",
# ": "); a run this long may nest deeper than the fast loader can take, so such files get the
# exact check first. The character class over-approximates the run (cheaply: a plain scan
# for a newline). Flow collections need no such care: yaml-rs refuses more than 256 levels.
_PREFIX_CHARS = "[ \t?:-]{100}"
_DEEP_PREFIX = re.compile("\n" + _PREFIX_CHARS)
_DEEP_FIRST_LINE = re.compile(_PREFIX_CHARS)
_SYNTAX_POSITION = re.compile(r"at line (\d+), column (\d+)")
_ANCHOR_BEFORE = frozenset(" \t\r\n[{,")
_ANCHOR_NOT_AFTER = frozenset(" \t\r\n[]{},")


def load_yaml(raw: bytes, limits: LoadLimits = LoadLimits()) -> dict[str, Any]:
    """The one YAML mapping in `raw`, as plain JSON-shaped data; raises YamlLoadError."""
    if len(raw) > limits.max_bytes:
        raise YamlLoadError(
            f"the file is larger than {limits.max_bytes:,} bytes, the limit for one manifest "
            "(ini seeding_max_manifest_bytes)"
        )
    text = decode_utf8(raw)
    forbidden = forbidden_character(raw, text)
    if forbidden is not None:
        raise YamlLoadError(*forbidden)
    if _may_nest_deeply(text):
        problem = events.nesting_problem(text, limits.max_depth)
        if problem is not None:
            message, where = problem
            raise YamlLoadError(message, where)
    if meaning.may_change_meaning(text):
        changed = meaning.meaning_problem(text)
        if changed is not None:
            raise YamlLoadError(*changed)
    data = _fast_load(text, limits)
    if not isinstance(data, dict):
        raise _not_a_mapping(data, text)
    if not _is_plain(data, limits.max_depth):
        check_plain(data, limits.max_depth)  # the slower walk that names the path
    return data


def decode_utf8(raw: bytes) -> str:
    """Strict UTF-8 (a leading BOM allowed), with the offending byte's position on failure."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlLoadError(
            "the file is UTF-16 (it starts with a UTF-16 byte-order mark); manifests must be UTF-8",
            (1, 1),
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        offset = exc.start
        line_start = raw.rfind(b"\n", 0, offset) + 1
        line = raw.count(b"\n", 0, offset) + 1
        column = len(raw[line_start:offset].decode("utf-8", "replace")) + 1
        raise YamlLoadError(
            f"the file is not valid UTF-8: byte 0x{raw[offset]:02x} at offset {offset} "
            f"({exc.reason}); manifests must be UTF-8",
            (line, column),
        ) from None


def _may_nest_deeply(text: str) -> bool:
    deep = _DEEP_FIRST_LINE.match(text) or _DEEP_PREFIX.search(text)
    return deep is not None or _has_anchor(text)


def _has_anchor(text: str) -> bool:
    # An anchor (&name) is what makes aliases possible; "Q&A" or "a & b" is not one.
    index = text.find("&")
    while index >= 0:
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if before in _ANCHOR_BEFORE and after not in _ANCHOR_NOT_AFTER:
            return True
        index = text.find("&", index + 1)
    return False


def _fast_load(text: str, limits: LoadLimits) -> Any:
    import yaml_rs  # on first load: a warm run loads no file

    alias_limits = yaml_rs.AliasLimits(
        max_total_replayed_events=limits.max_alias_events,
        max_replay_stack_depth=limits.max_depth,
    )
    try:
        return yaml_rs.loads(
            text,
            parse_datetime=False,
            alias_limits=alias_limits,
            duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error,
        )
    except (ValueError, TypeError, OverflowError) as exc:
        # YAMLDecodeError is a ValueError; the others guard the native boundary on odd input.
        raise _load_error(str(exc), text) from None


def _load_error(detail: str, text: str) -> YamlLoadError:
    if detail.startswith("duplicate mapping key"):
        found = events.duplicate_key(text)
        if found is not None:
            path, first, second = found
            first_line = f" (first on line {first[0]})" if first else ""
            return YamlLoadError(
                f"duplicate key {path[-1]!r}{first_line}; YAML keys must be unique",
                second,
                path,
            )
        return YamlLoadError(f"invalid YAML: {detail}")
    if detail.startswith("alias"):
        return YamlLoadError(
            f"aliases expand to too much data ({detail}); a manifest never needs that",
            events.first_alias(text),
        )
    match = _SYNTAX_POSITION.search(detail)
    reason = detail.strip().rsplit("\n", 1)[-1]
    if match is None:
        return YamlLoadError(f"invalid YAML: {reason}")
    return YamlLoadError(f"invalid YAML: {reason}", (int(match[1]), int(match[2])))


def _not_a_mapping(data: Any, text: str) -> YamlLoadError:
    if isinstance(data, list):
        starts = events.document_starts(text)
        if len(starts) > 1:
            return YamlLoadError(
                f"a second YAML document starts here (the file holds {len(starts)}); "
                "a manifest is exactly one mapping",
                starts[1],
            )
    if data is None:
        return YamlLoadError(
            "the file is empty; a manifest is a YAML mapping that starts "
            "with `manifest_version: 1`",
            (1, 1),
        )
    return YamlLoadError(f"expected a YAML mapping at the top level, got {describe(data)}", (1, 1))


def _is_plain(root: dict[str, Any], max_depth: int) -> bool:
    """`check_plain` as a yes/no, without building paths: the hot path of every load."""
    stack: list[tuple[Any, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            return False
        if type(node) is dict:
            for key in node:
                if type(key) is not str:
                    return False
            values = node.values()
        else:
            values = node
        for value in values:
            kind = type(value)
            if kind is str or kind is int or kind is bool or value is None:
                continue
            if kind is dict or kind is list:
                stack.append((value, depth + 1))
            elif kind is not float or value - value != 0:  # inf - inf and nan - nan are nan
                return False
    return True


def check_plain(data: Any, max_depth: int) -> None:
    """Raise unless `data` is JSON-shaped and nests at most `max_depth` collections deep."""
    stack: list[tuple[Any, FieldPath]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        if len(path) >= max_depth:
            # The full path would be max_depth parts long; its start says where to look.
            raise YamlLoadError(
                f"the data under this field nests deeper than {max_depth} levels; "
                "a manifest never needs that",
                path=path[:_SHOWN_PARTS],
            )
        items: Any = node.items() if type(node) is dict else enumerate(node)
        for key, value in items:
            if type(key) is not str and type(node) is dict:
                raise YamlLoadError(
                    f"mapping keys must be strings, got {describe(key)}; quote the key", path=path
                )
            kind = type(value)
            if kind is dict or kind is list:
                stack.append((value, (*path, key)))
            elif kind is float and not math.isfinite(value):
                raise YamlLoadError(f"{value} is not a JSON number", path=(*path, key))
            elif kind not in _PLAIN_SCALARS:
                raise YamlLoadError(
                    f"expected plain data, got {describe(value)}", path=(*path, key)
                )


_SHOWN_PARTS = 3
_PLAIN_SCALARS = frozenset({str, int, float, bool, type(None)})


def describe(value: Any) -> str:
    """A value as a user would name it: 'the number 2.3', 'a list', 'the string "x"'."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {_short(value)!r}"
    names: dict[type, str] = {dict: "a mapping", list: "a list", tuple: "a list", set: "a set"}
    return names.get(type(value), f"a {type(value).__name__}")


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."
