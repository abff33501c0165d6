"""A catalog built like real API descriptions, stored at several times Convex's 16 MiB read
limit: it seeds into the embedded target, `state`, `drift` and `runs` read it, a second run
writes nothing (issue 12, "Done when").

Each manifest has two actions whose input schemas are about 700 KB of JSON (OpenAPI-shaped:
described properties, enums, anyOf with $defs references), so a manifest passes 1.4 MB and the
target stores about 3 MB per integration: twelve of them are more than twice 16 MiB.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from fakes.convex import value_size
from seeding_suite.cli import main
from seeding_suite.remote import SEEDED_TABLES
from seeding_suite.targets.local import seeding_deployment
from tests.support.api_catalog import api_catalog
from tests.support.project import Project

MANIFESTS = 12
MIB = 1 << 20


def stored_bytes(db: Path) -> int:
    """What the seeded tables hold, as Convex measures it (the read limit's unit)."""
    fake = seeding_deployment(db)
    return sum(value_size(doc) for table in SEEDED_TABLES for doc in fake.documents(table))


def test_a_catalog_of_several_times_16_mib_seeds_reads_and_reruns_as_a_no_op(
    project: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.rmtree(project.pytester.path / "manifests")
    api_catalog().generate_api_catalog(project.pytester.path, MANIFESTS, 700_000)
    first = project.run("--check-processes", "0")
    assert first.result.ret == pytest.ExitCode.OK, first.result.stdout.str()[-3000:]
    first.result.stdout.fnmatch_lines([f"seed: {MANIFESTS} created, *"])
    db = project.pytester.path / ".seeding" / "local.sqlite3"
    assert stored_bytes(db) > 2 * 16 * MIB
    first_written = int(first.suite_props()["documents_written"])

    second = project.run("--check-processes", "0")
    assert second.result.ret == pytest.ExitCode.OK
    second.result.stdout.fnmatch_lines(
        [f"seed: 0 created, 0 updated, {MANIFESTS} unchanged, *; 0 documents written, *"]
    )

    monkeypatch.chdir(project.pytester.path)
    capsys.readouterr()
    assert main(["state", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == MANIFESTS
    assert main(["drift"]) == 0
    assert "0 difference(s) in development" in capsys.readouterr().out
    assert main(["runs", "--json"]) == 0
    runs = json.loads(capsys.readouterr().out)
    assert [run["status"] for run in runs] == ["succeeded", "succeeded"]
    assert [run["counts"]["documentsWritten"] for run in runs] == [0, first_written]
