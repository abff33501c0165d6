"""Desired state: the documents a manifest becomes in the target (tables: seeding_suite.remote)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from seeding_suite import remote
from seeding_suite.engine.checksum import canonical_json, checksum, combine
from seeding_suite.errors import SeedError
from seeding_suite.rollouts.documents import ROLLOUTS_TABLE, natural_key, rollout_payload

if TYPE_CHECKING:
    from collections.abc import Callable

    from seeding_suite.environments import EnvironmentPolicy
    from seeding_suite.model import Manifest


@dataclass(frozen=True)
class DesiredDoc:
    """One document as the catalog wants it; `checksum` covers everything but `runId`."""

    table: str
    natural_key: str
    integration: str
    payload: dict[str, object]
    checksum: str

    def document(self) -> dict[str, object]:
        """The `doc` of an upsert op (remote.py): common fields except runId, plus the payload."""
        return {
            "naturalKey": self.natural_key,
            "integration": self.integration,
            "checksum": self.checksum,
            **self.payload,
        }


class DesiredIntegration:
    """Every document of one integration, the integration's dependencies and its checksum.

    The documents are given, or loaded on first use by `load` when the checksum is already
    known: a final stage that learned an integration's checksum from its checks reads the
    manifest again only if the target holds something else.
    """

    __slots__ = ("_checksum", "_docs", "_load", "dependencies", "id", "version")

    def __init__(
        self,
        id: str,
        version: str,
        dependencies: tuple[tuple[str, str], ...],
        docs: tuple[DesiredDoc, ...] | None = None,
        *,
        checksum: str | None = None,
        load: Callable[[], tuple[DesiredDoc, ...]] | None = None,
    ) -> None:
        if (docs is None) == (load is None) or (load is not None and checksum is None):
            raise ValueError("give the documents, or a loader and the checksum they have")
        self.id = id
        self.version = version
        self.dependencies = dependencies
        self._docs = docs
        self._load = load
        self._checksum = checksum

    def __repr__(self) -> str:
        return f"DesiredIntegration({self.id!r}, {self.version!r})"

    @property
    def loaded(self) -> bool:
        """Whether the documents are here (given, or loaded already)."""
        return self._docs is not None

    @property
    def docs(self) -> tuple[DesiredDoc, ...]:
        """The documents; loading them raises SeedError if they lost the promised checksum."""
        if self._docs is None:
            assert self._load is not None
            docs = self._load()
            if combine(doc.checksum for doc in docs) != self._checksum:
                raise ManifestChanged(
                    f"{self.id}: the manifest changed after its checks ran; run them again"
                )
            self._docs = docs
        return self._docs

    @property
    def checksum(self) -> str:
        if self._checksum is None:
            self._checksum = combine(doc.checksum for doc in self.docs)
        return self._checksum


class ManifestChanged(SeedError):
    """Documents loaded late are not those whose checksum the checks vouched for."""


def _schema_json(schema: object) -> str | None:
    # `$`-keys are illegal Convex field names; a canonical JSON string round-trips exactly.
    return None if schema is None else canonical_json(schema)


_SCHEMA_FIELDS: Final = {
    "actions": ("input_schema", "output_schema"),
    "triggers": ("output_schema",),
}
_WITHOUT_SCHEMAS: Final = {
    group: {"__all__": set(fields)} for group, fields in _SCHEMA_FIELDS.items()
}
_SLOT: Final = "\x00schema\x00"
"""What a placeholder for a schema's text starts with (then its number)."""
_SLOT_JSON: Final = canonical_json(_SLOT)[1:-1]
_SLOTS: Final = re.compile(f'"{re.escape(_SLOT_JSON)}(\\d+)"')


def _manifest_json(manifest: Manifest, schema_json: Callable[[object], str | None]) -> str:
    """`canonical_json(manifest.model_dump(mode="json"))`, each embedded schema done once.

    Schemas are most of a manifest: dumping and encoding them again for this text doubled the
    cost of the desired state. Instead each schema's own text (which its document carries
    anyway) is spliced in. The same text: the loader admits only JSON-shaped data (string
    keys, finite numbers), which dumps as itself. A manifest whose own text could pass for a
    placeholder, or a schema that is not JSON, takes the plain dump.
    """
    dump = manifest.model_dump(mode="json", exclude=_WITHOUT_SCHEMAS)
    texts: list[str] = []
    try:
        for group, fields in _SCHEMA_FIELDS.items():
            for item, dumped in zip(getattr(manifest, group), dump[group], strict=True):
                for field in fields:
                    text = schema_json(getattr(item, field))
                    dumped[field] = None if text is None else f"{_SLOT}{len(texts)}"
                    if text is not None:
                        texts.append(text)
    except (TypeError, ValueError):
        return canonical_json(manifest.model_dump(mode="json"))
    skeleton = canonical_json(dump)
    if skeleton.count(_SLOT_JSON) != len(texts):
        return canonical_json(manifest.model_dump(mode="json"))
    return _SLOTS.sub(lambda slot: texts[int(slot[1])], skeleton)


MANIFEST_PART_BYTES: Final = 384 * 1024
"""UTF-8 bytes of manifest JSON per `manifests` document.

The manifest cache holds the whole manifest, which may be far larger than Convex's 1 MiB per
document even when each action and trigger fits; split, it never sets an integration's limit.
A part's ledger copy (its document as canonical JSON, where each `"` or `\\` of the text
gains a backslash) is at most twice the part, so 384 KiB leaves room under 1 MiB for both.
"""


def manifest_parts(
    integration: str, text: str, part_bytes: int = MANIFEST_PART_BYTES
) -> list[tuple[str, str]]:
    """The manifest cache's documents as (naturalKey, text) in order: joined, they are `text`.

    Part 1 keeps the integration's own key (a manifest that fits is stored as before); part n
    is `<id>/part-<nnnn>`, so keys sort in part order. Cuts fall between UTF-8 characters.
    Each part is a document with its own checksum, so drift, pruning and rollback see a
    missing, extra or edited part like any other document.
    """
    raw = text.encode("utf-8")
    parts: list[tuple[str, str]] = []
    start = 0
    while True:
        end = min(start + part_bytes, len(raw))
        while end < len(raw) and raw[end] & 0xC0 == 0x80:  # never inside a character
            end -= 1
        key = integration if not parts else f"{integration}/part-{len(parts) + 1:04}"
        parts.append((key, raw[start:end].decode("utf-8")))
        start = end
        if start >= len(raw):
            return parts


def doc_checksum(table: str, key: str, integration: str, payload: dict[str, object]) -> str:
    """The checksum of one document; also recomputed from a target's rows to find hand edits.

    Live fields (remote.LIVE_FIELDS: a rollout's progress) are not the catalog's: they are
    left out, so moving them is neither a change to seed over nor an edit by hand.
    """
    live = remote.LIVE_FIELDS.get(table, ())
    owned = {k: v for k, v in payload.items() if k not in live} if live else payload
    return checksum({"table": table, "naturalKey": key, "integration": integration, **owned})


def _doc(table: str, key: str, integration: str, payload: dict[str, object]) -> DesiredDoc:
    return DesiredDoc(
        table, key, integration, payload, doc_checksum(table, key, integration, payload)
    )


def desired_integration(
    manifest: Manifest, policy: EnvironmentPolicy | None = None
) -> DesiredIntegration:
    """The documents of one manifest, in a stable order (integration node first).

    With an environment policy, actions and triggers behind a feature flag that is off in that
    environment are left out, and a rollout block that applies there becomes its rollout
    document (rollouts/documents.py).
    """
    mid = manifest.id
    schema_texts: dict[int, str | None] = {}

    def wanted(flag: str | None) -> bool:
        return flag is None or policy is None or policy.flag_on(flag)

    def schema_json(schema: object) -> str | None:
        """`_schema_json`, once per schema: the manifest's text and a document share it."""
        key = id(schema)  # the manifest keeps every schema alive, so ids stay unique
        if key not in schema_texts:
            schema_texts[key] = _schema_json(schema)
        return schema_texts[key]

    docs = [
        _doc(
            "integrations",
            mid,
            mid,
            {
                "name": manifest.name,
                "version": manifest.version,
                "description": manifest.description,
                "channel": manifest.channel,
                "environments": None
                if manifest.environments is None
                else list(manifest.environments),
                "dependencies": [{"id": d.id, "range": d.range} for d in manifest.dependencies],
            },
        ),
    ]
    for key, part in manifest_parts(mid, _manifest_json(manifest, schema_json)):
        docs.append(
            _doc("manifests", key, mid, {"version": manifest.version, "manifestJson": part})
        )
    for conn in manifest.connections:
        payload: dict[str, object] = {
            "key": conn.id,
            "name": conn.name,
            "auth": conn.auth,
            "fields": [{"name": f.name, "label": f.label, "secret": f.secret} for f in conn.fields],
        }
        docs.append(_doc("connections", f"{mid}/{conn.id}", mid, payload))
    for action in (a for a in manifest.actions if wanted(a.flag)):
        payload = {
            "key": action.id,
            "name": action.name,
            "description": action.description,
            "connection": action.connection,
            "inputSchemaJson": schema_json(action.input_schema),
            "outputSchemaJson": schema_json(action.output_schema),
        }
        docs.append(_doc("actions", f"{mid}/{action.id}", mid, payload))
    for trigger in (t for t in manifest.triggers if wanted(t.flag)):
        payload = {
            "key": trigger.id,
            "name": trigger.name,
            "description": trigger.description,
            "kind": trigger.kind,
            "connection": trigger.connection,
            "outputSchemaJson": schema_json(trigger.output_schema),
        }
        docs.append(_doc("triggers", f"{mid}/{trigger.id}", mid, payload))
    rollout = None if policy is None else rollout_payload(manifest, policy.name)
    if rollout is not None and policy is not None:
        docs.append(_doc(ROLLOUTS_TABLE, natural_key(mid, policy.name), mid, rollout))
    deps = tuple((d.id, d.range) for d in manifest.dependencies)
    return DesiredIntegration(mid, manifest.version, deps, tuple(docs))
