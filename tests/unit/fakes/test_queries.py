"""Index range rules, index ordering, filters, unique and pagination."""

from __future__ import annotations

from typing import Any

import pytest

from fakes.convex import UNSET, FakeConvex, FunctionFailure, Int64, define_schema, define_table, v
from fakes.convex.values import normalize_value

SCHEMA = define_schema(
    {"rows": define_table({"a": v.any(), "b": v.optional(v.any())}).index("by_ab", ["a", "b"])},
    schema_validation=False,
)
ROWS = [
    {"a": "x", "b": 2},
    {"a": 1, "b": 1},
    {"a": Int64(9)},
    {"a": "x", "b": 1},
    {"a": None, "b": 5},
    {"a": "x"},
    {"a": True, "b": 0},
    {"a": "x", "b": 3},
    {"a": "x", "b": 1},
]


def loaded(make_fake: Any) -> FakeConvex:
    fake: FakeConvex = make_fake(SCHEMA)
    fake.register("rows:add", "mutation", lambda ctx, args: ctx.db.insert("rows", args["row"]))
    fake.register("rows:run", "query", lambda ctx, args: args["fn"](ctx))
    for row in ROWS:
        fake.mutation("rows:add", {"row": row})
    return fake


def run(fake: FakeConvex, fn: Any) -> Any:
    """Run `fn(ctx)` as a query (the function object rides along as an opaque argument)."""
    holder: dict[str, Any] = {}
    fake.register("rows:once", "query", lambda ctx, args: holder.update(r=fn(ctx)))
    fake.query("rows:once")
    return holder["r"]


def pairs(docs: list[dict[str, Any]]) -> list[tuple[object, object]]:
    return [(d["a"], d.get("b", "-")) for d in docs]


def test_index_order_is_value_order_then_creation_time(make_fake: Any) -> None:
    fake = loaded(make_fake)
    docs = run(fake, lambda ctx: ctx.db.query("rows").with_index("by_ab").collect())
    assert pairs(docs) == [
        (None, 5.0),
        (Int64(9), "-"),
        (1.0, 1.0),
        (True, 0.0),
        ("x", "-"),
        ("x", 1.0),
        ("x", 1.0),
        ("x", 2.0),
        ("x", 3.0),
    ]
    ties = [d for d in docs if d["a"] == "x" and d.get("b") == 1.0]
    assert ties[0]["_creationTime"] < ties[1]["_creationTime"]


def test_eq_prefix_then_bounds_select_a_range(make_fake: Any) -> None:
    fake = loaded(make_fake)
    docs = run(
        fake,
        lambda ctx: (
            ctx.db.query("rows")
            .with_index("by_ab", lambda q: q.eq("a", "x").gt("b", 1).lte("b", 3))
            .collect()
        ),
    )
    assert pairs(docs) == [("x", 2.0), ("x", 3.0)]
    docs = run(
        fake,
        lambda ctx: (
            ctx.db.query("rows")
            .with_index("by_ab", lambda q: q.eq("a", "x").gte("b", 1).lt("b", 3))
            .order("desc")
            .collect()
        ),
    )
    assert pairs(docs) == [("x", 2.0), ("x", 1.0), ("x", 1.0)]
    missing = run(
        fake,
        lambda ctx: (
            ctx.db.query("rows")
            .with_index("by_ab", lambda q: q.eq("a", "x").eq("b", UNSET))
            .collect()
        ),
    )
    assert pairs(missing) == [("x", "-")]


@pytest.mark.parametrize(
    "bad_range",
    [
        lambda q: q.eq("b", 1),  # skips the first field
        lambda q: q.gt("a", 1).eq("b", 1),  # eq after a bound
        lambda q: q.eq("a", 1).gt("a", 0),  # bound on an already-fixed field
        lambda q: q.gt("a", 0).lt("b", 2),  # bounds on two fields
        lambda q: q.lt("a", 5).gt("a", 0),  # lower bound after the upper one
        lambda q: q.gt("a", 0).gte("a", 1),  # two lower bounds
        lambda q: q.eq("zzz", 1),  # not an index field
    ],
)
def test_ranges_that_break_the_rules_fail(make_fake: Any, bad_range: Any) -> None:
    fake = loaded(make_fake)
    with pytest.raises(FunctionFailure, match="Uncaught Error: Index range"):
        run(fake, lambda ctx: ctx.db.query("rows").with_index("by_ab", bad_range).collect())


def test_unknown_indexes_fail(make_fake: Any) -> None:
    fake = loaded(make_fake)
    with pytest.raises(FunctionFailure, match=r"Index rows\.by_nothing not found"):
        run(fake, lambda ctx: ctx.db.query("rows").with_index("by_nothing").collect())


def test_without_an_index_documents_come_in_creation_order(make_fake: Any) -> None:
    fake = loaded(make_fake)
    docs = run(fake, lambda ctx: ctx.db.query("rows").collect())
    assert pairs(docs) == [
        (normalize_value(r["a"]), normalize_value(r.get("b", "-"))) for r in ROWS
    ]
    newest = run(fake, lambda ctx: ctx.db.query("rows").order("desc").first())
    assert newest["_id"] == docs[-1]["_id"]


def test_unique_refuses_several_matches(make_fake: Any) -> None:
    fake = loaded(make_fake)
    one = run(
        fake,
        lambda ctx: (
            ctx.db.query("rows").with_index("by_ab", lambda q: q.eq("a", "x").eq("b", 2)).unique()
        ),
    )
    assert one["b"] == 2.0
    with pytest.raises(FunctionFailure, match="more than one result"):
        run(
            fake,
            lambda ctx: (
                ctx.db.query("rows")
                .with_index("by_ab", lambda q: q.eq("a", "x").eq("b", 1))
                .unique()
            ),
        )


def test_pagination_walks_every_document_once(make_fake: Any) -> None:
    fake = loaded(make_fake)
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        page = run(
            fake,
            lambda ctx, c=cursor: (
                ctx.db.query("rows")
                .with_index("by_ab")
                .filter(lambda doc: doc["a"] != 1.0)
                .paginate(2, c)
            ),
        )
        seen += [d["_id"] for d in page["page"]]
        cursor = page["continueCursor"]
        if page["isDone"]:
            break
    everything = run(fake, lambda ctx: ctx.db.query("rows").with_index("by_ab").collect())
    assert seen == [d["_id"] for d in everything if d["a"] != 1.0]
    again = run(fake, lambda ctx: ctx.db.query("rows").paginate(5, cursor))
    assert again == {"page": [], "isDone": True, "continueCursor": cursor}
