"""The command line refuses what it cannot do, in one line: missing stores and roots, bad
numbers, a closed pipe, a backend refusal; and says what it is (--version, the command list)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from seeding_suite import __version__, remote
from seeding_suite.cli import _message, build_parser, main
from seeding_suite.errors import ConvexFunctionError
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.unit.test_cli_runs import db

if TYPE_CHECKING:
    from pathlib import Path


__all__ = ["db"]  # the fixture (two runs seeded) this module shares with test_cli_runs


def outcome(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr; argparse's own exits included."""
    capsys.readouterr()
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    "argv",
    [
        ["state"],
        ["state", "--json"],
        ["runs"],
        ["rollback", "run-1", "--plan"],
        ["rollback", "run-1"],
    ],
)
def test_a_missing_store_is_an_error_and_is_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    missing = tmp_path / "typo.sqlite3"
    code, out, err = outcome(capsys, *argv, "--db", str(missing))
    assert (code, out) == (2, "")
    assert err == (
        f"seeding-suite: no embedded store at {missing} (seed it first, or name one with "
        "--db PATH)\n"
    )
    assert not missing.exists()


def test_drift_refuses_a_missing_store_and_a_missing_manifest_root(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = outcome(capsys, "drift", "--db", str(db))
    assert code == 2
    assert err == f"seeding-suite: manifest root(s) not found: {tmp_path / 'manifests'}\n"
    (tmp_path / "manifests").mkdir()
    code, _, err = outcome(capsys, "drift", "--db", str(db), "--against-db", "other.sqlite3")
    assert code == 2 and "no embedded store at" in err and "other.sqlite3" in err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["runs", "--limit", "0"], "argument --limit: expected a whole number from 1 to 1000"),
        (["runs", "--limit", "1001"], "argument --limit: expected a whole number from 1 to 1000"),
        (["runs", "--limit", "ten"], "argument --limit: expected a whole number from 1 to 1000"),
        (["rollback", "r", "--lock-wait", "-1"], "argument --lock-wait: expected a number of"),
        (["rollback", "r", "--lock-wait", "nan"], "argument --lock-wait: expected a number"),
        (["serve", "--lock-wait", "inf"], "argument --lock-wait: expected a number"),
        (["serve", "--read-timeout", "0"], "argument --read-timeout: expected a number above 0"),
        (["serve", "--workers", "0"], "argument --workers: expected a whole number from 1"),
        (["serve", "--port", "70000"], "argument --port: expected a whole number from 0"),
    ],
)
def test_numbers_are_checked_where_they_are_parsed(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    code, out, err = outcome(capsys, *argv)
    assert (code, out) == (2, "")
    assert expected in err and "Traceback" not in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert outcome(capsys, "--version") == (0, f"seeding-suite {__version__}\n", "")


def test_the_top_level_help_lists_every_command_with_its_one_line_help(
    capsys: pytest.CaptureFixture[str],
) -> None:
    parser = build_parser()
    code, out, _ = outcome(capsys, "--help")
    assert code == 0
    text = " ".join(out.split())
    commands = parser._subparsers._group_actions[0]._choices_actions  # type: ignore[union-attr]
    assert {a.dest for a in commands} >= {"schema", "state", "drift", "runs", "rollback", "serve"}
    for action in commands:
        assert action.help and "\n" not in action.help
        assert f"{action.dest} {action.help}" in text


def test_a_closed_pipe_ends_the_command_quietly(db: Path) -> None:
    """`seeding-suite runs | head`: the reader is gone before the command writes."""
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "seeding_suite", "runs", "--db", str(db)],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write)
    assert done.stderr == ""
    assert done.returncode == 1


def test_a_function_the_target_refuses_is_one_line_not_the_wire_form() -> None:
    target = LocalTarget(seeding_deployment())
    with pytest.raises(ConvexFunctionError) as refused:
        target.query(remote.LIST_RUNS, {"limit": 0})
    target.close()
    assert "Uncaught ConvexError" in str(refused.value)  # what used to be printed
    message = _message(refused.value)
    assert re.fullmatch(r"the target refused the call: limit must be .*0.* \[[A-Z_]+\]", message)


def test_json_counts_are_integers(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = outcome(capsys, "state", "--json", "--db", str(db))
    assert code == 0
    rows = json.loads(out)
    assert rows and all(
        type(row["documents"]) is int and type(row["duplicateKeys"]) is int for row in rows
    )
    code, out, _ = outcome(capsys, "runs", "--json", "--db", str(db))
    assert code == 0
    counts = [value for r in json.loads(out) for value in r["counts"].values()]
    assert counts and all(type(value) is int for value in counts)


def test_a_rollback_plan_that_would_be_refused_exits_2(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = outcome(capsys, "rollback", "run-1", "--plan", "--db", str(db))
    assert "conflict:" in out and "refused without --force" in out
    assert code == 2
    code, _, _ = outcome(capsys, "rollback", "run-1", "--plan", "--force", "--db", str(db))
    assert code == 0
