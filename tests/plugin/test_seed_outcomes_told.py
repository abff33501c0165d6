"""What the run says of each manifest: seed actions as letter, word and change list by name;
skipped checks located at the manifest."""

from __future__ import annotations

import pytest

from tests.support.project import Project, manifest, three_integrations

SIGNS = ("+ ", "~ ", "- ", "  ")


def _changes(result: pytest.RunResult) -> list[str]:
    """The lines of the seeding-suite summary section that list an integration."""
    lines = result.outlines
    start = next(i for i, line in enumerate(lines) if "seeding-suite" in line and "---" in line)
    return [line for line in lines[start + 1 :] if line.startswith(SIGNS)]


def test_the_summary_lists_what_changed_by_name_and_nothing_unchanged(
    project: Project, mode: list[str]
) -> None:
    three_integrations(project)
    project.write("old-thing", manifest("old-thing", "0.1.0"))
    first = project.run(*mode)
    assert first.result.ret == pytest.ExitCode.OK, first.result.stdout.str()
    assert _changes(first.result) == [
        "+ core 1.2.0",
        "+ monday 0.9.0",
        "+ old-thing 0.1.0",
        "+ stripe 2.3.0",
    ]

    (project.pytester.path / "manifests" / "old-thing.yaml").unlink()
    project.write("monday", manifest("monday", "0.9.1"))
    project.write("github", manifest("github", "1.2.0"))
    second = project.run(*mode, "--prune")
    assert second.result.ret == pytest.ExitCode.OK, second.result.stdout.str()
    assert _changes(second.result) == ["- old-thing", "+ github 1.2.0", "~ monday 0.9.0 -> 0.9.1"]

    third = project.run(*mode)
    assert third.result.ret == pytest.ExitCode.OK, third.result.stdout.str()
    assert _changes(third.result) == []
    third.result.stdout.re_match_lines([r"seed: 0 created, 0 updated, 4 unchanged, .*"])


def test_verbose_words_say_the_action_and_list_the_unchanged(
    project: Project, mode: list[str]
) -> None:
    three_integrations(project)
    first = project.run(*mode, "-v")
    first.result.stdout.re_match_lines([r".*manifests/core\.yaml::seed CREATED.*"])
    project.write("monday", manifest("monday", "0.9.1"))
    project.write("broken", manifest("broken", connection="nope"))
    second = project.run(*mode, "-v")
    out = second.result.stdout
    out.re_match_lines(
        [
            r".*manifests/broken\.yaml::seed SKIPPED.*",
            r".*manifests/core\.yaml::seed UNCHANGED.*",
            r".*manifests/monday\.yaml::seed UPDATED.*",
        ],
        consecutive=False,
    )
    assert "SEEDED" not in out.str()
    assert _changes(second.result) == [
        "  core 1.2.0 (unchanged)",
        "~ monday 0.9.0 -> 0.9.1",
        "  stripe 2.3.0 (unchanged)",
    ]


def test_the_progress_letters_say_the_action(project: Project) -> None:
    three_integrations(project)
    project.run()
    project.write("monday", manifest("monday", "0.9.1"))
    project.write("github", manifest("github", "1.2.0"))
    run = project.run()
    lines = run.result.outlines
    after = lines[next(i for i, line in enumerate(lines) if line.startswith("seed: batch")) :]
    letters = [line.split()[:2] for line in after if line.startswith("manifests/")]
    assert letters == [
        ["manifests/core.yaml", "."],
        ["manifests/github.yaml", "+"],
        ["manifests/monday.yaml", "~"],
        ["manifests/stripe.yaml", "."],
    ], run.result.stdout.str()


def test_a_skipped_check_points_at_the_manifest_not_at_the_plugin(
    project: Project, mode: list[str]
) -> None:
    three_integrations(project)
    project.write("broken", "manifest_version: 1\nid: [broken\n")
    run = project.run(*mode, "-rs")
    out = run.result.stdout
    skips = {line for line in run.result.outlines if line.startswith("SKIPPED [")}
    assert {  # under xdist the two come in either order
        "SKIPPED [1] manifests/broken.yaml:1: not run: the parse check did not pass",
        "SKIPPED [4] manifests/broken.yaml:1: not run: the schema check did not pass",
    } <= skips, out.str()
    assert "collect.py" not in out.str()
    skipped = run.cases("schema")["broken"].find("skipped")
    assert skipped is not None and "manifests/broken.yaml:1:" in (skipped.text or "")


def test_a_log_follows_the_stage_through_every_step(project: Project, mode: list[str]) -> None:
    three_integrations(project)
    run = project.run(*mode)
    assert run.result.ret == pytest.ExitCode.OK, run.result.stdout.str()
    run.result.stdout.re_match_lines(
        [
            r"seed: selecting manifests 1/3$",
            r"seed: selecting manifests 3/3$",
            r"seed: reading the target$",
            r"seed: loading manifests 0/3$",
            r"seed: loading manifests 3/3$",
            r"seed: planning$",
            r"seed: batch 1/1 written$",
        ],
        consecutive=True,
    )


TTY = """
import pytest


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    if hasattr(config, "workerinput"):
        return
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    reporter.isatty = lambda: True  # truthy too, as pytest's CallableBool
    writer, write = reporter._tw, reporter._tw.write
    raw = open("raw-output.txt", "w", encoding="utf-8")  # what reached the terminal, \\r kept

    def recorded(msg, **kwargs):
        raw.write(msg)
        raw.flush()
        return write(msg, **kwargs)

    writer.write = recorded
    config.add_cleanup(raw.close)
"""


def test_a_terminal_gets_one_progress_line_rewritten_in_place(
    project: Project, mode: list[str]
) -> None:
    three_integrations(project)
    project.pytester.makeconftest(TTY)
    run = project.run(*mode)
    assert run.result.ret == pytest.ExitCode.OK, run.result.stdout.str()
    with (project.pytester.path / "raw-output.txt").open(encoding="utf-8", newline="") as file:
        raw = file.read()  # newline="": a \r stays a \r
    stage = raw[raw.index("seed stage:") :].split("\n")[1]  # the one line the stage left, raw
    steps = [part.rstrip() for part in stage.split("\r") if part.strip()]
    assert steps, repr(raw)
    assert steps[0] == "seed: selecting manifests 1/3", steps
    assert "seed: loading manifests 3/3" in steps and steps[-1] == "seed: batch 1/1 written"
