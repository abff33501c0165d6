"""`seeding-suite drift`: desired state against a target, or two targets against each other."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from seeding_suite.cli import main
from seeding_suite.discovery.catalog import Catalog
from seeding_suite.engine.seeder import RunInfo, Seeder
from seeding_suite.environments import DEFAULTS
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.plugin.test_environments import edit_by_hand
from tests.support.project import PYPROJECT, manifest


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (tmp_path / "manifests").mkdir()
    for mid in ("stripe", "monday"):
        (tmp_path / "manifests" / f"{mid}.yaml").write_text(manifest(mid), encoding="utf-8")
    catalog = Catalog([tmp_path / "manifests"], tmp_path, policy=DEFAULTS["development"])
    db = tmp_path / ".seeding/local.sqlite3"
    target = LocalTarget(seeding_deployment(db))
    Seeder(target).seed(catalog.desired(), RunInfo("r1", "development", "t", "0", "c"))
    target.close()
    return db


def drift(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["drift", *args])
    return code, capsys.readouterr().out


def test_an_in_sync_target_has_no_drift(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = drift(capsys)
    assert code == 0
    assert out.strip().endswith("0 difference(s) in development: " + str(seeded))


def test_a_row_edited_by_hand_is_drift(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit_by_hand(seeded, "stripe/do-thing")
    code, out = drift(capsys)
    assert code == 1
    assert f"edited   actions stripe/do-thing: edited by hand in {seeded}" in out


def test_a_missing_integration_is_drift(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake = seeding_deployment(seeded)
    ids = [
        d["_id"]
        for t in fake.tables()
        for d in fake.documents(t)
        if d.get("integration") == "monday"
    ]
    fake.register(
        "hand:drop", "mutation", lambda ctx, args: [ctx.db.delete(i) for i in ids] and None
    )
    fake.mutation("hand:drop", {})
    fake.close()
    code, out = drift(capsys)
    assert code == 1
    assert "missing  integrations monday: the integration is not in" in out


def test_two_identical_targets_pass_and_a_hand_edit_in_one_is_found(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = seeded.with_name("production.sqlite3")
    shutil.copy(seeded, copy)
    assert drift(capsys, "--db", str(seeded), "--against-db", str(copy))[0] == 0
    edit_by_hand(copy, "monday/do-thing")
    code, out = drift(capsys, "--db", str(seeded), "--against-db", str(copy), "--json")
    assert code == 1
    assert '"kind": "edited"' in out and '"natural_key": "monday/do-thing"' in out


def test_a_changed_document_names_its_fields_with_both_values(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_by_hand(seeded, "stripe/do-thing")
    manifest_file = seeded.parents[1] / "manifests" / "stripe.yaml"
    code, out = drift(capsys)
    assert code == 1
    assert '    name: target "x", catalog "Do a thing"' in out
    manifest_file.write_text(
        manifest_file.read_text().replace("Do a thing", "Do it now"), encoding="utf-8"
    )
    code, out = drift(capsys, "--json")
    changed = [d for d in json.loads(out) if d["natural_key"] == "stripe/do-thing"]
    assert {d["kind"] for d in changed} == {"changed", "edited"}
    assert all(
        d["fields"] == [{"field": "name", "target": "x", "catalog": "Do it now"}] for d in changed
    )


def test_extra_says_whether_the_catalog_lacks_it_or_the_environment_excludes_it(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (seeded.parents[1] / "manifests" / "stripe.yaml").unlink()
    code, out = drift(capsys, "--seed-env", "staging")
    assert code == 1
    assert "extra    integrations stripe: not in the catalog" in out
    code, out = drift(capsys, "--seed-env", "production")
    assert "extra    integrations monday: excluded in this environment: " in out
    assert "extra    integrations stripe: not in the catalog" in out
