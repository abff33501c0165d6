"""One state, two seeders: the Python seeder (pytest, into the fake behind `seeding-suite serve`)
and `integrations/init` (vitest + convex-test) write the same documents for the shipped catalog,
and either one re-running after the other writes nothing.

The shared vector tests/native/vectors/shipped-catalog.json holds, per environment, every
seeded document (every user field but `runId`, checksums included) and `seeding-suite state
--json`'s rows (`runId` as "<run>"); this file checks the Python seeder against it,
convex/integrations/init.state.test.ts checks `init` against it. The direct test below also runs
that vitest file, has it write what it read after `init` to a file, and compares the two.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, cast

import pytest

from fakes.convex import make_wsgi_app, serve
from seeding_suite import remote
from seeding_suite.cli import main
from seeding_suite.client import Secret
from seeding_suite.targets.base import ConvexTarget
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from seeding_suite.targets.remote import RemoteTarget
from tests.support.project import Project
from tests.support.served import CANARY

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "tests" / "fixtures" / "catalog"
VECTOR = Path(__file__).with_name("vectors") / "shipped-catalog.json"
ENVIRONMENTS = ("development", "production")
RUN = "<run>"
NPX = shutil.which("npx")


def documents(target: ConvexTarget) -> list[dict[str, Any]]:
    """Every seeded document, table by table in key order, as {table, runId, fields}."""
    found = []
    for table in remote.SEEDED_TABLES:
        after = None
        while True:
            args = {"table": table, "after": after, "limit": 1000, "includeFields": True}
            page = cast("dict[str, Any]", target.query(remote.READ_STATE, args))
            for doc in page["docs"]:
                fields = {k: v for k, v in doc["fields"].items() if k != "runId"}
                found.append({"table": table, "runId": doc["runId"], "fields": fields})
            after = page["next"]
            if after is None:
                break
    return found


def normalized(docs: list[dict[str, Any]], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The vector's form: documents without their run, state rows with `runId` "<run>"."""
    return {
        "documents": [{"table": d["table"], "fields": d["fields"]} for d in docs],
        "state": [{**row, "runId": RUN} for row in rows],
    }


def python_seed(
    project: Project, environment: str, *target: str
) -> tuple[list[dict[str, Any]], str]:
    """Seed the shipped catalog with pytest; the seed cases' actions, and the summary line."""
    run = project.run("--seed-env", environment, "--confirm-production", *target)
    assert run.result.ret == pytest.ExitCode.OK, run.result.stdout.str()
    summary = [line for line in run.result.outlines if line.startswith("seed: ")]
    return list(run.seed_cases().values()), summary[-1]


def state_json(capsys: pytest.CaptureFixture[str], url: str) -> list[dict[str, Any]]:
    capsys.readouterr()
    assert main(["state", "--json", "--convex-url", url]) == 0
    rows: list[dict[str, Any]] = json.loads(capsys.readouterr().out)
    return rows


def load(db: Path, tables: dict[str, list[dict[str, Any]]]) -> None:
    """Put rows, as read from another deployment, into the embedded store at `db`."""

    def insert(ctx: Any, args: dict[str, Any]) -> None:
        for table, rows in args["tables"].items():
            for row in rows:
                ctx.db.insert(table, row)

    fake = seeding_deployment(db)
    fake.register("testing:load", "mutation", insert)
    fake.mutation("testing:load", {"tables": tables})
    fake.close()


def runs(capsys: pytest.CaptureFixture[str], db: Path) -> list[dict[str, Any]]:
    capsys.readouterr()
    assert main(["runs", "--json", f"--seeding-db={db}"]) == 0
    found: list[dict[str, Any]] = json.loads(capsys.readouterr().out)
    return found


@pytest.fixture
def shipped(project: Project) -> Project:
    shutil.rmtree(project.pytester.path / "manifests")
    shutil.copytree(SHIPPED, project.pytester.path / "manifests")
    return project


def seeded_by_python(
    shipped: Project,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    environment: str,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Seed a fresh `serve` over HTTP, then read its documents and `state --json` through it."""
    monkeypatch.setenv("CONVEX_SELF_HOSTED_ADMIN_KEY", CANARY)
    fake = seeding_deployment(shipped.pytester.path / f"served-{environment}.sqlite3")
    try:
        with serve(make_wsgi_app(fake, admin_key=CANARY)) as running:
            python_seed(shipped, environment, "--convex-url", running.url)
            target = RemoteTarget(running.url, Secret(CANARY))
            try:
                docs = documents(target)
            finally:
                target.close()
            return docs, state_json(capsys, running.url)
    finally:
        fake.close()


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_python_seeder_writes_the_shared_vector(
    shipped: Project,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    environment: str,
) -> None:
    docs, rows = seeded_by_python(shipped, capsys, monkeypatch, environment)
    assert len({d["runId"] for d in docs}) == 1
    got = normalized(docs, rows)
    if os.environ.get("SEEDING_UPDATE_VECTORS"):  # regenerate: SEEDING_UPDATE_VECTORS=1
        vector = json.loads(VECTOR.read_text()) if VECTOR.exists() else {}
        VECTOR.write_text(json.dumps({**vector, environment: got}, indent=1, sort_keys=True) + "\n")
    assert got == json.loads(VECTOR.read_text())[environment]


@pytest.mark.skipif(NPX is None, reason="node is not installed")
def test_init_and_the_python_seeder_give_one_state_and_neither_rewrites_the_other(
    shipped: Project,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    assert NPX is not None
    out = tmp_path / "init-state.json"
    done = subprocess.run(
        [NPX, "vitest", "run", "convex/integrations/init.state.test.ts"],
        cwd=ROOT,
        env={**os.environ, "SEEDING_INIT_STATE": str(out)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    by_init = json.loads(out.read_text())
    for environment in ENVIRONMENTS:
        # `state --json` through `serve` after a Python seed == what vitest read after init.
        docs, rows = seeded_by_python(shipped, capsys, monkeypatch, environment)
        init = by_init[environment]
        assert normalized(docs, rows) == normalized(init["documents"], init["state"])

        # The Python seeder after init, on every row init wrote (its run, batches, ledger).
        db = tmp_path / f"after-init-{environment}.sqlite3"
        load(db, init["tables"])
        cases, summary = python_seed(shipped, environment, f"--seeding-db={db}")
        held = {row["integration"] for row in init["state"]}
        actions = {case["integration"]: case.get("action") for case in cases}
        assert {i for i, action in actions.items() if action == "unchanged"} == held
        assert all(actions[i] == "skipped" for i in set(actions) - held)  # not in production
        assert " 0 documents written" in summary, summary

        # `runs` and `rollback` read init's run like any other.
        (run,) = [r for r in runs(capsys, db) if r["runId"] == init["documents"][0]["runId"]]
        assert run["status"] == "succeeded"
        assert run["counts"]["documentsWritten"] == len(init["documents"])
        assert main(["rollback", run["runId"], f"--seeding-db={db}"]) == 0
        assert f"rolled back run {run['runId']}" in capsys.readouterr().out
        target = LocalTarget(seeding_deployment(db))
        assert documents(target) == []
        target.close()
