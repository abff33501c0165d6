"""::parse turns every way a file can fail to be one YAML mapping into a located finding."""

from __future__ import annotations

from typing import TYPE_CHECKING

from manifest_texts import catalog_of, manifest_text

from seeding_suite.checks import check_named

if TYPE_CHECKING:
    from pathlib import Path

PARSE = check_named("parse")


def run(tmp_path: Path, content: str | bytes) -> list[str]:
    catalog = catalog_of(tmp_path, {"aa.yaml": content})
    return [f.render() for f in PARSE.run(catalog.source(catalog.files()[0]), catalog)]


def test_it_passes_a_valid_manifest(tmp_path: Path) -> None:
    assert run(tmp_path, manifest_text("aa")) == []


def test_it_fails_broken_yaml_with_file_line_and_column(tmp_path: Path) -> None:
    assert run(tmp_path, manifest_text("aa", body="name: a: b\n")) == [
        "manifests/aa.yaml:5:8: invalid YAML: mapping values are not allowed in this context"
    ]


def test_it_fails_non_utf8_bytes(tmp_path: Path) -> None:
    [message] = run(tmp_path, manifest_text("aa").encode() + b"description: \xff\n")
    assert message.startswith("manifests/aa.yaml:5:14: the file is not valid UTF-8: byte 0xff")


def test_it_places_a_too_deep_value_by_its_field(tmp_path: Path) -> None:
    [message] = run(
        tmp_path, manifest_text("aa", body="description: " + "[" * 80 + "]" * 80 + "\n")
    )
    assert message.startswith("manifests/aa.yaml:5:")
    assert "description[0][0]: the data under this field nests deeper than 64 levels" in message
