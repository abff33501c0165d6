"""The three private pytest names the plugin leans on still exist with the shape it uses.

A pytest upgrade that moves one fails here, by name, rather than as an INTERNALERROR mid-run
or (for the audit log's suite properties) silently.
"""

from __future__ import annotations

import inspect


def test_junitxml_keeps_its_logxml_under_xml_key() -> None:
    from _pytest.junitxml import LogXML, xml_key

    assert xml_key is not None
    assert callable(LogXML.add_global_property)


def test_the_mark_expression_evaluator_takes_a_matcher() -> None:
    from _pytest.mark.expression import Expression

    expr = Expression.compile("seed and not parse")
    assert expr.evaluate(lambda name, /, **kw: name == "seed")
    assert not expr.evaluate(lambda name, /, **kw: name in {"seed", "parse"})


def test_runtestprotocol_runs_an_item_without_logging() -> None:
    from _pytest.runner import runtestprotocol

    params = inspect.signature(runtestprotocol).parameters
    assert list(params) == ["item", "log", "nextitem"]
