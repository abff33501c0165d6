"""Byte-heavy catalogs shaped like real API descriptions (Stripe's, Slack's, Twilio's OpenAPI).

Real specs are not small schemas: an operation's request or response body is an object whose
properties each carry a paragraph of description (markdown links, `code` spans), `maxLength`
bounds, nullable types, long `enum`s, `anyOf` of an id string or an expandable `$ref`, unix-time
integers, free-form `metadata`, arrays of nested objects, and the referenced objects travel
along in `$defs`. Single schemas reach hundreds of kilobytes; a manifest with two of them
passes 1 MB. This generator writes such manifests (no spec's text: words and shapes only),
deterministic for a seed, so tests and the benchmark can load Convex's byte limits.

Usage: python bench/api_catalog.py --manifests N --schema-kb K --out DIR [--actions A]
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

from generate import CONNECTION_TEMPLATES, SCHEMA_DIALECT, new_catalog_dir, to_yaml

JsonObject = dict[str, Any]

RESOURCES = (
    "account", "balance_transaction", "charge", "checkout_session", "coupon", "customer",
    "dispute", "invoice", "invoice_item", "payment_intent", "payment_method", "payout", "price",
    "product", "refund", "setup_intent", "subscription", "tax_rate", "transfer", "conversation",
    "message", "channel", "user_profile", "call", "recording", "phone_number", "webhook",
)  # fmt: skip
NOUNS = (
    "amount", "currency", "status", "reason", "description", "statement_descriptor", "email",
    "country", "created", "livemode", "metadata", "receipt_url", "source", "destination",
    "billing_details", "shipping", "outcome", "fraud_details", "application_fee", "balance",
    "period_end", "period_start", "quantity", "unit_amount", "tax_behavior", "locale", "timezone",
    "phone", "address", "line1", "postal_code", "state", "city", "display_name", "topic",
)  # fmt: skip
PHRASES = (
    "Three-letter [ISO currency code](https://www.iso.org/iso-4217-currency-codes.html), in "
    "lowercase.",
    "Has the value `true` if the object exists in live mode or the value `false` if the object "
    "exists in test mode.",
    "Time at which the object was created. Measured in seconds since the Unix epoch.",
    "Set of [key-value pairs](https://docs.example.com/api/metadata) that you can attach to an "
    "object. This can be useful for storing additional information about the object in a "
    "structured format.",
    "If present, this property tells you what actions you need to take in order for your "
    "customer to fulfill a payment using the provided source.",
    "This field is `null` until the object is finalized; after that it never changes.",
    "Only returned when the request includes `expand[]` for this field; see [expanding "
    "responses](https://docs.example.com/api/expanding_objects).",
    "Can be `automatic`, `manual`, or `on_behalf_of`; defaults to `automatic` when omitted.",
    "The maximum length is 5000 characters, and longer values are truncated without an error.",
    "A positive integer representing how much to charge in the [smallest currency unit]"
    "(https://docs.example.com/currencies#zero-decimal), e.g. 100 cents to charge $1.00.",
)
ENUM_WORDS = (
    "active", "canceled", "incomplete", "incomplete_expired", "past_due", "paused", "trialing",
    "unpaid", "requires_action", "requires_capture", "requires_confirmation", "succeeded",
    "processing", "duplicate", "fraudulent", "requested_by_customer", "expired_uncaptured_charge",
    "automatic", "manual", "on_behalf_of", "draft", "open", "paid", "uncollectible", "void",
)  # fmt: skip


def generate_api_catalog(
    out_dir: Path, manifests: int, schema_bytes: int, actions: int = 2, seed: int = 0
) -> list[Path]:
    """Write `manifests` manifests of `actions` actions, each input schema about `schema_bytes`
    of JSON, plus small output schemas and triggers, and a pyproject.toml; return the paths."""
    manifest_dir = new_catalog_dir(out_dir)
    rng = random.Random(seed)
    paths = []
    for index in range(manifests):
        manifest = api_manifest(rng, index, actions, schema_bytes)
        path = manifest_dir / f"{manifest['id']}.yaml"
        path.write_text(to_yaml(manifest), encoding="utf-8")
        paths.append(path)
    return paths


def api_manifest(rng: random.Random, index: int, actions: int, schema_bytes: int) -> JsonObject:
    """One integration in the shape of a vendor's API: operations over its resources."""
    connections = [dict(c) for c in rng.sample(CONNECTION_TEMPLATES, 2)]
    resources = rng.sample(RESOURCES, max(actions, 2))
    return {
        "manifest_version": 1,
        "id": f"api-{index:04d}",
        "name": f"API {index}",
        "version": f"{rng.randint(1, 9)}.{rng.randint(0, 40)}.0",
        "description": f"Operations over {', '.join(resources)}, from the vendor's OpenAPI.",
        "connections": connections,
        "actions": [
            {
                "id": f"create-{resource.replace('_', '-')}",
                "name": f"Create a {resource.replace('_', ' ')}",
                "description": sentence(rng, 3),
                "connection": connections[0]["id"],
                "input_schema": request_schema(rng, resource, schema_bytes),
                "output_schema": object_schema(rng, resource, 8, depth=2, refs=("#",)),
            }
            for resource in resources[:actions]
        ],
        "triggers": [
            {
                "id": f"{resources[0].replace('_', '-')}-updated",
                "name": f"{resources[0].replace('_', ' ').title()} updated",
                "description": sentence(rng, 2),
                "kind": "webhook",
                "connection": connections[-1]["id"],
                "output_schema": object_schema(rng, resources[0], 12, depth=2, refs=("#",)),
            }
        ],
    }


def request_schema(rng: random.Random, resource: str, size: int) -> JsonObject:
    """A request body of about `size` bytes of JSON: `$defs` of the objects its parameters
    reference (as expanded specs carry them), until the size is reached, then the parameters,
    whose expandable ones point into those `$defs`."""
    defs: JsonObject = {}
    used = 0
    while used < size or not defs:
        name = f"{rng.choice(RESOURCES)}_{len(defs)}"
        defs[name] = object_schema(rng, name, rng.randint(20, 60), depth=3, refs=("#",))
        used += len(json.dumps(defs[name])) + len(name) + 4
    refs = tuple(f"#/$defs/{name}" for name in defs)
    top = object_schema(rng, f"{resource}_create_params", 40, depth=3, refs=refs)
    return {"$schema": SCHEMA_DIALECT, **top, "additionalProperties": False, "$defs": defs}


def object_schema(
    rng: random.Random, name: str, width: int, depth: int, refs: tuple[str, ...]
) -> JsonObject:
    """An object of `width` described properties, nesting objects down to `depth`;
    expandable properties point at one of `refs`."""
    names = [f"{rng.choice(NOUNS)}_{n}" for n in range(width)]
    return {
        "title": name,
        "description": sentence(rng, 2),
        "type": "object",
        "properties": {field: property_schema(rng, depth, refs) for field in names},
        "required": sorted(rng.sample(names, min(3, width))),
        "x-expandableFields": sorted(rng.sample(names, min(2, width))),
    }


def property_schema(rng: random.Random, depth: int, refs: tuple[str, ...]) -> JsonObject:
    """One property as real specs write them: always described, usually constrained."""
    kind = rng.random()
    described: JsonObject = {"description": sentence(rng, rng.randint(1, 3))}
    if kind < 0.3:
        nullable = rng.random() < 0.4
        kind_of = ["string", "null"] if nullable else "string"
        return {**described, "type": kind_of, "maxLength": 5000}
    if kind < 0.45:
        values = sorted(rng.sample(ENUM_WORDS, rng.randint(2, 12)))
        return {**described, "type": "string", "enum": values}
    if kind < 0.6:
        return {**described, "type": "integer", "format": "unix-time"}
    if kind < 0.7:
        return {
            **described,
            "anyOf": [{"type": "string", "maxLength": 5000}, {"$ref": rng.choice(refs)}],
        }
    if kind < 0.78:
        return {
            **described,
            "type": "object",
            "additionalProperties": {"type": "string", "maxLength": 500},
        }
    if kind < 0.9 and depth > 0:
        return object_schema(rng, rng.choice(NOUNS), rng.randint(3, 8), depth - 1, refs)
    if depth > 0:
        items = object_schema(rng, rng.choice(NOUNS), rng.randint(2, 5), depth - 1, refs)
        return {**described, "type": "array", "items": items}
    return {**described, "type": "boolean"}


def sentence(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(PHRASES) for _ in range(count))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--manifests", type=int, required=True)
    parser.add_argument("--schema-kb", type=int, default=700, help="input schema size (KB)")
    parser.add_argument("--actions", type=int, default=2, help="actions per manifest")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    paths = generate_api_catalog(
        args.out, args.manifests, args.schema_kb * 1000, args.actions, args.seed
    )
    total = sum(path.stat().st_size for path in paths)
    print(f"wrote {len(paths)} manifests ({total / 1e6:.1f} MB) under {args.out / 'manifests'}")


if __name__ == "__main__":
    main()
