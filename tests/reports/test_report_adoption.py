"""What a target adds to the report: the adoption panel (usage the platform recorded,
seeding_suite.usage: per integration and environment, apart by trust, seeded but unused), and
the status matrix's rollout percent and trust."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from seeding_suite import remote
from seeding_suite.cli import main
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.support.project import DEPS_ON_CORE, Project, manifest, three_integrations
from tests.support.rollouts import ROLLOUT_BLOCK

USES = [  # (workspace, integration, environment)
    ("ws-1", "stripe", "production"),
    ("ws-2", "stripe", "production"),
    ("ws-1", "stripe", "staging"),
    ("ws-3", "acme-ext", "production"),  # used, but in no catalog here
]


def test_adoption_from_the_targets_usage_marks(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    three_integrations(project)
    assert project.run().result.ret == 0
    db = project.pytester.path / ".seeding/local.sqlite3"
    target = LocalTarget(seeding_deployment(db))
    try:
        for workspace, integration, environment in USES:
            args = {"workspace": workspace, "integration": integration, "environment": environment}
            target.mutation(remote.RECORD_INTEGRATION_USAGE, args)
    finally:
        target.close()
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    capsys.readouterr()
    assert main(["report", "--db", str(db), "--format", "json", "--usage-days", "3"]) == 0
    panel = json.loads(capsys.readouterr().out)["adoption"]
    assert panel["unused"] == ["core", "monday"]
    rows = {(r["integration"], r["environment"]): r for r in panel["rows"]}
    assert (
        rows[("stripe", "production")]["workspaces"],
        rows[("stripe", "staging")]["workspaces"],
    ) == (2, 1)
    assert rows[("stripe", "production")]["last_used"] == today
    assert rows[("acme-ext", "production")]["trust"] == "unknown"
    assert rows[("core", "")]["seeded"] is True and rows[("core", "")]["workspaces"] == 0
    assert panel["per_day"]["official"]["production"][-1] == [today, 2.0]
    assert panel["per_day"]["unknown"]["production"][-1] == [today, 1.0]  # apart from official
    assert len(panel["days"]) == 3

    page = project.pytester.path / "report.html"
    assert main(["report", "--db", str(db), "--output", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    chart = html.split('id="chart-adoption-official"', 1)[1].split("</svg>", 1)[0]
    points = re.findall(r'data-series="([^"]+)"|data-day="([^"]+)" data-value="([^"]+)"', chart)
    assert ("", today, "2") in points and ("", today, "1") in points  # production, staging
    assert 'id="adoption-unused">core, monday<' in html


def test_no_target_no_adoption_panel(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    three_integrations(project)
    project.run()
    capsys.readouterr()
    assert main(["report", "audit.xml", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["adoption"] is None


def test_matrix_cells_show_rollout_percent_and_trust(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """With a target, a cell says what its rollout serves there, and a column the trust."""
    three_integrations(project)
    project.write("stripe", manifest("stripe", "2.3.0", deps=DEPS_ON_CORE) + ROLLOUT_BLOCK)
    assert project.run().result.ret == 0
    db = str(project.pytester.path / ".seeding/local.sqlite3")
    capsys.readouterr()
    assert main(["report", "audit.xml", "--db", db, "--format", "json"]) == 0
    matrix = json.loads(capsys.readouterr().out)["matrix"]
    cells = matrix["cells"]
    assert cells["stripe"]["development"]["rollout"] == 5  # the first step
    assert cells["monday"]["development"]["rollout"] is None
    assert matrix["trust"] == {"core": "official", "monday": "official", "stripe": "official"}
    page = project.pytester.path / "report.html"
    assert main(["report", "audit.xml", "--db", db, "--output", str(page)]) == 0
    data = page.read_text(encoding="utf-8").split('id="report-data">', 1)[1].split("</script>")[0]
    table = json.loads(data)["matrix"]
    assert table["columns"] == ["integration", "trust", "development"]
    rows = {row[0]: row for row in table["rows"]}
    assert rows["stripe"][1] == "official" and rows["stripe"][2][-1] == 5
    assert len(rows["monday"][2]) == 3  # no rollout, no percent
