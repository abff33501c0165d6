"""`seeding-suite validate`, `new` and `preview`: the tools for integration authors."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema_rs
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from seeding_suite.cli import main
from seeding_suite.commands.new import SCHEMA_FILE, skeleton
from seeding_suite.discovery.catalog import Catalog
from seeding_suite.engine.desired import desired_integration
from seeding_suite.engine.seeder import RunInfo, Seeder
from seeding_suite.model import SLUG_PATTERN, Manifest
from seeding_suite.schema_export import manifest_json_schema
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.support.project import DEPS_ON_CORE, PYPROJECT, manifest

BADINPUT = Path(__file__).parents[1] / "badinput"
SCRIPT = Path(sys.executable).with_name("seeding-suite")


@pytest.fixture
def catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project in tmp_path (the current folder): core 1.2.0 and stripe (needs core ^1)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SEEDING_ENV", raising=False)
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (tmp_path / "manifests").mkdir()
    write(tmp_path, "core", manifest("core", "1.2.0"))
    write(tmp_path, "stripe", manifest("stripe", "2.3.0", deps=DEPS_ON_CORE))
    return tmp_path


def write(root: Path, mid: str, text: str, folder: str = "manifests") -> Path:
    path = root / folder / f"{mid}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------- validate


def test_validate_summarises_each_integration_then_totals_and_fails_on_any_error(
    catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(catalog, "monday", manifest("monday", connection="api-kee"))
    write(catalog, "broken", "manifest_version: 1\nid: broken\nname: [\n")
    code, out, _ = run(capsys, "validate")
    assert code == 1
    lines = out.splitlines()
    assert "core (manifests/core.yaml): ok" in lines
    assert "stripe (manifests/stripe.yaml): ok" in lines
    assert "monday (manifests/monday.yaml): 1 error" in lines
    assert (
        "  [references] manifests/monday.yaml:17:17: actions[0].connection: 'api-kee' is not a "
        "connection of this manifest (declared: api-key)"
    ) in lines
    assert "broken (manifests/broken.yaml): 1 error" in lines
    assert any(line.startswith("  [parse] manifests/broken.yaml:3:") for line in lines)
    skipped = "schema, references, dependencies, idempotency, signature"
    assert f"  not run (an earlier check failed): {skipped}" in lines
    assert lines[-1] == "4 manifests checked in development: 2 ok, 2 invalid (2 errors)"


def test_validate_is_clean_on_a_valid_catalog(
    catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "validate")
    assert code == 0
    assert out.splitlines()[-1] == "2 manifests checked in development: 2 ok, 0 invalid (0 errors)"


def test_one_file_is_judged_against_the_whole_catalog(
    catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "validate", "manifests/stripe.yaml")
    assert code == 0 and out.splitlines()[0] == "stripe (manifests/stripe.yaml): ok"
    # A manifest outside the catalog's roots: its dependency on a catalog manifest resolves...
    draft = write(catalog, "monday", manifest("monday", deps=DEPS_ON_CORE), folder="drafts")
    code, out, _ = run(capsys, "validate", str(draft))
    assert code == 0 and "1 manifest checked" in out
    # ... and one the catalog cannot satisfy fails with the pytest run's message.
    (catalog / "manifests" / "core.yaml").unlink()
    code, out, _ = run(capsys, "validate", "manifests/stripe.yaml")
    assert code == 1
    assert "[dependencies] manifests/stripe.yaml:" in out and "'core'" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["validate", "nowhere"], "nowhere: no such file or directory"),
        (["validate", "pyproject.toml"], "pyproject.toml: holds no manifest"),
        (["validate", "empty"], "empty: holds no manifest"),
        (["validate", "manifests/core.yaml", "nowhere.yaml"], "nowhere.yaml: no such file"),
    ],
)
def test_validate_refuses_a_path_with_nothing_to_check(
    catalog: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    (catalog / "empty").mkdir()
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and message in err


def test_validate_refuses_an_empty_catalog(
    catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for path in (catalog / "manifests").iterdir():
        path.unlink()
    code, _, err = run(capsys, "validate")
    assert code == 2 and "no manifest in the catalog (manifest roots: manifests)" in err
    (catalog / "manifests").rmdir()
    code, _, err = run(capsys, "validate")
    # The fixture's pyproject names the root: settings.manifest_roots refuses it first.
    assert code == 2 and "manifest root(s) not found: manifests" in err


def test_validate_json_gives_typed_findings_and_totals(
    catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(catalog, "monday", manifest("monday", connection="api-kee"))
    code, out, _ = run(capsys, "validate", "--json")
    data = json.loads(out)
    assert code == 1
    assert data["totals"] == {"manifests": 3, "ok": 2, "invalid": 1, "errors": 1}
    monday = next(m for m in data["manifests"] if m["integration"] == "monday")
    assert monday["ok"] is False and monday["checks"]["references"] == "failed"
    assert monday["checks"]["idempotency"] == "skipped"
    assert monday["findings"] == [
        {
            "check": "references",
            "file": "manifests/monday.yaml",
            "line": 17,
            "column": 17,
            "field": "actions[0].connection",
            "message": "'api-kee' is not a connection of this manifest (declared: api-key)",
        }
    ]


@pytest.mark.parametrize("case", sorted(p.name for p in (BADINPUT / "cases").iterdir()))
def test_validate_reports_the_bad_input_corpus_with_the_checks_messages(
    case: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hostile files (bombs, deep nesting, bad encodings...): located findings, exit 1."""
    monkeypatch.chdir(BADINPUT / "cases" / case)
    expected = json.loads((BADINPUT / "expectations.json").read_text(encoding="utf-8"))[case]
    code, out, err = run(capsys, "validate")
    assert code == 1 and err == ""
    for expectation in expected:
        assert any(
            line.startswith(f"  [{expectation['check']}] ") and expectation["contains"] in line
            for line in out.splitlines()
        ), expectation


def test_the_console_script_validates_in_a_real_process(catalog: Path) -> None:
    write(catalog, "monday", manifest("monday", connection="api-kee"))
    done = subprocess.run(
        [str(SCRIPT), "validate"], cwd=catalog, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "monday (manifests/monday.yaml): 1 error" in done.stdout
    missing = subprocess.run(
        [str(SCRIPT), "validate", "gone"], cwd=catalog, capture_output=True, text=True, check=False
    )
    assert missing.returncode == 2 and missing.stderr.strip() == (
        "seeding-suite: gone: no such file or directory"
    )


# ---------------------------------------------------------------- new


def test_new_writes_a_skeleton_that_passes_every_check_with_the_schema_modeline(
    catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "new", "acme-crm")
    path = catalog / "manifests" / "acme-crm.yaml"
    assert code == 0 and "manifests/acme-crm.yaml" in out
    first, *_ = path.read_text(encoding="utf-8").splitlines()
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match is not None
    schema_path = Path(match[1])
    assert not schema_path.is_absolute()  # the same in every checkout
    assert (path.parent / schema_path).resolve() == SCHEMA_FILE.resolve()
    # The editor's view (the JSON Schema) and the harness's (every check) agree: valid.
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema_rs.validator_for(manifest_json_schema()).validate(data)
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 0 and out.splitlines()[0] == "acme-crm (manifests/acme-crm.yaml): ok"


def test_new_writes_under_root(catalog: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(capsys, "new", "acme", "--root", "drafts/deep")
    assert code == 0 and (catalog / "drafts" / "deep" / "acme.yaml").is_file()


@pytest.mark.parametrize("bad", ["Acme", "a", "1password", "acme_crm", "-acme", "a" * 64, "x/y"])
def test_new_refuses_an_invalid_id(
    catalog: Path, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    before = sorted((catalog / "manifests").iterdir())
    code, _, err = run(capsys, "new", "--", bad)
    assert code == 2
    assert f"{bad!r} is not a valid integration id: expected a slug: a lowercase letter" in err
    assert sorted((catalog / "manifests").iterdir()) == before


@pytest.mark.parametrize("existing", ["zeta.yaml", "zeta.yml"])
def test_new_never_overwrites(
    catalog: Path, capsys: pytest.CaptureFixture[str], existing: str
) -> None:
    path = catalog / "manifests" / existing
    path.write_text("mine\n", encoding="utf-8")
    code, _, err = run(capsys, "new", "zeta")
    assert code == 2 and f"{existing} already exists; nothing written" in err
    assert path.read_text(encoding="utf-8") == "mine\n"


@settings(max_examples=40, deadline=None)
@given(integration=st.from_regex(SLUG_PATTERN, fullmatch=True))
def test_every_valid_id_gets_a_skeleton_the_model_accepts(integration: str) -> None:
    text = skeleton(integration, Path("/project/manifests") / f"{integration}.yaml")
    parsed = Manifest.model_validate(yaml.safe_load(text))
    assert parsed.id == integration


# ---------------------------------------------------------------- preview


def seed(db: Path, root: Path, *mids: str) -> None:
    catalog = Catalog([root / "manifests"], root)
    desired = [
        desired_integration(catalog.source(root / "manifests" / f"{m}.yaml").manifest) for m in mids
    ]
    target = LocalTarget(seeding_deployment(db))
    try:
        Seeder(target).seed(desired, RunInfo("r1", "development", "t", "0", "c"))
    finally:
        target.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_preview_of_an_empty_target_creates_every_document_and_creates_no_store(
    catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "preview", "manifests/stripe.yaml", "--json")
    data = json.loads(out)
    assert code == 0 and not (catalog / ".seeding").exists()
    desired = desired_integration(
        Catalog([catalog / "manifests"], catalog)
        .source(catalog / "manifests" / "stripe.yaml")
        .manifest
    )
    assert data["action"] == "created" and data["checksum"] == desired.checksum
    assert data["documents"] == [
        {"table": d.table, "naturalKey": d.natural_key, "checksum": d.checksum, "action": "create"}
        for d in desired.docs
    ]
    assert {d["table"] for d in data["documents"]} == {
        "integrations",
        "manifests",
        "connections",
        "actions",
        "triggers",
    }
    code, out, _ = run(capsys, "preview", "manifests/stripe.yaml")
    assert "(not created yet: read as empty) does not hold stripe: created" in out
    assert "  + stripe/do-thing " in out and out.splitlines()[-1].startswith(
        "5 document(s): 5 to create, 0 to update, 0 unchanged, 0 to delete"
    )
    assert not (catalog / ".seeding").exists()


def test_preview_says_what_the_target_would_do_with_each_document_without_writing(
    catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = catalog / ".seeding" / "local.sqlite3"
    seed(db, catalog, "core", "stripe")
    before = digest(db)
    code, out, _ = run(capsys, "preview", "manifests/stripe.yaml")
    assert code == 0 and "holds stripe 2.3.0: unchanged" in out
    assert "5 document(s): 0 to create, 0 to update, 5 unchanged, 0 to delete" in out
    # Rename the action (a new key: create + delete), bump the version (the node: update).
    edited = manifest("stripe", "2.4.0", deps=DEPS_ON_CORE).replace("do-thing", "charge")
    write(catalog, "stripe", edited)
    code, out, _ = run(capsys, "preview", "manifests/stripe.yaml", "--db", str(db))
    lines = out.splitlines()
    assert code == 0 and "holds stripe 2.3.0: updated" in lines[1]
    rows = {tuple(line.split()[:2]): line.split()[-1] for line in lines if line.startswith("  ")}
    assert rows[("~", "stripe")] == "update"  # integrations and manifests
    assert rows[("+", "stripe/charge")] == "create"
    assert rows[("-", "stripe/do-thing")] == "delete"
    assert rows[("=", "stripe/api-key")] == "unchanged"
    assert lines[-1] == "6 document(s): 1 to create, 2 to update, 2 unchanged, 1 to delete"
    assert digest(db) == before  # read-only: the store is byte for byte the same


def test_preview_follows_the_environment(catalog: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(catalog, "beta", manifest("beta", extra="channel: beta\n"))
    code, out, _ = run(capsys, "preview", "manifests/beta.yaml", "--seed-env", "production")
    assert code == 0 and " in production: " in out.splitlines()[0]
    assert out.splitlines()[-1].startswith("note: not seeded in production: ")


def test_preview_of_an_invalid_manifest_shows_its_findings(
    catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(catalog, "monday", manifest("monday", connection="api-kee"))
    code, out, _ = run(capsys, "preview", "manifests/monday.yaml")
    assert code == 1
    assert "  [references] manifests/monday.yaml:17:17: actions[0].connection:" in out
    assert out.splitlines()[-1] == "nothing to preview: the manifest does not pass its checks"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["manifests"], "manifests: preview takes one manifest file"),
        (["gone.yaml"], "gone.yaml: no such file or directory"),
        (["manifests/core.yaml", "--db", "gone.sqlite3"], "--db gone.sqlite3: no such file"),
    ],
)
def test_preview_refuses_what_it_cannot_show(
    catalog: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, "preview", *argv)
    assert code == 2 and message in err and not (catalog / "gone.sqlite3").exists()


def test_help_lists_the_author_commands() -> None:
    done = subprocess.run(
        [str(SCRIPT), "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    for command in ("validate", "new", "preview"):
        assert command in done.stdout
