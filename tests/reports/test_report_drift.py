"""`report --drift`: the engine's drift of the target against the catalog, in the report and
as an alert."""

from __future__ import annotations

import json

import pytest

from seeding_suite.cli import main
from tests.support.project import DEPS_ON_CORE, Project, manifest, three_integrations


def test_drift_panel_and_alert(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    three_integrations(project)
    assert project.run().result.ret == 0
    db = str(project.pytester.path / ".seeding/local.sqlite3")
    capsys.readouterr()
    args = ["report", "audit.xml", "--db", db, "--drift", "--fail-on", "drift"]
    assert main([*args, "--format", "json"]) == 0  # in sync
    assert json.loads(capsys.readouterr().out)["drift"]["differences"] == []
    project.write("stripe", manifest("stripe", "2.4.0", deps=DEPS_ON_CORE))  # not seeded
    assert main(["drift", "--db", db]) == 1
    said = capsys.readouterr().out.splitlines()[:-1]  # what `drift` prints, less its total
    assert main([*args, "--format", "json"]) == 1
    captured = capsys.readouterr()
    drift = json.loads(captured.out)["drift"]
    assert "\n".join(drift["lines"]).splitlines() == said  # one rendering, two commands
    count = len(drift["differences"])
    assert count == len(drift["lines"]) > 0
    assert f"alert: drift: the target differs from the catalog ({count} difference(s))" in (
        captured.err
    )
