"""`seeding-suite validate --sarif FILE`: the same findings as a pytest run, as SARIF 2.1.0;
warnings listed under an ok manifest; community manifests judged by their source's trust."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from seeding_suite.cli import main
from tests.support.project import PYPROJECT, manifest
from tests.support.sarif_schema import sarif_errors

if TYPE_CHECKING:
    from pathlib import Path

COMMUNITY = """
[[tool.seeding_suite.sources]]
name = "community"
kind = "folder"
path = "community"
trust = "community"
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SEEDING_ENV", raising=False)
    (tmp_path / "pyproject.toml").write_text(PYPROJECT + COMMUNITY, encoding="utf-8")
    for folder in ("manifests", "community"):
        (tmp_path / folder).mkdir()
    (tmp_path / "manifests" / "stripe.yaml").write_text(manifest("stripe"), encoding="utf-8")
    lookalike = manifest("stirpe").replace("name: Stirpe", "name: Stripe Payments")
    (tmp_path / "community" / "stirpe.yaml").write_text(lookalike, encoding="utf-8")
    return tmp_path


def test_validate_writes_sarif_that_validates_and_names_each_finding(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "manifests" / "stripe.yaml").write_text(
        manifest("stripe").replace(
            "description: The stripe integration.", "description: http://x.example"
        ),
        encoding="utf-8",
    )
    code = main(["validate", "--sarif", "out/validate.sarif"])
    out = capsys.readouterr().out
    assert code == 1
    assert "  [security] community/stirpe.yaml:2:5: id: error [impersonation.lookalike]" in out
    document = json.loads((project / "out" / "validate.sarif").read_text(encoding="utf-8"))
    assert sarif_errors(document) == []
    results = {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
        for r in document["runs"][0]["results"]
    }
    # Unsigned community manifests also fail the signature check: its findings are there too.
    assert {r for r in results if r[0] != "signature"} == {
        ("urls.scheme", "manifests/stripe.yaml"),
        ("impersonation.lookalike", "community/stirpe.yaml"),
    }


def test_the_same_manifest_is_a_warning_when_official_and_an_error_when_community(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "community" / "stirpe.yaml").unlink()
    unmarked = "".join(
        line for line in manifest("acme").splitlines(keepends=True) if "secret: true" not in line
    )
    (project / "manifests" / "acme.yaml").write_text(unmarked, encoding="utf-8")
    assert main(["validate"]) == 0
    assert "acme (manifests/acme.yaml): ok, 1 warning" in capsys.readouterr().out
    (project / "manifests" / "acme.yaml").rename(project / "community" / "acme.yaml")
    assert main(["validate"]) == 1
    assert (
        "  [security] community/acme.yaml:11:15: connections[0].fields[0].name: error "
        "[connections.unmarked-secret]" in capsys.readouterr().out
    )


def test_an_exempted_error_passes_is_not_listed_and_is_suppressed_in_sarif(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "community" / "stirpe.yaml").unlink()
    (project / "manifests" / "stripe.yaml").write_text(
        manifest("stripe").replace(
            "description: The stripe integration.", "description: http://x.example"
        ),
        encoding="utf-8",
    )
    (project / "security-exemptions.toml").write_text(
        '[[exemption]]\nid = "stripe"\nrule = "urls.scheme"\nreason = "legacy docs host"\n',
        encoding="utf-8",
    )
    assert main(["validate", "--sarif", "out.sarif"]) == 0
    out = capsys.readouterr().out
    assert "stripe (manifests/stripe.yaml): ok\n" in out
    assert "urls.scheme" not in out
    document = json.loads((project / "out.sarif").read_text(encoding="utf-8"))
    assert sarif_errors(document) == []
    (result,) = document["runs"][0]["results"]
    assert result["ruleId"] == "urls.scheme"
    assert result["level"] == "error"
    assert result["suppressions"][0]["justification"] == "legacy docs host"
    assert result["suppressions"][0]["kind"] == "external"
