"""Synthetic catalog generator for the benchmark: N realistic version-1 manifests and a pyproject.

Deterministic for a seed, so two benchmark runs (or two machines) measure the same bytes.
Usage: python bench/generate.py --count N --out DIR [--seed S]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path
from typing import Any

import yaml

JsonObject = dict[str, Any]

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
PYPROJECT = (
    "[tool.pytest.ini_options]\n"
    'testpaths = ["manifests"]\n'
    'junit_family = "xunit1"\n'
    "\n"
    "[tool.seeding_suite]\n"
    'manifest_roots = ["manifests"]\n'
)

VENDORS = (
    "acme", "northwind", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "tyrell",
    "cyberdyne", "wonka", "soylent", "vandelay", "gringotts", "oscorp", "pied-piper",
)  # fmt: skip
PRODUCTS = (
    "crm", "billing", "helpdesk", "analytics", "storage", "mailer", "calendar", "forms",
    "inventory", "payroll", "chat", "docs", "survey", "shipping", "ledger", "cms",
)  # fmt: skip
RESOURCES = (
    "contact", "deal", "invoice", "ticket", "order", "product", "event", "file", "folder",
    "message", "report", "task", "project", "user", "team", "subscription", "payment", "note",
)  # fmt: skip
VERBS = ("create", "get", "update", "delete", "list", "search", "archive", "restore")
EVENTS = ("created", "updated", "deleted", "archived", "status-changed")
FIELD_NAMES = (
    "title", "name", "email", "status", "amount", "currency", "notes", "owner_id", "due_date",
    "priority", "tags", "url", "phone", "quantity", "external_id", "created_at", "updated_at",
    "description", "category", "assignee", "address", "metadata", "locale", "timezone",
)  # fmt: skip
PROPERTY_KINDS = ("string", "integer", "number", "boolean", "array", "object")
PROPERTY_KIND_WEIGHTS = (8, 3, 1, 2, 2, 1)
STRING_FORMATS = ("email", "uri", "date-time", "date", "uuid")
ENUM_VALUES = ("draft", "active", "pending", "archived", "closed", "open", "low", "high")
CONNECTION_TEMPLATES: tuple[JsonObject, ...] = (
    {"id": "api-key", "name": "API key", "auth": "api_key",
     "fields": [{"name": "api_key", "label": "API key", "secret": True}]},
    {"id": "oauth", "name": "OAuth 2.0", "auth": "oauth2",
     "fields": [{"name": "client_id", "label": "Client ID", "secret": False},
                {"name": "client_secret", "label": "Client secret", "secret": True}]},
    {"id": "basic", "name": "Username and password", "auth": "basic",
     "fields": [{"name": "username", "label": "Username", "secret": False},
                {"name": "password", "label": "Password", "secret": True}]},
    {"id": "bearer", "name": "Access token", "auth": "bearer",
     "fields": [{"name": "token", "label": "Access token", "secret": True}]},
)  # fmt: skip


def generate_catalog(out_dir: Path, count: int, seed: int = 0) -> list[Path]:
    """Write `count` manifests under out_dir/manifests and a pyproject.toml; return the paths."""
    manifest_dir = new_catalog_dir(out_dir)
    rng = random.Random(seed)
    stable: list[tuple[str, str]] = []  # (id, version) of earlier manifests others may depend on
    paths: list[Path] = []
    for index in range(count):
        manifest = build_manifest(rng, index, stable)
        path = manifest_dir / f"{manifest['id']}.yaml"
        path.write_text(to_yaml(manifest), encoding="utf-8")
        paths.append(path)
        if manifest["channel"] == "stable":
            stable.append((manifest["id"], manifest["version"]))
    return paths


def new_catalog_dir(out_dir: Path) -> Path:
    """out_dir/manifests, empty, beside a pyproject.toml naming it; returns the manifests dir.

    Refuses a non-empty manifests directory rather than mixing catalogs or deleting files.
    """
    manifest_dir = out_dir / "manifests"
    if manifest_dir.exists() and any(manifest_dir.iterdir()):
        raise FileExistsError(f"{manifest_dir} is not empty")
    manifest_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    return manifest_dir


def to_yaml(manifest: JsonObject) -> str:
    """Block-style YAML with flow-style leaves, key order kept, as a person would write it."""
    text: str = yaml.dump(
        manifest,
        Dumper=yaml.CSafeDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=None,
    )
    return text


def build_manifest(rng: random.Random, index: int, stable: list[tuple[str, str]]) -> JsonObject:
    """One manifest; dependencies are drawn only from earlier stable manifests, so it is a DAG."""
    channel = rng.choices(("stable", "beta", "experimental"), weights=(85, 10, 5))[0]
    vendor, product = rng.choice(VENDORS), rng.choice(PRODUCTS)
    prefix = "" if channel == "stable" else f"{channel}-"
    major = 0 if channel == "experimental" else rng.randint(1, 4)
    manifest: JsonObject = {
        "manifest_version": 1,
        "id": f"{prefix}{vendor}-{product}-{index:05d}",
        "name": f"{vendor.replace('-', ' ').title()} {display(product)} #{index}",
        "version": f"{major}.{rng.randint(0, 12)}.{rng.randint(0, 30)}",
        "description": f"{display(product)} integration for {vendor}: "
        + ", ".join(rng.sample(RESOURCES, 3))
        + " and more, through the vendor's REST API.",
        "channel": channel,
    }
    environments = environments_for(rng, channel)
    if environments:
        manifest["environments"] = environments
    dependencies = dependencies_for(rng, stable)
    if dependencies:
        manifest["dependencies"] = dependencies
    connections = [dict(c) for c in rng.sample(CONNECTION_TEMPLATES, rng.randint(1, 3))]
    connection_ids = [c["id"] for c in connections]
    resources = rng.sample(RESOURCES, 4)
    manifest["connections"] = connections
    manifest["actions"] = actions_for(rng, resources, connection_ids)
    manifest["triggers"] = triggers_for(rng, resources, connection_ids)
    return manifest


def display(product: str) -> str:
    """Acronyms upper-case (CRM, CMS), words title-case (Billing)."""
    return product.upper() if len(product) <= 3 else product.title()


def environments_for(rng: random.Random, channel: str) -> list[str]:
    """The PRD's policy: beta reaches staging at most, experimental stays in development."""
    if channel == "beta":
        return ["development", "staging"]
    if channel == "experimental":
        return ["development"]
    return ["development", "staging", "production"] if rng.random() < 0.2 else []


def dependencies_for(rng: random.Random, stable: list[tuple[str, str]]) -> list[Any]:
    """0-3 earlier stable manifests, each by bare id or with a range its version satisfies."""
    chosen = rng.sample(stable, min(len(stable), rng.randint(0, 3)))
    dependencies: list[Any] = []
    for dep_id, version in chosen:
        major, minor, patch = version.split(".")
        style = rng.random()
        if style < 0.3:
            dependencies.append(dep_id)
        elif style < 0.8:
            dependencies.append(
                {"id": dep_id, "version": f">={major}.{minor}.0 <{int(major) + 1}.0.0"}
            )
        else:
            dependencies.append({"id": dep_id, "version": f"^{major}.{minor}.{patch}"})
    return dependencies


def actions_for(
    rng: random.Random, resources: list[str], connection_ids: list[str]
) -> list[JsonObject]:
    """5-25 actions with distinct verb-resource ids, each with input and output schemas."""
    combos = [(verb, resource) for resource in resources for verb in VERBS]
    actions = []
    for verb, resource in rng.sample(combos, rng.randint(5, 25)):
        actions.append(
            {
                "id": f"{verb}-{resource}",
                "name": f"{verb.title()} {resource}",
                "description": f"{verb.title()}s a {resource} in the connected account.",
                "connection": rng.choice(connection_ids),
                "input_schema": object_schema(rng, depth=0, top=True),
                "output_schema": object_schema(rng, depth=0, top=False),
            }
        )
    return actions


def triggers_for(
    rng: random.Random, resources: list[str], connection_ids: list[str]
) -> list[JsonObject]:
    """1-10 triggers with distinct resource-event ids."""
    combos = [(resource, event) for resource in resources for event in EVENTS]
    triggers = []
    for resource, event in rng.sample(combos, rng.randint(1, 10)):
        triggers.append(
            {
                "id": f"{resource}-{event}",
                "name": f"{resource.title()} {event.replace('-', ' ')}",
                "description": f"Fires when a {resource} is {event.replace('-', ' ')}.",
                "kind": rng.choice(("webhook", "polling")),
                "connection": rng.choice(connection_ids),
                "output_schema": object_schema(rng, depth=0, top=True),
            }
        )
    return triggers


def object_schema(rng: random.Random, depth: int, top: bool) -> JsonObject:
    """An object schema of 2-4 typed properties (1-3 when nested), some required."""
    names = rng.sample(FIELD_NAMES, rng.randint(2, 4) if depth == 0 else rng.randint(1, 3))
    schema: JsonObject = {}
    if top and rng.random() < 0.5:
        schema["$schema"] = SCHEMA_DIALECT
    schema["type"] = "object"
    schema["properties"] = {name: property_schema(rng, depth) for name in names}
    schema["required"] = sorted(rng.sample(names, rng.randint(1, len(names))))
    if rng.random() < 0.3:
        schema["additionalProperties"] = False
    return schema


def property_schema(rng: random.Random, depth: int) -> JsonObject:
    """One property: a string (format, enum or bounds), number, boolean, array or nested object."""
    kind = rng.choices(PROPERTY_KINDS, weights=PROPERTY_KIND_WEIGHTS)[0]
    nest = depth == 0 and rng.random() < 0.1
    if kind == "object":
        free_form: JsonObject = {"type": "object", "additionalProperties": {"type": "string"}}
        return object_schema(rng, depth + 1, top=False) if nest else free_form
    if kind == "array":
        items = object_schema(rng, depth + 1, top=False) if nest else {"type": "string"}
        return {"type": "array", "items": items, "maxItems": rng.choice((10, 50, 100))}
    if kind in ("integer", "number"):
        return {"type": kind, "minimum": 0, "maximum": rng.choice((100, 10_000, 1_000_000))}
    if kind == "boolean":
        return {"type": "boolean", "default": rng.random() < 0.5}
    return string_schema(rng)


def string_schema(rng: random.Random) -> JsonObject:
    """A string with one realistic constraint."""
    choice = rng.random()
    if choice < 0.35:
        return {"type": "string", "format": rng.choice(STRING_FORMATS)}
    if choice < 0.6:
        return {"type": "string", "enum": sorted(rng.sample(ENUM_VALUES, rng.randint(2, 4)))}
    if choice < 0.75:
        return {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}
    return {"type": "string", "minLength": 1, "maxLength": rng.choice((64, 255, 4096))}


def main(argv: list[str] | None = None) -> None:
    """Command line: generate a catalog into --out."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, required=True, help="number of manifests")
    parser.add_argument("--out", type=Path, required=True, help="catalog directory")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    paths = generate_catalog(args.out, args.count, args.seed)
    total = sum(path.stat().st_size for path in paths)
    print(f"wrote {len(paths)} manifests ({total / 1e6:.1f} MB) under {args.out / 'manifests'}")


if __name__ == "__main__":
    main()
