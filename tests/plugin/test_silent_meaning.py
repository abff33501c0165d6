"""A file whose meaning the loader would change (a NUL that cut it short) never reaches the
target: it fails `parse`, is not seeded, and an update run leaves what the target holds for
it as the last good run wrote it (issue 12: stripe went from 15 documents to 2)."""

from __future__ import annotations

import pytest

from seeding_suite.engine.seeder import Seeder
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.support.project import Project, manifest

# Five more actions after the first: a NUL in a comment above them used to cut them all off.
MORE_ACTIONS = "".join(
    f"  - id: extra-{i}\n    name: Extra {i}\n    connection: api-key\n" for i in range(5)
)


def stripe(comment: str) -> str:
    text = manifest("stripe", "2.3.0")
    head, tail = text.split("triggers:\n")
    return f"{head}{MORE_ACTIONS}# {comment}\ntriggers:\n{tail}"


def documents(project: Project, integration: str) -> dict[tuple[str, str], str]:
    target = LocalTarget(seeding_deployment(project.pytester.path / ".seeding/local.sqlite3"))
    try:
        state = Seeder(target).read_state()
    finally:
        target.close()
    return {key: doc.checksum for key, doc in state.docs.items() if doc.integration == integration}


def test_a_nul_in_a_comment_fails_parse_and_leaves_the_target_as_it_was(
    project: Project, mode: list[str]
) -> None:
    project.write("monday", manifest("monday", "0.9.0"))
    project.write("stripe", stripe("the extras end here"))
    first = project.run(*mode)
    assert first.result.ret == pytest.ExitCode.OK, first.result.stdout.str()
    before = documents(project, "stripe")
    assert len(before) >= 8  # the integration, its connection, 6 actions, its trigger

    # An update run: version bumped (so stripe would be written), and a NUL in the comment.
    project.write("stripe", stripe("the extras\x00 end here").replace("2.3.0", "2.4.0"))
    project.write("monday", manifest("monday", "0.9.1"))
    run = project.run(*mode)

    assert run.result.ret == pytest.ExitCode.TESTS_FAILED, run.result.stdout.str()
    assert "INTERNALERROR" not in run.result.stdout.str() + run.result.stderr.str()
    failure = run.cases("parse")["stripe"].find("failure")
    assert failure is not None
    assert "manifests/stripe.yaml:" in (failure.text or "")
    assert "U+0000 (NUL) is not allowed" in (failure.text or "")
    assert run.props("seed", "stripe")["action"] == "skipped"
    assert run.props("seed", "monday")["action"] == "updated"
    assert documents(project, "stripe") == before
    assert project.state()["stripe"]["version"] == "2.3.0"
