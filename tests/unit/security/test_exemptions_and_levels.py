"""Exemptions (reason required, stale ones reported) and severities per trust level."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from seeding_suite.errors import ConfigurationError
from seeding_suite.findings import Exempted
from seeding_suite.security.exemptions import load_exemptions
from seeding_suite.security.scan import unknown_ids
from seeding_suite.security.settings import SecuritySettings, load_security_settings
from tests.unit.security.scanning import scan_text

if TYPE_CHECKING:
    from pathlib import Path

HEAD = "manifest_version: 1\nid: acme-crm\nname: Acme CRM\nversion: 1.0.0\n"
HTTP = HEAD + "description: see http://acme.example/docs\n"
UNMARKED = HEAD + (
    "connections:\n- id: b\n  name: B\n  auth: basic\n  fields:\n  - {name: password}\n"
)


def settings_with(tmp_path: Path, exemptions: str, table: str = "") -> SecuritySettings:
    (tmp_path / "security-exemptions.toml").write_text(exemptions, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        f"[tool.seeding_suite.security]\n{table}", encoding="utf-8"
    )
    return load_security_settings(tmp_path)


def test_an_exemption_with_a_reason_silences_its_rule_for_its_integration(tmp_path: Path) -> None:
    settings = settings_with(
        tmp_path,
        '[[exemption]]\nid = "acme-crm"\nrule = "urls.scheme"\nfield = "description"\n'
        'reason = "the vendor serves docs over http only"\napproved_by = "sec"\n',
    )
    (finding,) = scan_text(tmp_path, HTTP, settings=settings)
    # Kept as an exempted finding (SARIF writes it suppressed), never a live one.
    assert finding.rule == "urls.scheme"
    assert finding.exempted == Exempted(
        "the vendor serves docs over http only", "sec", "security-exemptions.toml", 1
    )
    other = HTTP.replace("id: acme-crm", "id: other-crm")
    found = scan_text(tmp_path, other, settings=settings)
    assert [(f.rule, f.exempted) for f in found] == [("urls.scheme", None)]


def test_an_exemption_that_matches_nothing_is_reported_at_its_line(tmp_path: Path) -> None:
    settings = settings_with(
        tmp_path,
        '# reviewed\n[[exemption]]\nid = "acme-crm"\nrule = "urls"\nreason = "ok"\n\n'
        '[[exemption]]\nid = "acme-crm"\nrule = "markup"\nreason = "was fixed"\n',
    )
    findings = [f for f in scan_text(tmp_path, HTTP, settings=settings) if f.exempted is None]
    assert [(f.rule, f.file, f.line, f.severity) for f in findings] == [
        ("exemptions.stale", "security-exemptions.toml", 7, "warning")
    ]
    assert "exemption of markup for acme-crm matches no finding" in findings[0].message


def test_an_exemption_for_an_integration_not_in_the_catalog_is_stale(tmp_path: Path) -> None:
    settings = settings_with(
        tmp_path, '[[exemption]]\nid = "gone"\nrule = "urls"\nreason = "old"\n'
    )
    stale = unknown_ids(settings.exemptions, {"acme-crm"})
    assert [(f.rule, f.line) for f in stale] == [("exemptions.stale", 1)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[exemption]]\nid = "a"\nrule = "urls"\n',
            "security-exemptions.toml:1: exemption needs a non-empty 'reason'",
        ),
        ('[[exemption]]\nid = "a"\nrule = "urls"\nreason = "  "\n', "non-empty 'reason'"),
        ('[[exemption]]\nid = "a"\nrule = "urls"\nreason = "x"\nwhy = "y"\n', "unknown key 'why'"),
        ("[exemptions]\n", "unknown table 'exemptions'"),
        ("[[exemption]\n", "cannot read the exemptions"),
    ],
)
def test_a_malformed_exemption_stops_the_run_naming_it(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "security-exemptions.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigurationError, match=message.replace("(", r"\(")):
        load_exemptions(path, tmp_path)


def test_community_manifests_get_stricter_severities_by_default(tmp_path: Path) -> None:
    official = scan_text(tmp_path, UNMARKED)
    community = scan_text(tmp_path, UNMARKED, trust="community")
    assert [f.severity for f in official] == ["warning"]
    assert [f.severity for f in community] == ["error"]


def test_severities_are_configurable_per_trust_level_by_rule_or_sub_rule(tmp_path: Path) -> None:
    settings = settings_with(
        tmp_path,
        "",
        '[tool.seeding_suite.security.official]\n"connections" = "error"\n'
        '[tool.seeding_suite.security.community]\n"connections.unmarked-secret" = "off"\n',
    )
    assert [f.severity for f in scan_text(tmp_path, UNMARKED, settings=settings)] == ["error"]
    assert scan_text(tmp_path, UNMARKED, trust="community", settings=settings) == []


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[tool.seeding_suite.security.community]\n"urls" = "fatal"\n', "must be one of"),
        ('[tool.seeding_suite.security.community]\n"nope" = "error"\n', "unknown rule 'nope'"),
        ("max_enum = 0\n", "max_enum must be a whole number"),
        ('allowed_hosts = "x"\n', "allowed_hosts must be a list"),
        ('denylist = "missing.txt"\n', "denylist"),
    ],
)
def test_a_bad_security_setting_is_a_configuration_error(
    tmp_path: Path, table: str, message: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f"[tool.seeding_suite.security]\n{table}", encoding="utf-8"
    )
    with pytest.raises(ConfigurationError, match=message):
        load_security_settings(tmp_path)


def test_a_denylist_in_hosts_format_and_an_allowlist_judge_hosts(tmp_path: Path) -> None:
    (tmp_path / "feed.txt").write_text(
        "# a threat feed\n0.0.0.0 evil.example\nbad.example\n", encoding="utf-8"
    )
    settings = settings_with(
        tmp_path, "", 'denylist = "feed.txt"\nallowed_hosts = ["acme.example"]\n'
    )
    text = HEAD + (
        "description: 'https://cdn.evil.example/x https://api.acme.example/ https://other.example/'\n"
    )
    found = scan_text(tmp_path, text, settings=settings)
    assert [(f.rule, f.severity) for f in found] == [
        ("urls.denylisted", "error"),
        ("urls.off-allowlist", "warning"),
    ]
    community = scan_text(tmp_path, text, settings=settings, trust="community")
    assert [(f.rule, f.severity) for f in community] == [
        ("urls.denylisted", "error"),
        ("urls.off-allowlist", "error"),
    ]


def test_a_community_copy_with_an_official_id_is_left_to_on_conflict(tmp_path: Path) -> None:
    same = HEAD.replace("id: acme-crm", "id: stripe").replace("name: Acme CRM", "name: Stripe")
    assert scan_text(tmp_path, same, trust="community") == []
    lookalike = same.replace("id: stripe", "id: stripe-pay")
    assert [f.rule for f in scan_text(tmp_path, lookalike, trust="community")] == [
        "impersonation.lookalike",
        "impersonation.lookalike",
    ]
