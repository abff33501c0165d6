"""Builders for engine tests: desired integrations without YAML or the manifest model."""

from __future__ import annotations

from collections.abc import Callable

from seeding_suite.engine.desired import DesiredDoc, DesiredIntegration, doc_checksum

Factory = Callable[..., DesiredIntegration]


def build(
    integration: str,
    version: str = "1.0.0",
    actions: int = 2,
    deps: tuple[tuple[str, str], ...] = (),
    label: str = "",
    schema: str = '{"type":"object"}',
) -> DesiredIntegration:
    """An integration node plus `actions` action documents; `label` changes their content.

    `schema` is every action's input schema text (large ones make byte-heavy catalogs).
    """
    node = {
        "name": integration.title(),
        "version": version,
        "description": None,
        "channel": "stable",
        "environments": None,
        "dependencies": [{"id": d, "range": r} for d, r in deps],
    }
    docs = [
        DesiredDoc(
            "integrations",
            integration,
            integration,
            node,
            doc_checksum("integrations", integration, integration, node),
        )
    ]
    for index in range(actions):
        payload: dict[str, object] = {
            "key": f"a{index}",
            "name": f"Action {index}{label}",
            "description": None,
            "connection": None,
            "inputSchemaJson": schema,
            "outputSchemaJson": None,
        }
        key = f"{integration}/a{index}"
        docs.append(
            DesiredDoc(
                "actions",
                key,
                integration,
                payload,
                doc_checksum("actions", key, integration, payload),
            )
        )
    return DesiredIntegration(integration, version, deps, tuple(docs))
