"""`--metrics FILE` and GitHub Actions annotations during the run (plugin/monitor.py), with and
without xdist; and the old -> new version an updated seed case records."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.project import DEPS_ON_CORE, Project, manifest, three_integrations


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted((k, v) for k, v in s.labels.items() if k != "environment"))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_metrics_file_parses_and_matches_the_run(project: Project, mode: list[str]) -> None:
    three_integrations(project)
    project.run(*mode)  # creates all three
    project.write("stripe", manifest("stripe", "2.4.0", deps=DEPS_ON_CORE))
    project.write("monday", manifest("monday", "0.9.0", connection="nope"))  # references fails
    run = project.run(*mode, "--metrics", "out/seeding.prom")
    path = project.pytester.path / "out/seeding.prom"
    text = path.read_text(encoding="utf-8")
    samples = _samples(text)
    suite = run.suite_props()
    assert samples[("seeding_run_info", (("run_id", suite["run_id"]),))] == 1
    assert samples[("seeding_convex_calls", ())] == int(suite["convex_calls"])
    assert samples[("seeding_checks_reused", ())] == int(suite["checks_reused"])
    assert samples[("seeding_check_failures", (("check", "references"),))] == 1
    for action in ("updated", "unchanged", "skipped"):
        assert samples[("seeding_integrations", (("action", action),))] == int(suite[action])
    documents = {
        labels: value for (name, labels), value in samples.items() if name == "seeding_documents"
    }
    written = sum(v for labels, v in documents.items() if dict(labels)["action"] != "unchanged")
    assert written == int(suite["documents_written"]) > 0
    seed = run.seed_cases()["stripe"]
    assert sum(v for labels, v in documents.items() if dict(labels)["action"] == "updated") == int(
        seed["documents_updated"]
    )
    stages = {
        dict(labels)["stage"]: v
        for (name, labels), v in samples.items()
        if name.startswith("seeding_stage")
    }
    assert set(stages) == {"checks", "seed", "total"}
    assert 0 < stages["seed"] < stages["total"] and stages["checks"] < stages["total"]
    assert not [p for p in path.parent.iterdir() if p != path]  # the temporary file is gone


def test_updated_seed_case_records_its_previous_version(project: Project, mode: list[str]) -> None:
    three_integrations(project)
    project.run(*mode)
    project.write("stripe", manifest("stripe", "2.4.0", deps=DEPS_ON_CORE))
    seeds = project.run(*mode).seed_cases()
    assert seeds["stripe"]["action"] == "updated"
    assert (seeds["stripe"]["previous_version"], seeds["stripe"]["version"]) == ("2.3.0", "2.4.0")
    assert "previous_version" not in seeds["core"]  # unchanged


def test_failing_checks_print_workflow_annotations(
    project: Project, mode: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _broken_monday(project)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    lines = project.run(*mode).result.outlines
    errors = [line for line in lines if line.startswith("::error")]
    assert len(errors) == 1
    command, _, message = errors[0].partition("::")[2].partition("::")
    assert command.startswith("error file=manifests/monday.yaml,line=")
    assert ",title=monday%3A references" in command
    assert "api-kee" in message and "\n" not in message


def test_annotations_only_in_github_actions(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    _broken_monday(project)
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    assert not [line for line in project.run().result.outlines if "::error" in line]


def test_paths_are_relative_to_the_github_workspace(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A project in a folder of the repository: GitHub names files from the repository root."""
    _broken_monday(project)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(project.pytester.path.parent))
    folder = project.pytester.path.name
    lines = project.run().result.outlines
    assert [x for x in lines if x.startswith(f"::error file={folder}/manifests/monday.yaml,")]


def _broken_monday(project: Project) -> None:
    """Three integrations; monday's action names a connection it does not declare."""
    three_integrations(project)
    project.write("monday", manifest("monday", "0.9.0", connection="api-kee"))
