"""`seeding-suite report`: formats, refusals, alerts and annotations, on real-shaped logs."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from seeding_suite.cli import main
from tests.support.project import Project
from tests.support.report_history import HOSTILE, real_runs, synthesise


@pytest.fixture
def logs(project: Project, tmp_path: Path) -> tuple[Path, object]:
    folder = tmp_path / "logs"
    folder.mkdir()
    _, expected = synthesise(real_runs(project), folder, 12)
    return folder, expected


def test_markdown_and_json_say_what_the_latest_run_did(
    logs: tuple[Path, object], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, expected = logs
    latest = expected.latest  # type: ignore[attr-defined]
    assert main(["report", str(folder), "--format", "markdown"]) == 0
    text = capsys.readouterr().out
    assert f"## Seeding: failed in {latest['environment']} (run `{latest['run_id']}`)" in text
    assert "| `~` | stripe |" in text and "| `~` | monday |" in text
    # the hostile message is one table cell: its newline folded, markup left as text
    assert "| `manifests/zendesk.yaml:3` | schema | " + " ".join(HOSTILE.split()) + " |" in text
    assert main(["report", str(folder), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["runs"] == 12
    assert sorted(c["integration"] for c in data["latest"]["changes"]) == ["monday", "stripe"]
    assert [f["message"] for f in data["latest"]["failures"]] == [HOSTILE]


def test_updated_versions_read_old_to_new(
    logs: tuple[Path, object], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, _ = logs
    assert main(["report", str(folder), "--format", "json"]) == 0
    changes = json.loads(capsys.readouterr().out)["latest"]["changes"]
    for change in changes:
        major, minor, patch = change["previous_version"].split(".")
        assert change["version"] == f"{major}.{int(minor) + 1}.{patch}"


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda d: d / "missing.xml", "no such file or folder"),
        (lambda d: _write(d / "notes.xml", "not xml <"), "not a JUnit audit log: XML error"),
        (lambda d: _write(d / "other.xml", "<html/>"), "its root is <html>"),
        (
            lambda d: _write(d / "plain.xml", '<testsuites><testsuite name="x"/></testsuites>'),
            "without a run_id property",
        ),
        (lambda d: _folder(d / "empty"), "no audit log (*.xml) in this folder"),
    ],
    ids=["missing", "not-xml", "not-junit", "junit-without-run", "empty-folder"],
)
def test_what_cannot_be_read_is_an_error_never_an_empty_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: object, said: str
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    out = tmp_path / "report.html"
    assert main(["report", str(path), "--output", str(out)]) == 2
    assert said in capsys.readouterr().err
    assert not out.exists()


def test_no_reports_folder_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["report"]) == 2
    assert "reports: no such file or folder" in capsys.readouterr().err


def test_thresholds_alert_with_exit_1(
    logs: tuple[Path, object], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder, expected = logs
    out = str(tmp_path / "r.md")
    # The run before last is 30 s, far above its environment's median (1 to 4 s).
    slow = expected.runs[-2]  # type: ignore[attr-defined]
    assert (
        main(
            [
                "report",
                str(folder),
                "--format",
                "markdown",
                "--output",
                out,
                "--fail-on",
                "duration>5x",
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert f"alert: duration: run {slow['run_id']} in {slow['environment']} took 30.00 s" in err
    # 1 failing check of the last run's 28 checks and 4 seed cases (3 ran): 1/31
    assert main(["report", str(folder), "--output", out, "--fail-on", "error-rate>0.02"]) == 1
    assert "error-rate: run" in capsys.readouterr().err
    assert main(["report", str(folder), "--output", out, "--fail-on", "error-rate>0.05"]) == 0
    assert main(["report", str(folder), "--output", out, "--fail-on", "duration>50x@3"]) == 0


@pytest.mark.parametrize("spec", ["duration>x", "duration>0x", "error-rate>2", "latency>1", ""])
def test_a_threshold_it_cannot_judge_is_a_usage_error(
    tmp_path: Path, spec: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["report", str(tmp_path), "--fail-on", spec])
    assert exit_info.value.code == 2
    assert "--fail-on" in capsys.readouterr().err


def test_drift_alert_needs_drift_and_drift_needs_a_target(
    logs: tuple[Path, object], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, _ = logs
    assert main(["report", str(folder), "--fail-on", "drift"]) == 2
    assert "--fail-on drift needs --drift" in capsys.readouterr().err
    assert main(["report", str(folder), "--drift"]) == 2
    assert "--drift needs a target" in capsys.readouterr().err


def test_annotations_in_github_actions(
    logs: tuple[Path, object],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, _ = logs
    out = str(tmp_path / "summary.md")
    assert main(["report", str(folder), "--format", "markdown", "--output", out]) == 0
    assert "::error" not in capsys.readouterr().out
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["report", str(folder), "--format", "markdown", "--output", out]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "::error file=manifests/zendesk.yaml,line=3,col=10,title=zendesk%3A schema::"
        "manifests/zendesk.yaml:3:10: " + HOSTILE.replace("%", "%25").replace("\n", "%0A")
    ]


def test_target_records_join_the_history(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run whose audit log is gone still shows, from the target's record; a run known from
    both keeps its log's cases and takes the record's status."""
    real = real_runs(project)
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "dev.xml").write_bytes(real["development"].read_bytes())
    db = project.pytester.path / ".seeding/staging.sqlite3"
    capsys.readouterr()  # the real runs' own output
    assert main(["report", str(kept), "--db", str(db), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["trends"]["runs"]
    staging_id = _run_id(real["staging"])
    assert {(r["run_id"], r["source"]) for r in rows} == {
        (_run_id(real["development"]), str(kept / "dev.xml")),
        (staging_id, "target"),
    }


def _run_id(path: Path) -> str:
    for prop in ET.parse(path).getroot().iter("property"):
        if prop.get("name") == "run_id":
            return prop.get("value", "")
    raise AssertionError(path)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _folder(path: Path) -> Path:
    path.mkdir()
    return path
