"""How the ReDoS judge reads a pattern: branches kept apart as an ECMA-262 engine tries them,
`|` inside a class or escaped left alone, and rounds that split one way only left alone."""

from __future__ import annotations

import pytest

from seeding_suite.security.rules.resources import backtracking


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("^(\\w|\\d)+$", "alternatives that can match the same text"),
        ("^(a|[ab])*$", "alternatives that can match the same text"),
        ("^((a|[ab])?)+$", "alternatives that can match the same text"),
        ("^(-|-)*$", "alternatives that can match the same text"),
        ("^(-\\w+\\d+)+$", "two repetitions side by side"),
        ("^(b?\\s[ab]{2,}){2,}$", "two repetitions side by side"),
        ("^(a|aa)*b$", "a repetition nested inside another"),
    ],
)
def test_ambiguous_repetitions_are_flagged(pattern: str, why: str) -> None:
    verdict = backtracking(pattern)
    assert verdict is not None and verdict.startswith(why), verdict


@pytest.mark.parametrize(
    "pattern",
    [
        "^(\\d|[a-f])+$",  # one branch per character: the input splits one way
        "^(x|xy)*$",  # read as x(?:|y): the y is there or not
        "^[|(]+(a|b)+$",  # `|` and `(` inside a class are characters
        "^(a\\|b)+$",  # an escaped `|` is a character
        "^(a?)*$",  # a round that matches nothing ends the repetition
        "^[a-z]+( [a-z]+)*$",
        "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$",
        "^(unclosed",  # not a regex at all: the schema check's to report
    ],
)
def test_unambiguous_or_unreadable_patterns_pass(pattern: str) -> None:
    assert backtracking(pattern) is None
