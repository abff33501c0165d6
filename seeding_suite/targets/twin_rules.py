"""What every twin function shares: the contract's errors, limits and document lookups.

Kept apart so that the seeding, ledger and lease halves of the twin (twin.py, twin_apply.py,
twin_lease.py) say each rule once, as convex/seeding.ts does.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fakes.convex import ConvexError, value_size
from seeding_suite import remote

if TYPE_CHECKING:
    from collections.abc import Iterable


def invalid(message: str) -> ConvexError:
    return ConvexError({"code": remote.INVALID_OP, "message": message})


def seeded_table(table: object) -> str:
    if not isinstance(table, str) or table not in remote.SEEDED_TABLES:
        raise invalid(f"unknown seeded table {table!r}")
    return table


def checked_limit(limit: float) -> int:
    if limit != int(limit) or not 1 <= limit <= remote.MAX_READ_LIMIT:
        raise invalid(f"limit must be an integer in 1..{remote.MAX_READ_LIMIT}, got {limit}")
    return int(limit)


def checked_max_bytes(max_bytes: float | None) -> int:
    if max_bytes is None:
        return remote.MAX_PAGE_BYTES
    if max_bytes != int(max_bytes) or not 1 <= max_bytes <= remote.MAX_PAGE_BYTES:
        raise invalid(f"maxBytes must be an integer in 1..{remote.MAX_PAGE_BYTES}, got {max_bytes}")
    return int(max_bytes)


def take_within(
    query: Iterable[dict[str, Any]], limit: int, max_bytes: int, key: str | None = None
) -> tuple[list[dict[str, Any]], list[int], bool]:
    """Up to `limit` rows and their sizes, stopping after the row whose size makes the bytes
    read reach `max_bytes`; the flag says the page was cut (a cursor is due).

    A row's size is Convex's measure of the whole document, system fields included: what its
    read limit charges and what `getDocumentSize` gives convex/seeding.ts. The sizes are
    returned so a caller that reports them measures no row twice. With `key` (the cursor's
    field), a page never ends between two rows of one key: a cursor `gt(key)` would skip the
    second, and a duplicated natural key must never be hidden.
    """
    rows: list[dict[str, Any]] = []
    sizes: list[int] = []
    read = 0
    full = False
    for row in query:
        if full and (key is None or row[key] != rows[-1][key]):
            return rows, sizes, True
        rows.append(row)
        sizes.append(value_size(row))
        read += sizes[-1]
        full = full or len(rows) >= limit or read >= max_bytes
        if full and key is None:
            return rows, sizes, True
    return rows, sizes, full


def page_after(
    ctx: Any, args: dict[str, Any], table: str, index: str, prefix: tuple[str, object], cursor: str
) -> tuple[list[dict[str, Any]], Any]:
    """One page of `table`'s rows whose indexed `prefix` field holds its value, strictly after
    `args["after"]` in the `cursor` field (the index's next), within `args`' limit and
    maxBytes: the user fields of the rows, and the next cursor (None: the rows ended)."""
    limit = checked_limit(args["limit"])
    field, value = prefix
    after = args["after"]
    query = ctx.db.query(table).with_index(
        index,
        (lambda q: q.eq(field, value))
        if after is None
        else (lambda q: q.eq(field, value).gt(cursor, after)),
    )
    rows, _, more = take_within(query, limit, checked_max_bytes(args.get("maxBytes")))
    return [user_fields(row) for row in rows], rows[-1][cursor] if more else None


def find_one(ctx: Any, table: str, index: str, field: str, value: object) -> dict[str, Any] | None:
    """The one row whose indexed `field` equals `value` (every contract table has such a key)."""
    found: dict[str, Any] | None = (
        ctx.db.query(table).with_index(index, lambda q: q.eq(field, value)).unique()
    )
    return found


def lookup(ctx: Any, table: str, key: str) -> dict[str, Any] | None:
    return find_one(ctx, table, "by_natural_key", "naturalKey", key)


SYSTEM_FIELDS = ("_id", "_creationTime")


def user_size(doc: dict[str, Any], size: int) -> int:
    """The value_size of `doc` without its system fields, from the whole document's `size`.

    An object's size is the sum of its fields' parts, so this subtracts the system fields'
    parts instead of measuring the user fields all over again.
    """
    return size - sum(len(k) + 1 + value_size(doc[k]) for k in SYSTEM_FIELDS if k in doc)


def user_fields(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: value for k, value in doc.items() if k not in SYSTEM_FIELDS}


def strip_system_fields(row: dict[str, Any]) -> dict[str, Any]:
    """`user_fields` in place, for a row that is already the caller's own copy."""
    for name in SYSTEM_FIELDS:
        del row[name]
    return row


def canonical_doc(doc: dict[str, Any]) -> str:
    """A ledger pre-image: sorted keys, no spaces (convex/seeding.ts writes the same bytes)."""
    return json.dumps(user_fields(doc), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
