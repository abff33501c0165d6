"""Links under a manifest root: a loop or a way out is refused and named; the run still ends."""

from __future__ import annotations

import os

import pytest

from tests.support.project import Project, manifest, three_integrations


def linked_catalog(project: Project) -> None:
    """core, stripe, monday, and four links: a loop, a file and a folder outside, an alias."""
    three_integrations(project)
    root = project.pytester.path
    outside = root / "elsewhere"
    outside.mkdir()
    (outside / "ext.yaml").write_text(manifest("ext"), encoding="utf-8")
    (root / "manifests" / "sub").mkdir()
    os.symlink("..", root / "manifests" / "sub" / "up")
    os.symlink(outside / "ext.yaml", root / "manifests" / "ext.yaml")
    os.symlink(outside, root / "manifests" / "vendor")
    os.symlink("../core.yaml", root / "manifests" / "sub" / "core-again.yaml")


def test_links_that_loop_or_leave_the_roots_are_refused_and_named(
    project: Project, mode: list[str]
) -> None:
    linked_catalog(project)
    run = project.run(*mode)
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    ids = [f"{tc.get('classname')}::{tc.get('name')}" for tc in run.xml.iter("testcase")]
    assert not [i for i in ids if "sub.up." in i or "vendor." in i or "core-again" in i]
    failures = [
        f"{tc.get('classname')}::{tc.get('name')}"
        for tc in run.xml.iter("testcase")
        if tc.find("failure") is not None
    ]
    assert sorted(failures) == [
        "manifests.ext.yaml::symlink",
        "manifests.sub.up::symlink",
        "manifests.vendor::symlink",
    ]
    out = run.result.stdout.str()
    assert "manifests/sub/up is a symbolic link to manifests, a folder that contains it" in out
    assert "manifests/ext.yaml is a symbolic link to elsewhere/ext.yaml, outside the" in out
    assert "manifests/vendor is a symbolic link to elsewhere, outside the manifest roots" in out
    # Every manifest that is read is checked and seeded once; the links get no seed case.
    assert sorted(run.cases("seed")) == ["core", "monday", "stripe"]
    assert sorted(project.state()) == ["core", "monday", "stripe"]


def test_a_manifest_behind_a_refused_link_is_not_read_for_dependencies(project: Project) -> None:
    linked_catalog(project)
    project.write("monday", manifest("monday", deps="  - ext\n"))
    run = project.run()
    failure = run.cases("dependencies")["monday"].find("failure")
    assert failure is not None
    assert "depends on 'ext', which is not in the catalog" in (failure.text or "")
