"""Drift says what differs: each field with the target's and the catalog's value."""

from __future__ import annotations

from seeding_suite.engine.drift import ABSENT, Difference, FieldDrift, field_drift


def test_fields_that_differ_or_exist_on_one_side_only_are_named() -> None:
    target = {"name": "x", "label": None, "old": 1, "same": [1, 2]}
    catalog = {"name": "Do a thing", "label": None, "new": {"a": 1}, "same": [1, 2]}
    assert field_drift(target, catalog) == (
        FieldDrift("name", "x", "Do a thing"),
        FieldDrift("new", ABSENT, {"a": 1}),
        FieldDrift("old", 1, ABSENT),
    )
    assert field_drift(None, {"name": None}) == (FieldDrift("name", ABSENT, None),)


def test_a_difference_renders_and_serialises_its_fields() -> None:
    fields = field_drift({"name": "x", "old": 1}, {"name": "y\n", "new": None})
    difference = Difference("stripe", "changed", "actions", "stripe/a", "differs", fields)
    assert difference.render().splitlines() == [
        "changed  actions stripe/a: differs",
        '    name: target "x", catalog "y\\n"',
        "    new: target (absent), catalog null",
        "    old: target 1, catalog (absent)",
    ]
    assert difference.to_json()["fields"] == [
        {"field": "name", "target": "x", "catalog": "y\n"},
        {"field": "new", "catalog": None},
        {"field": "old", "target": 1},
    ]
