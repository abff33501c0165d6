"""Size limits on manifests shaped like real API descriptions (issue 12, item 2).

A manifest larger than Convex's 1 MiB document limit seeds when each of its documents fits
(the manifest cache is split); an action whose own schema cannot fit one document fails the
idempotency check naming the file, the field path and the limit.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from seeding_suite.checks.idempotency import IdempotencyCheck
from seeding_suite.discovery.catalog import Catalog
from seeding_suite.engine.checksum import canonical_json
from seeding_suite.loading.yaml import LoadLimits
from tests.support.api_catalog import api_catalog
from tests.unit.checks.manifest_texts import catalog_of

MIB = 1 << 20


def _write(tmp_path: Path, manifest: dict[str, object]) -> list[str]:
    text = api_catalog().to_yaml(manifest)
    catalog = catalog_of(tmp_path, {f"{manifest['id']}.yaml": text})
    source = catalog.source(tmp_path / "manifests" / f"{manifest['id']}.yaml")
    return [f.render() for f in IdempotencyCheck().run(source, catalog)]


def test_a_two_action_manifest_of_1_4_mb_seeds(tmp_path: Path) -> None:
    manifest = api_catalog().api_manifest(random.Random(1), 0, 2, 700_000)
    assert len(canonical_json(manifest)) > 1.3 * MIB  # the manifest alone passes 1 MiB
    assert _write(tmp_path, manifest) == []


def test_an_action_schema_too_large_for_one_document_names_its_field_and_the_limit(
    tmp_path: Path,
) -> None:
    module = api_catalog()
    rng = random.Random(2)
    manifest = module.api_manifest(rng, 0, 3, 200_000)
    manifest["actions"][1]["input_schema"] = module.request_schema(rng, "charge", 1_300_000)
    assert len(json.dumps(manifest["actions"][1]["input_schema"])) > MIB
    [message] = _write(tmp_path, manifest)
    assert message.startswith("manifests/api-0000.yaml:")
    assert ": actions[1].input_schema: " in message
    assert "over Convex's limit of 1,048,576 bytes (1 MiB) per document" in message
    assert "too large in the manifest: actions[1].input_schema (1," in message


def test_an_integration_too_large_for_one_transaction_names_the_limit_and_its_largest_fields(
    tmp_path: Path,
) -> None:
    """Every document fits, but not all of them in one atomic mutation: the check says so,
    naming the transaction budget and the fields that weigh most (a file over the default
    5 MiB, admitted by a larger seeding_max_manifest_bytes)."""
    manifest = api_catalog().api_manifest(random.Random(3), 0, 9, 800_000)
    text = api_catalog().to_yaml(manifest)
    (tmp_path / "manifests").mkdir()
    path = tmp_path / "manifests" / "api-0000.yaml"
    path.write_text(text, encoding="utf-8")
    catalog = Catalog([tmp_path / "manifests"], tmp_path, limits=LoadLimits(max_bytes=20 * MIB))
    [finding] = IdempotencyCheck().run(catalog.source(path), catalog)
    message = finding.render()
    assert "MiB to write exceed one transaction's budget of 7 MiB" in message
    assert "(Convex: 16 MiB written per transaction)" in message
    assert message.startswith("manifests/api-0000.yaml:")
    assert finding.path[0] == "actions" and finding.path[2] == "input_schema"
    assert message.count(".input_schema (") == 3
