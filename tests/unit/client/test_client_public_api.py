"""The client package exports exactly its public names, sorted (style.md §5.4 rule 13)."""

from __future__ import annotations

import seeding_suite.client as client_package


def test_all_lists_every_public_name_once_and_sorted() -> None:
    public = {
        name
        for name, value in vars(client_package).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith("seeding_suite")
    }
    assert client_package.__all__ == sorted(public)
