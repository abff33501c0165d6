"""The catalog: file discovery, cached sources, summaries, duplicate ids, stem mismatches."""

from __future__ import annotations

from typing import TYPE_CHECKING

from seeding_suite.discovery.catalog import Catalog

if TYPE_CHECKING:
    from pathlib import Path


def manifest_text(integration: str, version: str = "1.0.0", body: str = "") -> str:
    return f"manifest_version: 1\nid: {integration}\nname: N\nversion: {version}\n{body}"


def catalog_of(root: Path, files: dict[str, str]) -> Catalog:
    for name, text in files.items():
        target = root / "manifests" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return Catalog([root / "manifests"], root)


def test_it_finds_yaml_and_yml_files_sorted_without_hidden_ones(tmp_path: Path) -> None:
    catalog = catalog_of(
        tmp_path,
        {
            "b.yaml": manifest_text("bb"),
            "a/c.yml": manifest_text("cc"),
            ".hidden/d.yaml": manifest_text("dd"),
            "notes.txt": "not a manifest",
        },
    )
    assert [catalog.display(p) for p in catalog.files()] == [
        "manifests/a/c.yml",
        "manifests/b.yaml",
    ]


def test_overlapping_roots_list_each_file_once(tmp_path: Path) -> None:
    catalog_of(tmp_path, {"sub/aa.yaml": manifest_text("aa")})
    catalog = Catalog([tmp_path / "manifests", tmp_path / "manifests" / "sub"], tmp_path)
    assert len(catalog.files()) == 1


def test_a_source_is_cached_per_path_but_the_cache_is_bounded(tmp_path: Path) -> None:
    files = {f"m{i}.yaml": manifest_text(f"m{i}") for i in range(5)}
    catalog_of(tmp_path, files)
    catalog = Catalog([tmp_path / "manifests"], tmp_path, cache_size=2)
    first = catalog.source(tmp_path / "manifests" / "m0.yaml")
    assert catalog.source(tmp_path / "manifests" / ".." / "manifests" / "m0.yaml") is first
    for i in range(1, 5):
        catalog.source(tmp_path / "manifests" / f"m{i}.yaml")
    assert catalog.source(tmp_path / "manifests" / "m0.yaml") is not first


def test_entries_summarize_valid_and_invalid_manifests(tmp_path: Path) -> None:
    catalog = catalog_of(
        tmp_path,
        {
            "app.yaml": manifest_text("app", "1.2.0", "dependencies: [http-core]\n"),
            "broken.yaml": "id: broken\nversion: 3.0.0\nname: [\n",
            "typo.yaml": manifest_text("typo", body="chanel: beta\n"),
        },
    )
    by_id = {e.id: e for e in catalog.entries()}
    assert by_id["app"].valid
    assert [d.id for d in by_id["app"].dependencies] == ["http-core"]
    assert (by_id["broken"].valid, by_id["broken"].version) == (False, None)
    assert (by_id["typo"].valid, by_id["typo"].version) == (False, "1.0.0")
    assert catalog.entry(tmp_path / "manifests" / "app.yaml") == by_id["app"]


def test_catalog_wide_work_happens_once(tmp_path: Path) -> None:
    catalog = catalog_of(tmp_path, {"aa.yaml": manifest_text("aa")})
    assert catalog.resolution() is catalog.resolution()
    assert catalog.entries() == catalog.entries()
    (tmp_path / "manifests" / "bb.yaml").write_text(manifest_text("bb"))
    assert len(catalog.files()) == 1


def test_the_summary_pass_does_not_evict_the_sources_in_use(tmp_path: Path) -> None:
    catalog_of(tmp_path, {f"m{i}.yaml": manifest_text(f"m{i}") for i in range(4)})
    catalog = Catalog([tmp_path / "manifests"], tmp_path, cache_size=1)
    in_use = catalog.source(tmp_path / "manifests" / "m3.yaml")
    catalog.entries()
    assert catalog.source(tmp_path / "manifests" / "m3.yaml") is in_use


def test_duplicate_ids_name_both_files(tmp_path: Path) -> None:
    catalog = catalog_of(
        tmp_path, {"one/twin.yaml": manifest_text("twin"), "two/twin.yml": manifest_text("twin")}
    )
    one, two = catalog.resolution().problems["twin"]
    assert (one.file, one.message) == (
        "manifests/one/twin.yaml",
        "id 'twin' is also defined by manifests/two/twin.yml",
    )
    assert (two.file, two.message) == (
        "manifests/two/twin.yml",
        "id 'twin' is also defined by manifests/one/twin.yaml",
    )


def test_files_failing_their_own_checks_claim_no_id(tmp_path: Path) -> None:
    broken_references = manifest_text(
        "twin", body="actions:\n  - {id: go, name: Go, connection: nope}\n"
    )
    catalog = catalog_of(
        tmp_path,
        {
            "twin.yaml": manifest_text("twin"),
            "Twin.yaml": manifest_text("twin"),  # stem != id: fails its schema check
            "old/twin.yaml": broken_references,  # fails its references check
        },
    )
    assert {e.display: e.valid for e in catalog.entries()} == {
        "manifests/Twin.yaml": False,
        "manifests/old/twin.yaml": False,
        "manifests/twin.yaml": True,
    }
    old = catalog.source(tmp_path / "manifests" / "old" / "twin.yaml")
    assert old.validated().manifest is not None  # its schema is fine; its references are not
    resolution = catalog.resolution()
    assert resolution.problems == {}
    assert resolution.order == ["twin"]


def test_a_file_stem_that_is_not_the_id_makes_the_entry_invalid(tmp_path: Path) -> None:
    catalog = catalog_of(tmp_path, {"other.yaml": manifest_text("real")})
    [entry] = catalog.entries()
    assert (entry.id, entry.valid) == ("real", False)
    [finding] = catalog.source(entry.path).validated().findings
    assert finding.render() == (
        "manifests/other.yaml:2:5: id: the id is 'real' but the file is named 'other'; "
        "a manifest's file stem must equal its id"
    )
