"""The bad-input corpus (DESIGN §10) through the engine API: Catalog plus the checks.

Each case under cases/ is its own catalog. expectations.json says which check must fail for
which file and what the message must say (file:line:column, field, expectation). Every other
file of a case must pass every check: good manifests are unaffected by bad neighbours.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from seeding_suite.checks import CHECKS, check_named
from seeding_suite.discovery.catalog import Catalog
from seeding_suite.loading.yaml import LoadLimits
from seeding_suite.runner import CheckRunner

if TYPE_CHECKING:
    from seeding_suite.findings import Finding

HERE = Path(__file__).parent
CASES = HERE / "cases"
EXPECTATIONS: dict[str, list[dict[str, str]]] = json.loads(
    (HERE / "expectations.json").read_text(encoding="utf-8")
)


def run_checks(catalog: Catalog) -> dict[str, dict[str, list[Finding]]]:
    """file -> check -> findings, for the checks that ran (the runner honours `requires`)."""
    runner = CheckRunner(catalog, CHECKS)
    results: dict[str, dict[str, list[Finding]]] = {}
    for path in catalog.files():
        outcomes = {name: runner.run(name, path) for name in runner.names}
        results[catalog.display(path)] = {
            name: list(o.findings) for name, o in outcomes.items() if o.status != "skipped"
        }
    return results


def failures(results: dict[str, dict[str, list[Finding]]]) -> set[tuple[str, str]]:
    return {(f, c) for f, checks in results.items() for c, found in checks.items() if found}


def test_every_case_has_expectations_and_every_expectation_a_case() -> None:
    assert sorted(p.name for p in CASES.iterdir()) == sorted(EXPECTATIONS)


@pytest.mark.parametrize("case", sorted(EXPECTATIONS))
def test_a_bad_manifest_fails_exactly_the_expected_check_with_a_located_message(
    case: str,
) -> None:
    catalog = Catalog([CASES / case / "manifests"], CASES / case)
    results = run_checks(catalog)
    expected = EXPECTATIONS[case]
    assert failures(results) == {(e["file"], e["check"]) for e in expected}
    for expectation in expected:
        rendered = [f.render() for f in results[expectation["file"]][expectation["check"]]]
        assert any(expectation["contains"] in text for text in rendered), rendered
    for display, outcome in results.items():
        if display not in {e["file"] for e in expected}:
            assert set(outcome) == {c.name for c in CHECKS}, f"{display} should pass everything"


@pytest.mark.parametrize("case", sorted(EXPECTATIONS))
def test_every_finding_is_one_paragraph_without_a_traceback(case: str) -> None:
    catalog = Catalog([CASES / case / "manifests"], CASES / case)
    for outcome in run_checks(catalog).values():
        for finding in (f for found in outcome.values() for f in found):
            text = finding.render()
            assert "\n" not in text
            assert "Traceback" not in text
            assert len(text) < 400
            assert finding.line is not None


def test_a_huge_file_fails_parse_without_being_read_whole(tmp_path: Path) -> None:
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    huge = manifests / "huge.yaml"
    with huge.open("wb") as handle:
        handle.write(b"manifest_version: 1\nid: huge\nname: Huge\nversion: 1.0.0\nnotes:\n")
        handle.write(b"  - a line of padding that repeats\n" * 200_000)  # about 7 MB
    catalog = Catalog([manifests], tmp_path, limits=LoadLimits(max_bytes=5 * 1024 * 1024))
    source = catalog.source(huge)
    [finding] = check_named("parse").run(source, catalog)
    assert finding.render() == (
        "manifests/huge.yaml: the file is larger than 5,242,880 bytes, the limit for one manifest "
        "(ini seeding_max_manifest_bytes)"
    )
    assert len(source.raw()) == 5 * 1024 * 1024 + 1


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("a:\n  " + "- " * 200_000 + "x\n", id="block-nesting-200k"),
        pytest.param("a: " + "[" * 200_000 + "]" * 200_000 + "\n", id="flow-nesting-200k"),
        pytest.param("a: " + "{b: " * 100_000 + "1" + "}" * 100_000 + "\n", id="flow-maps-100k"),
        pytest.param(
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"a{i}: &a{i} [{', '.join(['*a' if i == 1 else f'*a{i - 1}'] * 10)}]\n"
                for i in range(1, 12)
            ),
            id="alias-bomb-10^12",
        ),
    ],
)
def test_hostile_files_are_refused_with_bounded_work(tmp_path: Path, content: str) -> None:
    # Bounded work is asserted by construction: each would hang, crash or exhaust memory if
    # it were expanded or recursed into; finishing here at all is the claim (no timed assert).
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    (manifests / "hostile.yaml").write_text(content, encoding="utf-8")
    catalog = Catalog([manifests], tmp_path)
    [finding] = check_named("parse").run(catalog.source(manifests / "hostile.yaml"), catalog)
    assert finding.check == "parse"
    assert finding.line is not None
