"""::references: unique ids within a manifest and declared connections (DESIGN §5's example)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from manifest_texts import catalog_of, manifest_text

from seeding_suite.checks import check_named

if TYPE_CHECKING:
    from pathlib import Path

REFERENCES = check_named("references")
CONNECTIONS = """\
connections:
  - {id: api-key, name: API key, auth: api_key}
  - {id: connect-oauth, name: Connect, auth: oauth2}
"""


def run(tmp_path: Path, body: str) -> list[str]:
    catalog = catalog_of(tmp_path, {"aa.yaml": manifest_text("aa", body=body)})
    return [f.render() for f in REFERENCES.run(catalog.source(catalog.files()[0]), catalog)]


def test_it_passes_declared_connections_and_unique_ids(tmp_path: Path) -> None:
    body = CONNECTIONS + "actions:\n  - {id: go, name: Go, connection: api-key}\n"
    assert run(tmp_path, body) == []


def test_it_names_a_dangling_connection_and_the_declared_ones(tmp_path: Path) -> None:
    body = (
        CONNECTIONS
        + "triggers:\n  - id: paid\n    name: Paid\n    kind: webhook\n    connection: api-kee\n"
    )
    assert run(tmp_path, body) == [
        "manifests/aa.yaml:12:17: triggers[0].connection: 'api-kee' is not a connection of this "
        "manifest (declared: api-key, connect-oauth)"
    ]


def test_it_says_none_are_declared_when_there_are_none(tmp_path: Path) -> None:
    [message] = run(tmp_path, "actions:\n  - {id: go, name: Go, connection: api-key}\n")
    assert message.endswith("(declared: none)")


def test_it_reports_each_repeated_id_once_per_repeat(tmp_path: Path) -> None:
    body = (
        CONNECTIONS
        + "  - {id: api-key, name: Again, auth: basic}\n"
        + ("actions:\n  - {id: go, name: Go}\n  - {id: go, name: Go}\n  - {id: go, name: Go}\n")
    )
    assert run(tmp_path, body) == [
        "manifests/aa.yaml:8:10: connections[2].id: 'api-key' is already the id of "
        "connections[0]; ids must be unique within connections",
        "manifests/aa.yaml:11:10: actions[1].id: 'go' is already the id of actions[0]; "
        "ids must be unique within actions",
        "manifests/aa.yaml:12:10: actions[2].id: 'go' is already the id of actions[0]; "
        "ids must be unique within actions",
    ]
