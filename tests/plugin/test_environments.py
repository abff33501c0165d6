"""Environment policies end to end: each --seed-env seeds exactly its policy's set."""

from __future__ import annotations

import pytest

from fakes.convex import FakeConvex
from seeding_suite.targets.local import seeding_deployment
from tests.support.project import Project, manifest

ALL = {
    "wordpress",
    "stripe",
    "monday",
    "webhooks-core",
    "http-core",
    "beta-slack",
    "experimental-openai",
}


def dep(*ids: str) -> str:
    return "".join(f"  - {i}\n" for i in ids)


def platform(project: Project) -> None:
    project.write("webhooks-core", manifest("webhooks-core", "1.0.0"))
    project.write("http-core", manifest("http-core", "1.1.0"))
    project.write("wordpress", manifest("wordpress", "3.0.0", deps=dep("webhooks-core")))
    project.write("stripe", manifest("stripe", "2.3.0", deps=dep("webhooks-core", "http-core")))
    project.write("monday", manifest("monday", "1.4.0", deps=dep("http-core")))
    project.write("beta-slack", manifest("beta-slack", "0.3.0", extra="channel: beta\n"))
    project.write(
        "experimental-openai",
        manifest("experimental-openai", "0.1.0", extra="channel: experimental\n"),
    )


@pytest.mark.parametrize(
    ("env", "expected", "skipped"),
    [
        ("development", ALL, {}),
        (
            "staging",
            ALL - {"beta-slack", "experimental-openai"},
            {
                "beta-slack": "not seeded: not allowed in staging "
                "(allow: wordpress, stripe, monday, webhooks-core, http-core)",
                "experimental-openai": "not seeded: blocked in staging by 'experimental-*'",
            },
        ),
        (
            "production",
            {"wordpress", "stripe", "webhooks-core", "http-core"},
            {"beta-slack": "not seeded: blocked in production by 'beta-*'"},
        ),
    ],
)
def test_each_environment_gets_exactly_its_policy(
    project: Project, mode: list[str], env: str, expected: set[str], skipped: dict[str, str]
) -> None:
    platform(project)
    run = project.run(*mode, "--seed-env", env, "--confirm-production")
    assert run.result.ret == pytest.ExitCode.OK, run.result.stdout.str()
    assert set(project.state()) == expected
    for integration, reason in skipped.items():
        assert run.props("seed", integration)["reason"] == reason
    assert run.suite_props()["environment"] == env


def test_a_dependency_filtered_out_fails_the_dependent_in_its_dependencies_check(
    project: Project, mode: list[str]
) -> None:
    platform(project)
    project.pytester.makefile(
        ".toml",
        pyproject='[tool.pytest.ini_options]\ntestpaths = ["manifests"]\njunit_family = "xunit1"\n'
        '[tool.seeding_suite.environments.production]\nallow = ["monday"]\n',
    )
    run = project.run(*mode, "--seed-env", "production", "--confirm-production")
    failure = run.cases("dependencies")["monday"].find("failure")
    assert failure is not None
    assert "manifests/monday.yaml:" in (
        failure.text or ""
    ) and "dependencies[0]: dependency http-core is filtered out: not allowed in production" in (
        failure.text or ""
    )
    assert run.props("seed", "monday")["action"] == "skipped"
    assert project.state() == {}


def test_the_manifest_environments_and_channel_narrow_further(project: Project) -> None:
    project.write("stripe", manifest("stripe", extra="environments: [development]\n"))
    project.write("beta-x", manifest("beta-x", extra="channel: beta\n"))
    project.pytester.makefile(
        ".toml",
        pyproject='[tool.pytest.ini_options]\ntestpaths = ["manifests"]\njunit_family = "xunit1"\n'
        '[tool.seeding_suite.environments.staging]\nallow = ["*"]\nchannels = ["stable"]\n',
    )
    run = project.run("--seed-env", "staging")
    assert run.props("seed", "stripe")["reason"] == (
        "not seeded: the manifest's environments (development) exclude staging"
    )
    assert run.props("seed", "beta-x")["reason"] == (
        "not seeded: channel beta is not allowed in staging (stable)"
    )


FLAGGED = """  - id: new-thing
    name: A new thing
    flag: newThings
    connection: api-key
"""


def test_feature_flags_gate_parts_of_an_integration(project: Project, mode: list[str]) -> None:
    text = manifest("stripe").replace(
        "triggers:\n", FLAGGED.replace("  - id", "  - id", 1) + "triggers:\n", 1
    )
    text = text.replace("actions:\n", "actions:\n" + FLAGGED, 1).replace(
        FLAGGED + "triggers:", "triggers:"
    )
    project.write("stripe", text)
    project.pytester.makefile(
        ".toml",
        pyproject='[tool.pytest.ini_options]\ntestpaths = ["manifests"]\njunit_family = "xunit1"\n'
        "[tool.seeding_suite.environments.development]\nflags = {newThings = true, "
        "experimentalFeatures = true}\n",
    )
    on = project.run(*mode)
    assert on.props("seed", "stripe")["documents_created"] == "6"
    off = project.run(*mode, "--seed-env", "staging", "--seeding-db", "staging.sqlite3")
    assert off.props("seed", "stripe")["documents_created"] == "5"


def test_production_needs_confirmation_and_the_exit_code_says_it_did_not_seed(
    project: Project, mode: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    platform(project)
    run = project.run(*mode, "--seed-env", "production")
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    assert "needs --confirm-production" in run.props("seed", "stripe")["reason"]
    run.result.stdout.fnmatch_lines(["*NOT SEEDED: seeding production needs --confirm-production*"])
    assert project.state() == {}
    monkeypatch.setenv("SEEDING_CONFIRM_PRODUCTION", "1")
    assert project.run(*mode, "--seed-env", "production").result.ret == pytest.ExitCode.OK
    assert "stripe" in project.state()


def edit_by_hand(db: object, natural_key: str) -> None:
    fake: FakeConvex = seeding_deployment(db)  # type: ignore[arg-type]
    [row] = [d for d in fake.documents("actions") if d["naturalKey"] == natural_key]
    fake.register(
        "hand:edit", "mutation", lambda ctx, args: ctx.db.patch(row["_id"], {"name": "x"})
    )
    fake.mutation("hand:edit", {})
    fake.close()


def test_full_strategy_rewrites_rows_edited_by_hand_incremental_does_not(project: Project) -> None:
    project.write("stripe", manifest("stripe"))
    project.pytester.makefile(
        ".toml",
        pyproject='[tool.pytest.ini_options]\ntestpaths = ["manifests"]\njunit_family = "xunit1"\n'
        '[tool.seeding_suite.environments.staging]\nallow = ["*"]\n',
    )
    project.run()
    edit_by_hand(project.pytester.path / ".seeding/local.sqlite3", "stripe/do-thing")
    incremental = project.run("--seed-env", "staging")
    assert incremental.props("seed", "stripe")["action"] == "unchanged"
    full = project.run("--seed-env", "development")
    props = full.props("seed", "stripe")
    assert (props["action"], props["documents_updated"]) == ("updated", "1")


def test_an_unknown_environment_is_a_usage_error(project: Project) -> None:
    project.write("stripe", manifest("stripe"))
    result = project.pytester.runpytest("--seed-env", "prod")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*unknown environment 'prod'; configured: development*"])


def test_selective_strategy_seeds_only_what_the_policy_or_integrations_names(
    project: Project,
) -> None:
    platform(project)
    project.pytester.makefile(
        ".toml",
        pyproject='[tool.pytest.ini_options]\ntestpaths = ["manifests"]\njunit_family = "xunit1"\n'
        '[tool.seeding_suite.environments.qa]\nallow = ["webhooks-core", "wordpress", "*-core"]\n'
        'strategy = "selective"\n',
    )
    run = project.run("--seed-env", "qa")
    assert set(project.state()) == {"webhooks-core", "wordpress"}
    assert run.props("seed", "http-core")["reason"] == (
        "not seeded: not selected by the selective strategy of qa"
    )
    named = project.run("--seed-env", "qa", "--integrations", "http-core")
    assert named.props("seed", "http-core")["action"] == "created"
    assert (
        named.props("seed", "wordpress")["reason"] == "not seeded: not selected by --integrations"
    )
