"""A secret in a manifest never reaches the report, its summary or its annotations."""

from __future__ import annotations

from pathlib import Path

import pytest

from seeding_suite.cli import main
from tests.support.project import Project, manifest

KEY = "AKIA" + "IOSFODNN7EXAMPLE"  # split: the repository's own scanners stay quiet


def test_a_leaked_key_is_reported_masked_everywhere(
    project: Project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project.write("core", manifest("core"))
    project.write("leaky", manifest("leaky", extra=f"# staging key: {KEY}\n"))
    run = project.run(f"--junitxml={project.pytester.path / 'reports/seeding-1.xml'}")
    assert run.result.ret == 1
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    capsys.readouterr()
    outputs = []
    for kind in ("html", "markdown", "json"):
        out = tmp_path / f"report.{kind}"
        assert (
            main(
                [
                    "report",
                    str(project.pytester.path / "reports"),
                    "--format",
                    kind,
                    "--output",
                    str(out),
                ]
            )
            == 0
        )
        outputs.append(out.read_text(encoding="utf-8"))
    annotations = capsys.readouterr().out
    assert annotations.count("::error file=manifests/leaky.yaml,line=") == 3
    for text in [*outputs, annotations]:
        # the finding is there, masked as the check masks it (the page's JSON spells … \u2026)
        assert "AKIA…" in text or "AKIA\\u2026" in text
        assert KEY not in text and KEY[4:] not in text
