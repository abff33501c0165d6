"""read_usage: adoption per integration and environment over days, community integrations
apart, integrations seeded but unused, from the marks the platform records (one per workspace,
integration, environment and day)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seeding_suite import remote
from seeding_suite.engine.seeder import RunInfo, Seeder
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from seeding_suite.usage import MAX_DAYS, UsageReport, read_usage
from tests.support.guarded import START_MS, MovableClock
from tests.unit.engine.engine_builders import build

DAY = 86_400_000.0
START = START_MS  # 2026-01-01T00:00:00Z


def deployment() -> tuple[LocalTarget, MovableClock]:
    clock = MovableClock()
    return LocalTarget(seeding_deployment(seed=0, clock=clock)), clock


def use(target: LocalTarget, workspace: str, integration: str, environment: str) -> bool:
    args = {"workspace": workspace, "integration": integration, "environment": environment}
    result = target.mutation(remote.RECORD_INTEGRATION_USAGE, args)
    return bool(result["recorded"])


def seed(target: LocalTarget, *integrations: str) -> None:
    run = RunInfo("run-1", "production", "tester", "0", "c")
    Seeder(target).seed([build(i) for i in integrations], run)


def test_adoption_per_integration_and_environment_over_days() -> None:
    target, clock = deployment()
    for workspace in ("ws-1", "ws-2"):
        use(target, workspace, "stripe", "production")
    use(target, "ws-1", "stripe", "staging")
    clock.now = START + DAY + 3_600_000
    use(target, "ws-1", "stripe", "production")
    use(target, "ws-3", "stripe", "production")
    report = read_usage(target, days=2, now_ms=clock.now)
    assert report.days == ("2026-01-01", "2026-01-02")
    assert report.since_ms == START and report.until_ms == clock.now
    (stripe,) = report.integrations
    assert (stripe.integration, stripe.workspaces, stripe.seeded) == ("stripe", 3, False)
    production, staging = stripe.environments
    assert (production.environment, production.workspaces) == ("production", 3)
    assert [(p.day, p.start_ms, p.workspaces) for p in production.series] == [
        ("2026-01-01", START, 2),
        ("2026-01-02", START + DAY, 2),
    ]
    assert (staging.environment, staging.workspaces) == ("staging", 1)
    assert [(p.day, p.workspaces) for p in staging.series] == [("2026-01-01", 1)]


def test_the_window_leaves_out_older_days() -> None:
    target, clock = deployment()
    use(target, "ws-old", "stripe", "production")
    clock.now = START + 2 * DAY
    use(target, "ws-new", "stripe", "production")
    (stripe,) = read_usage(target, days=2, now_ms=clock.now).integrations
    assert stripe.workspaces == 1
    assert [p.day for p in stripe.environments[0].series] == ["2026-01-03"]
    assert stripe.workspaces == 1
    assert read_usage(target, days=3, now_ms=clock.now).integrations[0].workspaces == 2


def test_a_workspace_marks_a_day_once_however_often_it_uses_it() -> None:
    target, _ = deployment()
    recorded = [use(target, "ws-1", "stripe", "production") for _ in range(50)]
    assert recorded == [True] + [False] * 49
    assert len(target.fake.documents(remote.USAGE_TABLE)) == 1


def test_community_integrations_are_kept_apart_and_unknown_ones_said_so() -> None:
    target, _ = deployment()
    use(target, "ws-1", "stripe", "production")
    use(target, "ws-1", "acme-crm", "production")
    use(target, "ws-2", "mystery", "production")
    trust = {"stripe": "official", "acme-crm": "community"}
    report = read_usage(target, trust=trust, now_ms=START)  # type: ignore[arg-type]
    assert [i.integration for i in report.official()] == ["stripe"]
    assert [i.integration for i in report.community()] == ["acme-crm"]
    assert [i.integration for i in report.uncatalogued()] == ["mystery"]
    assert report.community()[0].trust == "community"


def test_integrations_seeded_but_unused_are_named() -> None:
    target, clock = deployment()
    seed(target, "stripe", "wordpress", "monday")
    use(target, "ws-1", "stripe", "production")
    clock.now = START + 40 * DAY
    use(target, "ws-1", "monday", "staging")
    report = read_usage(target, days=30, now_ms=clock.now)
    assert [i.integration for i in report.unused()] == ["stripe", "wordpress"]
    assert {i.integration: i.seeded for i in report.integrations} == {
        "monday": True,
        "stripe": True,
        "wordpress": True,
    }
    assert report.to_json()["unused"] == ["stripe", "wordpress"]


def test_marks_beyond_one_page_are_all_read() -> None:
    target, _ = deployment()
    for n in range(2 * 1000 + 5):
        use(target, f"ws-{n:05d}", "stripe", "production")
    (stripe,) = read_usage(target, now_ms=START).integrations
    assert stripe.workspaces == 2005
    assert stripe.environments[0].series[0].workspaces == 2005


@pytest.mark.parametrize("days", [0, -1, MAX_DAYS + 1])
def test_a_window_out_of_range_is_refused(days: int) -> None:
    target, _ = deployment()
    with pytest.raises(ValueError, match="days must be in"):
        read_usage(target, days=days)


def test_the_report_is_plain_json() -> None:
    target, _ = deployment()
    seed(target, "wordpress")
    use(target, "ws-1", "stripe", "production")
    report = read_usage(target, trust={"stripe": "official"}, days=1, now_ms=START + 5)
    assert json.loads(json.dumps(report.to_json())) == {
        "sinceMs": START,
        "untilMs": START + 5,
        "days": ["2026-01-01"],
        "integrations": [
            {
                "integration": "stripe",
                "trust": "official",
                "seeded": False,
                "workspaces": 1,
                "environments": [
                    {
                        "environment": "production",
                        "workspaces": 1,
                        "series": [{"day": "2026-01-01", "startMs": START, "workspaces": 1}],
                    }
                ],
            },
            {
                "integration": "wordpress",
                "trust": None,
                "seeded": True,
                "workspaces": 0,
                "environments": [],
            },
        ],
        "unused": ["wordpress"],
    }


NAMES = st.sampled_from(["stripe", "monday", "acme-crm"])
ENVIRONMENTS = st.sampled_from(["production", "staging"])
WORKSPACES = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1)
USES = st.lists(st.tuples(WORKSPACES, NAMES, ENVIRONMENTS, st.integers(0, 9)), max_size=40)


@settings(max_examples=40, deadline=None)
@given(uses=USES, days=st.integers(1, 10))
def test_figures_are_distinct_workspaces_counted_per_day_and_window(
    uses: list[tuple[str, str, str, int]], days: int
) -> None:
    """Whatever the uses (any workspace text, '/' included), the report counts distinct
    workspaces per integration, environment and day, and over the window."""
    target, clock = deployment()
    for workspace, integration, environment, day in sorted(uses, key=lambda u: u[3]):
        clock.now = START + day * DAY + 1000
        use(target, workspace, integration, environment)
    now = START + 9 * DAY + 5
    report: UsageReport = read_usage(target, days=days, now_ms=now)
    seen = [u for u in uses if u[3] >= 10 - days]
    assert [i.integration for i in report.integrations] == sorted({u[1] for u in seen})
    for adoption in report.integrations:
        mine = [u for u in seen if u[1] == adoption.integration]
        assert adoption.workspaces == len({u[0] for u in mine})
        for env in adoption.environments:
            here = [u for u in mine if u[2] == env.environment]
            assert env.workspaces == len({u[0] for u in here})
            expected = {d: len({u[0] for u in here if u[3] == d}) for d in {u[3] for u in here}}
            assert {int((p.start_ms - START) // DAY): p.workspaces for p in env.series} == expected
