"""Layout messages for files that failed to parse: tabs and stray indentation."""

from __future__ import annotations

import pytest

from seeding_suite.loading.indentation import indentation_problem
from seeding_suite.loading.yaml import YamlLoadError, load_yaml

HEAD = "manifest_version: 1\nid: x\nname: X\nversion: 1.0.0\n"


def test_a_tab_in_a_block_scalars_text_is_not_indentation() -> None:
    text = HEAD + "description: |\n  first\n  \tsecond\nactions:\n\t- id: a\n"
    problem = indentation_problem(text, 9, "found a tab")
    assert problem is not None
    assert problem[1] == (9, 1)


def test_a_tab_far_below_the_error_is_not_blamed() -> None:
    text = HEAD + "actions: [unclosed\nname: y\nother:\n\t- a\n"
    assert indentation_problem(text, 5, "did not find expected ',' or ']'") is None


def test_a_deeper_block_under_a_key_is_allowed() -> None:
    text = HEAD + "actions:\n      - id: a\n    - id: b\n"
    problem = indentation_problem(text, 7, "did not find expected key")
    assert problem is not None
    assert "indented 4 spaces" in problem[0] and "allow 8, 6 or 0 spaces" in problem[0]
    assert indentation_problem(HEAD + "actions:\n      - id: a\n", 6, "bad indentation") is None


def test_other_parse_errors_keep_the_parsers_words() -> None:
    stray = HEAD + "  oops: [1\n"  # stray, but the parser's complaint is the open flow
    assert indentation_problem(stray, 5, "found unexpected end of stream in a flow") is None


@pytest.mark.parametrize(
    ("body", "where", "words"),
    [
        ("connections:\n  - id: k\n\t  name: K\n", (7, 1), "indented with a tab"),
        ("connections:\n  - id: k\n  \tname: K\n", (7, 3), "indented with a tab"),
        ("connections:\n  - id: k\n     name: K\n", (7, 6), "indented 5 spaces"),
        ("connections:\n  - id: k\n    name: K\n   auth: none\n", (8, 4), "indented 3 spaces"),
    ],
)
def test_the_loader_points_at_the_line_that_holds_the_mistake(
    body: str, where: tuple[int, int], words: str
) -> None:
    with pytest.raises(YamlLoadError) as caught:
        load_yaml((HEAD + body).encode())
    assert (caught.value.line, caught.value.column) == where
    assert words in caught.value.message
