"""A pytest run seeds a manifest's rollout block as its rollout document: at the first step,
kept where it is by the next run when unchanged, restarted by a new version (plain and
under xdist: the final stage builds the same desired state either way)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from seeding_suite.rollouts.schedule import move
from seeding_suite.rollouts.store import RunContext, read_rollouts, write_changes
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.support.project import manifest
from tests.support.rollouts import ROLLOUT_BLOCK

if TYPE_CHECKING:
    from tests.support.project import Project


def percent_after(project: Project, advance: bool = False) -> tuple[int, str]:
    """The rollout's percent and version in the embedded store (advancing it first if asked)."""
    target = LocalTarget(seeding_deployment(project.pytester.path / ".seeding/local.sqlite3"))
    try:
        (rollout,) = read_rollouts(target)
        if advance:
            change = move(rollout, "advance", 0.0, "test")
            write_changes(target, [change], RunContext("run-advance", "tester", "0", "test"))
            (rollout,) = read_rollouts(target)
        return rollout.percent, str(rollout.fields["version"])
    finally:
        target.close()


def test_seeding_starts_keeps_and_restarts_the_rollout(project: Project, mode: list[str]) -> None:
    project.write("stripe", manifest("stripe", "2.3.0", extra=ROLLOUT_BLOCK))
    first = project.run(*mode, "--seed-env=staging")
    assert first.props("seed", "stripe")["action"] == "created", first.result.stdout.str()
    assert percent_after(project, advance=True) == (25, "2.3.0")
    again = project.run(*mode, "--seed-env=staging")
    assert again.props("seed", "stripe")["action"] == "unchanged"
    assert percent_after(project) == (25, "2.3.0")
    project.write("stripe", manifest("stripe", "2.4.0", extra=ROLLOUT_BLOCK))
    bumped = project.run(*mode, "--seed-env=staging")
    assert bumped.props("seed", "stripe")["action"] == "updated"
    assert percent_after(project) == (5, "2.4.0")
