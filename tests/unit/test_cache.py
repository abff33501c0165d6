"""The result cache's shards and the catalog's input keys (what "the same inputs" covers)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from seeding_suite.cache import FORMAT, ResultCache, key_of
from seeding_suite.checks import CHECKS
from seeding_suite.discovery.catalog import Catalog
from seeding_suite.discovery.entry import CatalogEntry
from seeding_suite.environments import DEFAULTS
from seeding_suite.runner import CheckRunner

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

PROPS = ("stripe", "1.0.0", "c1:sha256:" + "a" * 64)


def test_passes_survive_a_save_and_add_up_across_shards(tmp_path: Path) -> None:
    first, second = ResultCache(tmp_path, "gw0"), ResultCache(tmp_path, "gw1")
    first.record_pass("k", "parse", PROPS)
    second.record_pass("k", "schema", PROPS)
    first.save(10)
    second.save(10)
    found = ResultCache(tmp_path, "main").checks("k")
    assert found is not None
    assert found.passed == frozenset({"parse", "schema"})
    assert (found.integration, found.version, found.checksum) == PROPS


def test_a_shard_keeps_what_its_run_used_then_its_earlier_entries_up_to_capacity(
    tmp_path: Path,
) -> None:
    old = ResultCache(tmp_path, "main")
    for key in ("a", "b", "c"):
        old.record_pass(key, "parse", PROPS)
    old.put_summary("s", [1])
    old.save(10)
    other = ResultCache(tmp_path, "gw0")
    other.record_pass("x", "parse", PROPS)
    other.save(10)  # another shard's entries are not this one's to keep
    new = ResultCache(tmp_path, "main")
    assert new.checks("c") is not None  # used by this run: kept first
    new.record_pass("d", "parse", PROPS)
    new.save(3)
    data = json.loads((tmp_path / "main.json").read_text())
    assert data["format"] == FORMAT and data["summaries"] == {"s": "[1]"}
    # The run's own (c, d), then the earlier ones in their order until the capacity (a).
    assert list(data["checks"]) == ["c", "d", "a"]
    assert json.loads(data["checks"]["a"]) == [["parse"], *PROPS]


def test_damaged_or_foreign_shards_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("{not json")
    (tmp_path / "b.json").write_text(json.dumps({"format": FORMAT + 1, "summaries": {"x": 1}}))
    bad_entry = {"format": FORMAT, "summaries": {}, "checks": {"k": '["parse"]', "j": 3, "i": "{"}}
    (tmp_path / "c.json").write_text(json.dumps(bad_entry))
    cache = ResultCache(tmp_path, "main")
    assert cache.summary("x") is None
    assert cache.checks("k") is None and cache.checks("j") is None and cache.checks("i") is None


def test_an_unwritable_directory_costs_nothing_but_the_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    cache = ResultCache(blocker / "cache", "main")
    cache.record_pass("k", "parse", PROPS)
    cache.save(10)  # no exception
    assert not (blocker / "cache").exists()


def test_keys_differ_for_different_parts() -> None:
    assert key_of("a", [1, 2]) == key_of("a", [1, 2])
    assert key_of("a", [1, 2]) != key_of("a", [2, 1])
    assert key_of("a", "b") != key_of("ab")


def _catalog(root: Path, files: dict[str, str], env: str = "development") -> Catalog:
    manifests = root / "manifests"
    manifests.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (manifests / name).write_text(text, encoding="utf-8")
    return Catalog([manifests], root, policy=DEFAULTS[env])


def _text(mid: str, version: str = "1.0.0", deps: str = "") -> str:
    text = f"manifest_version: 1\nid: {mid}\nname: {mid}\nversion: {version}\n"
    return text + (f"dependencies:\n  - {{id: {deps}, version: ^1.0.0}}\n" if deps else "")


def _key(root: Path, files: dict[str, str], name: str, env: str = "development") -> str | None:
    catalog = _catalog(root, files, env)
    return catalog.input_key(root / "manifests" / name, "settings")


def test_an_input_key_covers_the_closure_and_nothing_else(tmp_path: Path) -> None:
    files = {
        "app.yaml": _text("app", deps="mid"),
        "mid.yaml": _text("mid", deps="base"),
        "base.yaml": _text("base"),
        "other.yaml": _text("other"),
    }
    start = _key(tmp_path / "a", files, "app.yaml")
    assert start is not None
    assert _key(tmp_path / "b", files, "app.yaml") == start  # same inputs elsewhere: same key
    unrelated = {**files, "other.yaml": _text("other", "2.0.0")}
    assert _key(tmp_path / "c", unrelated, "app.yaml") == start
    transitive = {**files, "base.yaml": _text("base", "1.1.0")}
    assert _key(tmp_path / "d", transitive, "app.yaml") != start
    own_bytes = {**files, "app.yaml": _text("app", deps="mid") + "description: more\n"}
    assert _key(tmp_path / "e", own_bytes, "app.yaml") != start
    assert _key(tmp_path / "f", files, "app.yaml", env="staging") != start


def test_an_invalid_manifest_has_no_input_key(tmp_path: Path) -> None:
    assert _key(tmp_path, {"bad.yaml": "manifest_version: 1\nid: bad\n"}, "bad.yaml") is None


def _three_manifests(tmp_path: Path) -> Path:
    files = {"app.yaml": _text("app", deps="base"), "base.yaml": _text("base"), "x.yaml": "[1"}
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    for name, text in files.items():
        (manifests / name).write_text(text, encoding="utf-8")
    return manifests


def _assert_cached_without_parsing(
    tmp_path: Path, manifests: Path, expected: list[CatalogEntry], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new catalog over the saved cache gives `expected` without parsing any file."""

    def parsed_anyway(*_: object) -> None:
        raise AssertionError("a cached summary was parsed again")

    monkeypatch.setattr(Catalog, "_summary", parsed_anyway)
    reread = ResultCache(tmp_path / "cache", "main")
    assert Catalog([manifests], tmp_path, cache=reread).entries() == expected


def test_cached_summaries_give_the_same_entries_without_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifests = _three_manifests(tmp_path)
    fresh = Catalog([manifests], tmp_path).entries()
    cache = ResultCache(tmp_path / "cache", "main")
    Catalog([manifests], tmp_path, cache=cache).entries()
    cache.save(10)
    _assert_cached_without_parsing(tmp_path, manifests, fresh, monkeypatch)


def test_a_damaged_copy_of_an_entry_does_not_spoil_a_good_one(tmp_path: Path) -> None:
    good = ResultCache(tmp_path, "gw0")
    good.record_pass("k", "parse", PROPS)
    good.save(10)
    (tmp_path / "gw1.json").write_text(
        json.dumps({"format": FORMAT, "summaries": {}, "checks": {"k": "[7]"}})
    )
    found = ResultCache(tmp_path, "main").checks("k")
    assert found is not None and found.passed == frozenset({"parse"})


class InlinePrefetch:
    """seeding_suite.prefetch.Prefetch without fork: work done when dealt, in order.

    `dropped` keys come back as None, as from a child that died on them.
    """

    dropped: frozenset[object] = frozenset()

    def __init__(self, work: Callable[[object], object], _: int) -> None:
        self.work = work
        self.results: dict[object, object] = {}

    def deal(self, keys: list[object]) -> None:
        self.results = {k: None if k in self.dropped else self.work(k) for k in keys}

    def take_all(self) -> Iterator[tuple[object, object]]:
        yield from self.results.items()


def test_a_summary_pass_done_ahead_is_the_plain_one_and_is_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifests = _three_manifests(tmp_path)
    fresh = Catalog([manifests], tmp_path).entries()
    monkeypatch.setattr(InlinePrefetch, "dropped", frozenset({manifests / "base.yaml"}))
    monkeypatch.setattr("seeding_suite.discovery.catalog.Prefetch", InlinePrefetch)
    cache = ResultCache(tmp_path / "cache", "main")
    ahead = Catalog([manifests], tmp_path, cache=cache)
    ahead.summarize_ahead(2)
    assert ahead.entries() == fresh  # base.yaml, handed back, was summarized by the parent
    cache.save(10)
    _assert_cached_without_parsing(tmp_path, manifests, fresh, monkeypatch)


def test_a_pass_recorded_in_this_run_is_seen_by_the_runners_next_question(
    tmp_path: Path,
) -> None:
    """The runner remembers what the cache said about a file; a recorded pass updates it."""
    manifests = _three_manifests(tmp_path)
    cache = ResultCache(tmp_path / "cache", "main")
    runner = CheckRunner(Catalog([manifests], tmp_path, cache=cache), CHECKS, cache)
    base = manifests / "base.yaml"
    assert not runner.reusable(base, ["parse"])  # asked before: nothing cached yet
    assert runner.run("parse", base).status == "passed"
    assert runner.reusable(base, ["parse"])
    assert not runner.reusable(base, ["parse", "schema"])
