"""::dependencies reads the catalog's one resolution and places each problem in the file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from manifest_texts import catalog_of, manifest_text

from seeding_suite.checks import check_named

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

DEPENDENCIES = check_named("dependencies")


def run(tmp_path: Path, files: Mapping[str, str | bytes], name: str) -> list[str]:
    catalog = catalog_of(tmp_path, files)
    source = catalog.source(tmp_path / "manifests" / name)
    return [f.render() for f in DEPENDENCIES.run(source, catalog)]


def test_it_passes_satisfied_dependencies(tmp_path: Path) -> None:
    files = {
        "app.yaml": manifest_text("app", body="dependencies:\n  - {id: http, version: ^1.2}\n"),
        "http.yaml": manifest_text("http", "1.4.0"),
    }
    assert run(tmp_path, files, "app.yaml") == []


def test_it_prints_the_cycle_at_the_dependency_entry(tmp_path: Path) -> None:
    files = {
        "aa.yaml": manifest_text("aa", body="dependencies:\n  - bb\n"),
        "bb.yaml": manifest_text("bb", body="dependencies:\n  - aa\n"),
    }
    assert run(tmp_path, files, "bb.yaml") == [
        "manifests/bb.yaml:6:5: dependencies[0]: dependency cycle: bb -> aa -> bb"
    ]


def test_it_points_at_the_range_that_the_catalog_does_not_satisfy(tmp_path: Path) -> None:
    files = {
        "app.yaml": manifest_text("app", body="dependencies:\n  - id: http\n    version: ~1.2.0\n"),
        "http.yaml": manifest_text("http", "1.3.0"),
    }
    assert run(tmp_path, files, "app.yaml") == [
        "manifests/app.yaml:7:14: dependencies[0].version: the catalog has http 1.3.0, "
        "outside the range '~1.2.0'"
    ]


def test_it_reports_a_dependency_on_a_broken_file(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "app.yaml": manifest_text("app", body="dependencies: [http]\n"),
        "http.yaml": b"\xff",
    }
    assert run(tmp_path, files, "app.yaml") == [
        "manifests/app.yaml:5:16: dependencies[0]: depends on 'http', whose manifest "
        "(manifests/http.yaml) is not valid"
    ]
