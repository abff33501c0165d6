"""`seeding-suite usage`: adoption from the embedded target, trust from the project's sources
(official and community apart), and what is seeded but unused."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from seeding_suite import remote
from seeding_suite.cli import main
from seeding_suite.engine.seeder import RunInfo, Seeder
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.support.minisign import OwnKey
from tests.support.project import community_pyproject, manifest
from tests.unit.engine.engine_builders import build

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    pyproject = community_pyproject(OwnKey.generate().public)
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    for folder, mid in (("manifests", "core"), ("community", "acme-crm")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / f"{mid}.yaml").write_text(manifest(mid), encoding="utf-8")
    target = LocalTarget(seeding_deployment(tmp_path / "local.sqlite3"))
    Seeder(target).seed(
        [build("core"), build("wordpress")], RunInfo("r1", "production", "t", "0", "c")
    )
    for workspace, integration in (("ws-1", "core"), ("ws-2", "core"), ("ws-2", "acme-crm")):
        args = {"workspace": workspace, "integration": integration, "environment": "production"}
        target.mutation(remote.RECORD_INTEGRATION_USAGE, args)
    target.close()
    return tmp_path


def test_usage_json_keeps_community_apart_and_names_unused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["usage", "--json", "--db", "local.sqlite3", "--days", "1"]) == 0
    report = json.loads(capsys.readouterr().out)
    found = {
        i["integration"]: (i["trust"], i["seeded"], i["workspaces"]) for i in report["integrations"]
    }
    assert found == {
        "acme-crm": ("community", False, 1),
        "core": ("official", True, 2),
        "wordpress": (None, True, 0),
    }
    assert report["unused"] == ["wordpress"] and len(report["days"]) == 1


def test_usage_text_groups_by_trust(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["usage", "--db", "local.sqlite3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("usage from ") and lines[0].endswith("(UTC, 30 day(s))")
    assert lines[1] == "official:"
    assert lines[2].split() == ["core", "2", "workspace(s)", "production", "2"]
    assert lines[3] == "community:"
    assert lines[4].split() == [
        "acme-crm",
        "1",
        "workspace(s)",
        "production",
        "1",
        "(not",
        "seeded",
        "here)",
    ]
    assert lines[5] == "seeded but unused: wordpress"


def test_usage_refuses_a_window_out_of_range(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["usage", "--db", "local.sqlite3", "--days", "0"])
    assert exit_info.value.code == 2
    assert "--days" in capsys.readouterr().err


def test_usage_of_a_missing_store_is_an_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["usage", "--db", "absent.sqlite3"]) == 2
    assert "absent.sqlite3" in capsys.readouterr().err
    assert not (project / "absent.sqlite3").exists()
