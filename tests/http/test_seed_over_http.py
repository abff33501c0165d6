"""`pytest --convex-url` against `seeding-suite serve`: the real client code path, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seeding_suite.cli import main
from tests.support.project import Project, manifest
from tests.support.served import CANARY, Served

DEPS = '\n  - id: core\n    version: ">=1.0.0"\n'


def catalog(project: Project) -> None:
    project.write("core", manifest("core", "1.2.0"))
    project.write("stripe", manifest("stripe", "2.3.0", deps=DEPS))


def state_json(capsys: pytest.CaptureFixture[str], *target: str) -> list[dict[str, str]]:
    capsys.readouterr()
    assert main(["state", "--json", *target]) == 0
    rows: list[dict[str, str]] = json.loads(capsys.readouterr().out)
    return rows


def test_seeding_over_http_matches_the_embedded_target(
    project: Project, mode: list[str], served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog(project)
    first = project.run(*mode, "--convex-url", served.url)
    assert first.result.ret == pytest.ExitCode.OK, first.result.stdout.str()
    assert first.props("seed", "stripe")["action"] == "created"
    second = project.run(*mode, "--convex-url", served.url)
    assert second.props("seed", "stripe")["action"] == "unchanged"
    second.result.stdout.re_match_lines([r".*0 documents written.*"])

    project.run(*mode)  # the same catalog into the embedded target
    over_http = state_json(capsys, "--convex-url", served.url)
    embedded = state_json(capsys, "--db", str(project.pytester.path / ".seeding/local.sqlite3"))
    strip = [{k: v for k, v in row.items() if k != "runId"} for row in over_http]
    assert strip == [{k: v for k, v in row.items() if k != "runId"} for row in embedded]
    assert [row["integration"] for row in strip] == ["core", "stripe"]


def test_the_key_appears_nowhere(project: Project, mode: list[str], served: Served) -> None:
    catalog(project)
    run = project.run(*mode, "-v", "--convex-url", served.url)
    assert run.result.ret == pytest.ExitCode.OK
    texts = [run.result.stdout.str(), run.result.stderr.str()]
    texts += [p.read_text(errors="replace") for p in Path(project.pytester.path).rglob("*.xml")]
    texts += [json.dumps(served.fake.documents(t)) for t in served.fake.tables()]
    assert all(CANARY not in text and "canary0123456789" not in text for text in texts)


def test_a_rejected_key_is_reported_plainly_without_the_key(
    project: Project, served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog(project)
    wrong = "convex-self-hosted|wrongkey987654321"
    monkeypatch.setenv("CONVEX_SELF_HOSTED_ADMIN_KEY", wrong)
    run = project.run("--convex-url", served.url)
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    error = run.cases("seed")["stripe"].find("error")
    assert error is not None
    assert "key was rejected" in (error.text or "") + (error.get("message") or "")
    output = run.result.stdout.str() + run.result.stderr.str()
    assert wrong not in output and "wrongkey987654321" not in output
