"""Workflow commands stay one command whatever a message or a path holds (hypothesis)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from seeding_suite.reports.annotations import error_line, escape_data, escape_property

_UNESCAPE = {"%25": "%", "%0D": "\r", "%0A": "\n", "%3A": ":", "%2C": ","}


def _unescape(text: str) -> str:
    """What the Actions runner does with an escaped value."""
    return re.sub("%25|%0D|%0A|%3A|%2C", lambda m: _UNESCAPE[m.group(0)], text)


@given(st.text())
def test_data_keeps_every_character_and_no_line_break(text: str) -> None:
    escaped = escape_data(text)
    assert "\n" not in escaped and "\r" not in escaped
    assert _unescape(escaped) == text


@given(st.text())
def test_properties_also_hide_their_delimiters(text: str) -> None:
    escaped = escape_property(text)
    assert not set(escaped) & {"\n", "\r", ":", ","}
    assert _unescape(escaped) == text


@given(st.text(), st.text(), st.text(), st.integers(1, 10**6), st.integers(1, 999))
def test_one_error_line_names_its_file_and_message(
    file: str, title: str, message: str, line: int, col: int
) -> None:
    command = error_line(file, line, col, title, message)
    assert command.count("\n") == 0 and command.count("\r") == 0
    head, _, body = command.removeprefix("::error ").partition("::")
    fields = dict(part.split("=", 1) for part in head.split(","))
    assert fields == {
        "file": escape_property(file),
        "line": str(line),
        "col": str(col),
        "title": escape_property(title),
    }
    assert _unescape(fields["file"]) == file and _unescape(body) == message
