"""One writer per embedded store, whichever way it is opened (issue 12, item 4).

`seeding-suite serve --db X` holds X's store lock while it runs: a pytest run, a `rollback`
or a second server on X is refused naming it (pid, command, since when) instead of writing
beside it. Readers (`state`, `drift`, `runs`) read what the server last committed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from seeding_suite.cli import main
from seeding_suite.client import Secret
from seeding_suite.discovery.catalog import Catalog
from seeding_suite.engine.seeder import RunInfo, Seeder
from seeding_suite.environments import DEFAULTS
from seeding_suite.targets.remote import RemoteTarget
from tests.support.project import PYPROJECT, Project, manifest
from tests.support.served import CANARY, ServeProcess, serve_process


def holder_named(text: str, served: ServeProcess, db: Path) -> bool:
    return (
        f"is in use by seeding-suite serve (pid {served.process.pid}, since 20" in text
        and f"serve --db {db}" in text
    )


def test_a_pytest_run_beside_serve_is_refused_naming_the_server(
    project: Project, mode: list[str]
) -> None:
    project.write("core", manifest("core"))
    db = project.pytester.path / ".seeding/local.sqlite3"
    with serve_process(project.pytester.path, "--db", str(db)) as served:
        run = project.run("--lock-wait", "0.3", *mode)
        error = run.cases("seed")["core"].find("error")
        assert error is not None
        assert holder_named(error.get("message") or "", served, db)
        through_server = RemoteTarget(served.url, Secret(served.key))
        assert Seeder(through_server).read_state().docs == {}  # the refused run wrote nothing
        through_server.close()
    assert project.run().props("seed", "core")["action"] == "created"  # free once it stopped


def test_a_second_server_and_a_rollback_are_refused_naming_the_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "served.sqlite3"
    with serve_process(tmp_path, "--db", str(db)) as served:
        second = subprocess.run(
            [sys.executable, "-m", "seeding_suite", "serve", "--db", str(db)],
            cwd=tmp_path,
            env={**os.environ, "CONVEX_SELF_HOSTED_ADMIN_KEY": CANARY},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert second.returncode == 2
        assert holder_named(second.stderr, served, db), second.stderr
        assert "Traceback" not in second.stderr
        assert main(["rollback", "--db", str(db), "--lock-wait", "0", "run-x"]) == 2
        assert holder_named(capsys.readouterr().err, served, db)
    assert served.process.returncode == 0


def test_state_beside_serve_reads_what_the_server_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (tmp_path / "manifests").mkdir()
    db = tmp_path / "served.sqlite3"
    with serve_process(tmp_path, "--db", str(db)) as served:
        for n, mid in enumerate(("stripe", "monday")):
            (tmp_path / "manifests" / f"{mid}.yaml").write_text(manifest(mid), encoding="utf-8")
            catalog = Catalog([tmp_path / "manifests"], tmp_path, policy=DEFAULTS["development"])
            target = RemoteTarget(served.url, Secret(served.key))
            Seeder(target).seed(catalog.desired(), RunInfo(f"r{n}", "development", "t", "0", "c"))
            target.close()
            assert main(["state", "--db", str(db)]) == 0
            out = capsys.readouterr().out
            assert "(written by seeding-suite serve (pid" in out
            assert f"{n + 1} integration(s)" in out  # not a copy from before the last write
            assert main(["drift", "--db", str(db)]) == 0
            capsys.readouterr()
