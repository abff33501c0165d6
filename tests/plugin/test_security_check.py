"""The `security` check through the plugin, plain and -n 2: errors fail (never seeded),
warnings pass and are listed in the terminal and JUnit, `--sarif` writes valid SARIF 2.1.0."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from seeding_suite.checks import CHECKS
from tests.support.project import Project, manifest
from tests.support.sarif_schema import sarif_errors

if TYPE_CHECKING:
    from pathlib import Path

LEAKY = manifest("leaky", extra="# staging key: AKIA" + "IOSFODNN7EXAMPLE\n")
SECRET_FIELD = "      - name: api_key\n        label: API key\n        secret: true\n"
WARNED = manifest("warned").replace(SECRET_FIELD, SECRET_FIELD + "      - name: password\n")
PASSWORD_LINE = WARNED.splitlines().index("      - name: password") + 1


def test_an_error_fails_the_item_and_the_manifest_is_not_seeded(
    project: Project, mode: list[str]
) -> None:
    project.write("leaky", LEAKY)
    project.write("core", manifest("core"))
    run = project.run(*mode)
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    out = run.result.stdout.str()
    assert (
        "manifests/leaky.yaml:31:16: error [secrets.key-format] AWS Access Key (AKIA…) in a "
        "comment" in out
    )
    assert run.cases("security")["leaky"].find("failure") is not None
    assert run.cases("security")["core"].find("failure") is None
    seeded = project.state()
    assert "core" in seeded and "leaky" not in seeded
    assert "IOSFODNN7EXAMPLE" not in out


def test_a_warning_passes_and_is_reported_in_the_terminal_and_junit(
    project: Project, mode: list[str]
) -> None:
    project.write("warned", WARNED)
    run = project.run(*mode)
    assert run.result.ret == pytest.ExitCode.OK, run.result.stdout.str()
    lines = run.result.stdout.lines
    section = next(i for i, line in enumerate(lines) if "security findings (not failing)" in line)
    assert lines[section + 1].startswith(
        f"manifests/warned.yaml:{PASSWORD_LINE}:15: connections[0].fields[1].name: warning "
        "[connections.unmarked-secret] field 'password' looks like a credential"
    )
    assert "connections.unmarked-secret" in run.props("security", "warned")["security"]
    assert "warned" in project.state()


def test_sarif_holds_every_finding_and_validates_against_the_schema(
    project: Project, mode: list[str], tmp_path: Path
) -> None:
    project.write("leaky", LEAKY)
    project.write("warned", WARNED)
    sarif = tmp_path / "out" / "run.sarif"
    run = project.run(*mode, f"--sarif={sarif}")
    run.result.stdout.fnmatch_lines([f"*SARIF written to {sarif}*"])
    document = json.loads(sarif.read_text(encoding="utf-8"))
    assert sarif_errors(document) == []
    results = document["runs"][0]["results"]
    found = {
        (r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
        for r in results
    }
    assert found == {
        ("secrets.key-format", "error", "manifests/leaky.yaml"),
        ("connections.unmarked-secret", "warning", "manifests/warned.yaml"),
    }
    leak = next(r for r in results if r["ruleId"] == "secrets.key-format")
    region = leak["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == LEAKY.count("\n")
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert rules[leak["ruleIndex"]]["id"] == "secrets.key-format"


def test_a_stale_exemption_is_reported_and_a_used_one_silences(
    project: Project, mode: list[str], tmp_path: Path
) -> None:
    project.write("warned", WARNED)
    (project.pytester.path / "security-exemptions.toml").write_text(
        '[[exemption]]\nid = "warned"\nrule = "connections"\nreason = "a demo field"\n'
        'approved_by = "sec@acme.example"\n\n'
        '[[exemption]]\nid = "removed-long-ago"\nrule = "urls"\nreason = "old"\n',
        encoding="utf-8",
    )
    sarif = tmp_path / "run.sarif"
    run = project.run(*mode, f"--sarif={sarif}")
    assert run.result.ret == pytest.ExitCode.OK
    assert (
        "security-exemptions.toml:7: warning [exemptions.stale] exemption of urls for "
        "removed-long-ago matches no finding" in run.result.stdout.str()
    )
    assert "unmarked-secret" not in run.result.stdout.str()
    document = json.loads(sarif.read_text(encoding="utf-8"))
    assert sarif_errors(document) == []
    results = {r["ruleId"]: r for r in document["runs"][0]["results"]}
    assert sorted(results) == ["connections.unmarked-secret", "exemptions.stale"]
    assert "suppressions" not in results["exemptions.stale"]
    # The exempted finding is kept, suppressed with the exemption's reason and place.
    exempted = results["connections.unmarked-secret"]
    assert exempted["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "manifests/warned.yaml"
    )
    assert exempted["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "a demo field",
            "location": {
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": "security-exemptions.toml",
                        "uriBaseId": "%SRCROOT%",
                    },
                    "region": {"startLine": 1},
                }
            },
            "properties": {"approvedBy": "sec@acme.example"},
        }
    ]


def test_an_exemption_without_a_reason_stops_the_run(project: Project) -> None:
    project.write("warned", WARNED)
    (project.pytester.path / "security-exemptions.toml").write_text(
        '[[exemption]]\nid = "warned"\nrule = "connections"\n', encoding="utf-8"
    )
    run = project.run()
    assert run.result.ret == pytest.ExitCode.USAGE_ERROR
    assert "exemption needs a non-empty 'reason'" in run.result.stderr.str()


def test_a_pass_with_warnings_is_never_reused_so_they_show_every_run(project: Project) -> None:
    project.write("warned", WARNED)
    project.write("core", manifest("core"))
    assert project.run("-m", "not seed").result.ret == pytest.ExitCode.OK
    again = project.run("-m", "not seed")
    reused = int(again.suite_props()["checks_reused"])
    assert reused == 2 * len(CHECKS) - 1  # all but warned's security
    assert "connections.unmarked-secret" in again.props("security", "warned")["security"]


SOURCE_ALLOWLIST = """
[tool.seeding_suite.security]
allowed_hosts = ["api.stripe.com", "json-schema.org"]

[[tool.seeding_suite.sources]]
name = "community"
kind = "folder"
path = "community"
trust = "community"
allowed_hosts = ["api.acme.example"]
"""


def _linking(mid: str, url: str) -> str:
    text = manifest(mid)
    old = f"description: The {mid} integration."
    assert old in text
    return text.replace(old, f"description: 'The {mid} integration; docs: {url}'")


def test_a_sources_allowed_hosts_apply_to_its_own_manifests_only(
    project: Project, mode: list[str]
) -> None:
    pyproject = project.pytester.path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + SOURCE_ALLOWLIST, encoding="utf-8")
    community = project.pytester.path / "community"
    community.mkdir()
    (community / "acme-ok.yaml").write_text(
        _linking("acme-ok", "https://api.acme.example/v1"), encoding="utf-8"
    )
    (community / "acme-off.yaml").write_text(
        _linking("acme-off", "https://tracker.example/v1"), encoding="utf-8"
    )
    project.write("official", _linking("official", "https://api.acme.example/v1"))
    run = project.run(*mode)
    cases = {
        tc.get("classname", ""): tc
        for tc in run.xml.iter("testcase")
        if tc.get("name") == "security"
    }
    by_file = {name.rsplit(".", 2)[-2]: case for name, case in cases.items()}
    assert by_file["acme-ok"].find("failure") is None, run.result.stdout.str()
    off = by_file["acme-off"].find("failure")
    assert off is not None and "urls.off-allowlist" in (off.text or "") + off.get("message", "")
    official = run.props("security", "official")
    assert by_file["official"].find("failure") is None
    assert "urls.off-allowlist" in official["security"]  # the community list is not its own
