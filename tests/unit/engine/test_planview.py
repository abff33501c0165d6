"""The printed plan: deletions first, unchanged integrations counted but listed only with -v,
and changed fields shown old -> new, cut to a line but never cutting away the difference."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from seeding_suite.engine.plan import DocCounts, IntegrationPlan
from seeding_suite.engine.planview import SHOWN_CHARS, FieldChange, plan_lines, shown
from seeding_suite.engine.state import TargetState

PLANS = [
    IntegrationPlan("core", "unchanged", counts=DocCounts(unchanged=5), version="1.0.0"),
    IntegrationPlan("zeta", "created", counts=DocCounts(created=5), version="0.1.0"),
    IntegrationPlan("gone", "deleted", counts=DocCounts(deleted=5), previous_version="0.1.0"),
]


def test_deletions_come_first_and_unchanged_integrations_are_only_counted() -> None:
    assert plan_lines(PLANS, TargetState()) == [
        "- gone 0.1.0 (0 to create, 0 to update, 5 to delete, 0 unchanged)",
        "+ zeta 0.1.0 (5 to create, 0 to update, 0 to delete, 0 unchanged)",
        "(1 unchanged integration(s) not listed; -v lists them)",
        "Plan: 1 to create, 0 to update, 1 to delete, 1 unchanged.",
    ]
    verbose = plan_lines(PLANS, TargetState(), verbose=True)
    assert verbose[:3] == [
        "- gone 0.1.0 (0 to create, 0 to update, 5 to delete, 0 unchanged)",
        "= core 1.0.0 (0 to create, 0 to update, 0 to delete, 5 unchanged)",
        "+ zeta 0.1.0 (5 to create, 0 to update, 0 to delete, 0 unchanged)",
    ]
    assert verbose[-1] == "Plan: 1 to create, 0 to update, 1 to delete, 1 unchanged."


def test_a_changed_field_shows_old_and_new_values_escaped() -> None:
    assert FieldChange("name", "Do a thing", "Do the thing").render() == (
        'name: "Do a thing" -> "Do the thing"'
    )
    assert FieldChange("label", "a\x1b[31mb", None).render() == 'label: "a\\u001b[31mb" -> null'


@given(st.text(min_size=1), st.text(), st.text())
def test_a_long_value_is_cut_around_where_it_differs(common: str, left: str, right: str) -> None:
    """Cut values keep a line short; two values of one length never look the same."""
    old, new = common * 40 + left, common * 40 + right
    parts = FieldChange("f", old, new).render().removeprefix("f: ").split(" -> ")
    assert all(len(part) <= SHOWN_CHARS + 3 for part in parts)
    same_size = len(json.dumps(left, ensure_ascii=False)) == len(
        json.dumps(right, ensure_ascii=False)
    )
    if " -> " not in old + new and old != new and same_size:
        assert parts[0] != parts[1]


@given(st.text())
def test_shown_is_the_text_itself_or_a_marked_piece_of_it(text: str) -> None:
    piece = shown(text, len(text) // 2)
    if len(text) <= SHOWN_CHARS:
        assert piece == text
    else:
        assert piece.removeprefix("...").removesuffix("...") in text
        assert len(piece) <= SHOWN_CHARS + 3
