"""The fast loader against a strict YAML 1.2 core-schema reading (issue 12, DESIGN §10).

The property: every file the loader accepts means to it exactly what it means to YAML 1.2's
core schema, or the loader refuses it. Checked on hand-written cases in the shapes of the
official YAML test suite (cases.py, each with the data it means) and on generated documents.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from seeding_suite.loading.yaml import YamlLoadError, load_yaml
from tests.support import reference_yaml
from tests.yaml12.cases import CASES, Case


def typed(data: Any) -> str:
    """Data as canonical JSON: 1, 1.0 and true differ, key order does not."""
    return json.dumps(data, sort_keys=True)


def load(text: str) -> Any:
    return load_yaml(text.encode("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_reference_reads_each_case_as_the_spec_says(case: Case) -> None:
    if case.json is None or case.reference_gap:
        with pytest.raises(reference_yaml.NotPlainData):
            reference_yaml.read(case.yaml)
    else:
        assert typed(reference_yaml.read(case.yaml)) == typed(case.json)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_loader_keeps_each_cases_meaning_or_refuses_it(case: Case) -> None:
    if case.json is None or case.refused:
        with pytest.raises(YamlLoadError) as refused:
            load(case.yaml)
        if case.refused:
            assert case.refused in refused.value.message
    else:
        assert typed(load(case.yaml)) == typed(case.json)
