"""A manifest's path read back from a real audit log, also in a folder whose name has a dot
(junitxml writes `manifests.v1.2.stripe.yaml` as the classname: only `file` is unambiguous)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from seeding_suite.reports.junit import read_audit_log
from tests.support.project import manifest

if TYPE_CHECKING:
    from tests.support.project import Project


def test_manifests_in_a_dotted_folder_keep_their_path(project: Project) -> None:
    folder = project.pytester.path / "manifests" / "v1.2"
    folder.mkdir()
    (folder / "stripe.yaml").write_text(manifest("stripe"), encoding="utf-8")
    run = project.run()
    assert run.result.ret == 0, run.result.stdout.str()
    log = read_audit_log(project.pytester.path / "audit.xml")
    assert {case.manifest for case in log.seeds} == {"manifests/v1.2/stripe.yaml"}
    assert {case.manifest for case in log.checks} == {"manifests/v1.2/stripe.yaml"}
