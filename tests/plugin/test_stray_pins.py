"""A pin of marketplace.lock from a source the project no longer configures is a failing item,
never silently left out of the run."""

from __future__ import annotations

import hashlib

import pytest

from seeding_suite.sources.registries.lockfile import LOCK_NAME, Pin, write_lock
from tests.support.project import Project, manifest


def test_a_pin_from_a_source_no_longer_configured_fails_and_the_catalog_still_seeds(
    project: Project, mode: list[str]
) -> None:
    project.write("core", manifest("core"))
    sha = hashlib.sha256(manifest("acme-crm", "1.2.0").encode()).hexdigest()
    write_lock(
        project.pytester.path / LOCK_NAME, [Pin("acme-crm", "1.2.0", sha, "gone-market", "^1.2")]
    )
    run = project.run(*mode, "-rf")  # the failure's text, then the short summary
    result = run.result
    assert result.ret == pytest.ExitCode.TESTS_FAILED, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "acme-crm@1.2.0: source 'gone-market': marketplace.lock pins it from 'gone-market', "
            "which is not a configured registry source (configured: none)*",
            "*",
            "FAILED *acme-crm@1.2.0::source*",
        ]
    )
    assert sorted(project.state()) == ["core"]


def test_without_a_lock_nothing_is_reported(project: Project) -> None:
    project.write("core", manifest("core"))
    run = project.run()
    assert run.result.ret == pytest.ExitCode.OK, run.result.stdout.str()
    assert "::source" not in run.result.stdout.str()
