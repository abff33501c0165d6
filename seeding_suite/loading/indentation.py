"""Clearer messages for the two layout mistakes people make most: tabs and stray indentation.

Only a file that already failed to parse gets here (the slow path of DESIGN §9). A YAML
parser reports where it gave up, which is often a line before or after the real mistake and
in its own terms ("mapping values are not allowed in this context"). These rules look at the
layout itself: the first line indented with a tab, or a line whose indentation matches no
open block, and say what was expected. When neither applies, the parser's own message stands.
"""

from __future__ import annotations

import re
from typing import Final

Problem = tuple[str, tuple[int, int]]

# A line that starts a block scalar: `key: |`, `- >-`, `key: |2+` (then a comment at most).
_BLOCK_SCALAR: Final = re.compile(r"(?:^|[:\s-])[|>][-+0-9]*\s*(?:#.*)?$")
_LIST_ITEM: Final = re.compile(r"-(?:[ \t]+|$)")
# Parser messages that a line indented wrongly produces (yaml-rs and libyaml wordings).
_LAYOUT_ERRORS: Final = (
    "mapping values are not allowed",
    "did not find expected",
    "expected <block end>",
    "bad indentation",
    "block sequence entries are not allowed",
    "invalid indentation",
)


def indentation_problem(text: str, error_line: int | None, reason: str) -> Problem | None:
    """A message about the layout near `error_line` (1-based), or None to keep `reason`."""
    lines = text.splitlines()
    tab = _first_tab_indent(lines)
    if tab is not None and (error_line is None or tab[0] <= error_line + 1):
        line, column = tab
        return (
            "this line is indented with a tab; YAML indents with spaces only "
            "(indent with spaces, not tabs)",
            (line, column),
        )
    if error_line is None or not any(marker in reason for marker in _LAYOUT_ERRORS):
        return None
    return _stray_indent(lines, error_line, reason)


def _content_lines(lines: list[str]) -> list[tuple[int, str]]:
    """(1-based number, line) of every line that is YAML structure, not block-scalar text."""
    found: list[tuple[int, str]] = []
    scalar_indent: int | None = None
    for number, line in enumerate(lines, start=1):
        stripped = line.lstrip(" \t")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        if scalar_indent is not None:
            if indent > scalar_indent:
                continue  # the block scalar's own text
            scalar_indent = None
        found.append((number, line))
        if _BLOCK_SCALAR.search(stripped):
            scalar_indent = indent
    return found


def _first_tab_indent(lines: list[str]) -> tuple[int, int] | None:
    for number, line in _content_lines(lines):
        lead = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in lead:
            return number, lead.index("\t") + 1
    return None


def _stray_indent(lines: list[str], error_line: int, reason: str) -> Problem | None:
    """The error line's indentation against the columns of the blocks open above it."""
    content = _content_lines(lines)
    before = [(n, line) for n, line in content if n < error_line]
    current = next((line for n, line in content if n == error_line), None)
    if not before or current is None:
        return None
    indent = len(current) - len(current.lstrip(" "))
    open_columns: list[int] = []
    for _, line in before:
        column = len(line) - len(line.lstrip(" "))
        while open_columns and open_columns[-1] > column:
            open_columns.pop()
        if not open_columns or open_columns[-1] != column:
            open_columns.append(column)
        rest = line[column:]
        while (item := _LIST_ITEM.match(rest)) is not None:  # `- key:` opens a mapping inside
            column += item.end()
            rest = rest[item.end() :]
            open_columns.append(column)
    last_number, last = before[-1]
    if last.rstrip().endswith(":") and indent > len(last) - len(last.lstrip(" ")):
        return None  # a new block under `key:` may start at any deeper column
    if indent in open_columns:
        return None
    allowed = [str(c) for c in sorted(set(open_columns), reverse=True)]
    shown = allowed[0] if len(allowed) == 1 else f"{', '.join(allowed[:-1])} or {allowed[-1]}"
    return (
        f"this line is indented {indent} spaces, which matches no block open above it "
        f"(line {last_number} and the lines above it allow {shown} spaces); indent it like the "
        f"keys it belongs with (the parser said: {reason})",
        (error_line, indent + 1),
    )
