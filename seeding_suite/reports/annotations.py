"""GitHub Actions workflow commands for failures: `::error file=...,line=...,col=...::message`.

They show on the pull request's diff at the failing line. Escaping as the Actions toolkit does
(`escapeData`, `escapeProperty`): the message escapes `%`, CR and LF; properties also `:` and
`,`, which delimit them. Anything else passes as is: a message is one workflow command whatever
it holds. pytest-github-actions-annotate-failures prints the same from
`pytest_runtest_logreport`; the plugin does so too (plugin/annotate.py), this module is shared.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from seeding_suite.reports.model import Run

GITHUB_ACTIONS = "GITHUB_ACTIONS"


def in_github_actions(environ: Mapping[str, str] = os.environ) -> bool:
    return environ.get(GITHUB_ACTIONS) == "true"


def workspace_path(file: str, base: Path, environ: Mapping[str, str] = os.environ) -> str:
    """`file` (relative to `base`) as GitHub names it: relative to GITHUB_WORKSPACE, the
    repository's root, when the project sits in a folder of it."""
    workspace = environ.get("GITHUB_WORKSPACE")
    if not workspace:
        return file
    relative = os.path.relpath(os.path.abspath(base / file), os.path.abspath(workspace))
    return file if relative.startswith("..") else Path(relative).as_posix()


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def error_line(file: str, line: int, col: int, title: str, message: str) -> str:
    """One `::error` command."""
    props = f"file={escape_property(file)},line={line},col={col},title={escape_property(title)}"
    return f"::error {props}::{escape_data(message)}"


def run_annotations(run: Run, base: Path) -> list[str]:
    """One `::error` per failing check and per failing seed case of `run` (paths relative to
    `base`, the project's root)."""
    lines = [
        error_line(
            workspace_path(c.location.file if c.location else c.manifest, base),
            c.location.line if c.location else 1,
            c.location.col if c.location else 1,
            f"{c.integration}: {c.check}",
            c.message,
        )
        for c in run.failures
    ]
    lines += [
        error_line(workspace_path(s.manifest, base), 1, 1, f"{s.integration}: seed", s.reason)
        for s in run.failed_seeds
    ]
    return lines
