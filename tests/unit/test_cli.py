"""The command line: `serve` (as a real process), `schema`, `state`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from seeding_suite import remote
from seeding_suite.cli import main
from seeding_suite.client import ConvexClient
from seeding_suite.errors import ConvexAuthError
from seeding_suite.targets.local import LocalTarget, seeding_deployment

KEY = "convex-self-hosted|cli-test-key"
COMMITTED_SCHEMA = Path(__file__).parents[2] / "seeding_suite" / "manifest.schema.json"


def start_serve(tmp_path: Path, *args: str, key: str | None = KEY) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "CONVEX_SELF_HOSTED_ADMIN_KEY"}
    if key is not None:
        env["CONVEX_SELF_HOSTED_ADMIN_KEY"] = key
    return subprocess.Popen(
        [sys.executable, "-m", "seeding_suite", "serve", *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_serve_prints_its_url_first_and_speaks_convex_with_the_admin_key(tmp_path: Path) -> None:
    server = start_serve(tmp_path, "--db", str(tmp_path / "served.sqlite3"))
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        with ConvexClient(url, KEY) as client:
            page = client.query(
                remote.READ_STATE,
                {"table": "actions", "after": None, "limit": 5, "includeFields": False},
            )
            assert page == {"docs": [], "next": None}
        with (
            ConvexClient(url, "convex-self-hosted|wrong") as intruder,
            pytest.raises(ConvexAuthError),
        ):
            intruder.query(remote.GET_RUN, {"runId": "x"})
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=10)  # also closes the pipes
    assert server.returncode == 0
    assert (tmp_path / "served.sqlite3").exists()


def test_serve_refuses_to_start_without_the_admin_key(tmp_path: Path) -> None:
    server = start_serve(tmp_path, "--memory", key=None)
    _, err = server.communicate(timeout=30)
    assert server.returncode == 2
    assert "set CONVEX_SELF_HOSTED_ADMIN_KEY" in err


def test_schema_prints_the_committed_json_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == COMMITTED_SCHEMA.read_text(encoding="utf-8")
    out = tmp_path / "schema.json"
    assert main(["schema", "--output", str(out)]) == 0
    assert json.loads(out.read_text())["$id"].endswith("manifest-v1.schema.json")


def test_state_of_an_empty_target_lists_nothing_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "empty.sqlite3"
    LocalTarget(seeding_deployment(db)).close()
    before = db.read_bytes()
    assert main(["state", "--db", str(db)]) == 0
    assert capsys.readouterr().out.strip().endswith("0 integration(s)")
    assert db.read_bytes() == before


def test_a_bad_convex_url_is_a_clear_error_not_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["state", "--convex-url", "ftp://nope"]) == 2
    assert "must start with http:// or https://" in capsys.readouterr().err
