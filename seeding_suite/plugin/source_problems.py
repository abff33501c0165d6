"""A source's problems as failing items: `community/private::source`, `acme-crm@1.2.0::source`.

A folder that cannot be read, or a registry that fails verification, contributes nothing to the
run; each problem is one failing item (named in the terminal, the audit log and the exit code),
never silently dropped. Like a refused link's `::symlink` item, it gets no seed case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from seeding_suite.plugin.collect import ReasonItem

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from seeding_suite.sources import SourceProblem

NAME = "source"


class SourceProblemItem(ReasonItem):
    """The failing item of one source problem, collected at the session's root."""

    def __init__(self, *, problem: SourceProblem, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]  # pytest's from_parent contract
        self.problem = problem

    def reason(self) -> str:
        return self.problem.render()

    def label(self) -> str:
        return f"{NAME} ({self.problem.source})"


def problem_items(session: pytest.Session, problems: Sequence[SourceProblem]) -> list[pytest.Item]:
    """One item per problem: all of them in a run of the project, else those whose subject
    lies under a path given on the command line."""
    config = session.config
    wanted = list(problems)
    if config.args_source == pytest.Config.ArgsSource.ARGS:
        base = config.invocation_params.dir
        reached = [(base / arg.partition("::")[0]).resolve() for arg in config.args]
        wanted = [p for p in wanted if any(subject(p, config).is_relative_to(r) for r in reached)]
    return [
        SourceProblemItem.from_parent(session, name=f"{p.subject}::{NAME}", problem=p)
        for p in wanted
    ]


def subject(problem: SourceProblem, config: pytest.Config) -> Path:
    """Where the problem lies, for a file or folder (else a name under the rootdir)."""
    return (config.rootpath / problem.subject).resolve()


def unreadable(path: Path, config: pytest.Config, problems: Sequence[SourceProblem]) -> bool:
    """Whether `path` is a folder a source could not read (pytest must not walk it either)."""
    here = path.resolve()
    return here.is_dir() and any(subject(p, config) == here for p in problems)
