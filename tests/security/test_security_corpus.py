"""The hostile corpus: real-shaped manifests (one per rule, several combining rules), each
caught by the right rules at the right lines (tests/security/expectations.json).

Credentials are not in the files: `<<stripe>>`-style placeholders are replaced at run time
with strings of the real formats, so no key-shaped string is committed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seeding_suite.security.model import Identity
from tests.unit.security.scanning import OFFICIALS, scan_text

HERE = Path(__file__).parent
EXPECTATIONS: dict[str, dict[str, object]] = json.loads(
    (HERE / "expectations.json").read_text(encoding="utf-8")
)
PLACEHOLDERS = {
    "<<stripe>>": "sk_live_" + "51HxYzQ2eZvKYlo2CkY7mP0q",
    "<<aws>>": "AKIA" + "Q3EGRHJ5LMNOPQRS",
    "<<random>>": "'q7Zx2Lw9Rk4Tm8Vb3Nc6Jd1Hf5Gs0Pa'",
    "<<jwt>>": "eyJhbGciOiJIUzI1NiJ9."
    + "eyJzdWIiOiJib2IifQ.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU",
}
CORPUS_OFFICIALS = (*OFFICIALS, Identity("hubspot", "HubSpot"))


def corpus_text(name: str) -> str:
    text = (HERE / "corpus" / name).read_text(encoding="utf-8")
    for placeholder, value in PLACEHOLDERS.items():
        text = text.replace(placeholder, value)
    return text


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_each_hostile_manifest_is_caught_by_the_right_rules_at_the_right_lines(
    tmp_path: Path, name: str
) -> None:
    expected = EXPECTATIONS[name]
    findings = scan_text(
        tmp_path,
        corpus_text(name),
        trust=expected["trust"],  # type: ignore[arg-type]
        officials=CORPUS_OFFICIALS,
        name=name,
    )
    found = sorted({(f.rule, f.line) for f in findings}, key=lambda p: (p[1] or 0, p[0] or ""))
    assert [list(pair) for pair in found] == expected["caught"]
    assert all(f.file == f"manifests/{name}" and f.message for f in findings)
    for secret in PLACEHOLDERS.values():
        assert all(secret.strip("'") not in f.render() for f in findings)


def test_every_corpus_file_has_expectations_and_every_rule_is_exercised() -> None:
    assert sorted(p.name for p in (HERE / "corpus").glob("*.yaml")) == sorted(EXPECTATIONS)
    caught = {rule.partition(".")[0] for e in EXPECTATIONS.values() for rule, _ in e["caught"]}  # type: ignore[attr-defined]
    assert caught == {
        "secrets",
        "urls",
        "markup",
        "unicode",
        "impersonation",
        "resources",
        "payloads",
        "connections",
    }
