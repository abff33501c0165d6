"""The adoption panel: usage the platform recorded in the target (seeding_suite.usage), per
integration and environment, apart by trust, and what is seeded but unused."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from seeding_suite import remote
from seeding_suite.cli import main
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.support.project import Project, three_integrations

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
