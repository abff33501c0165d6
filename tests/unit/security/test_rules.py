"""Every security rule: a manifest that trips it (rule, line, severity) and one near it, clean."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.unit.security.scanning import scan_text

if TYPE_CHECKING:
    from pathlib import Path

HEAD = "manifest_version: 1\nid: acme-crm\nname: Acme CRM\nversion: 1.0.0\n"  # lines 1-4


def fake(prefix: str, body: str) -> str:
    """A credential-shaped string assembled at run time (no real-looking key in this file)."""
    return prefix + body


STRIPE_KEY = fake("sk_live_", "4eC39HqLyjWDarjtT1zdp7dc")
AWS_KEY = fake("AKIA", "IOSFODNN7EXAMPLE")
GITHUB_PAT = fake("github_pat_", "11ABCDEFG0123456789_abcdefghijklmnop")
GOOGLE_KEY = fake("AIza", "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY")
SLACK_TOKEN = fake("xoxb-", "123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx")
JWT = fake(
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.",
    "eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
)
RANDOM = "Zq8vR2mX7tL9pK4wN6yB3cD1fG5hJ0sA"  # 32 distinct-ish characters, no known format

TRIPS = {
    "stripe key in a value": (
        f"description: 'test with {STRIPE_KEY}'\n",
        [("secrets.key-format", 5, "error")],
    ),
    "aws key in a comment": (f"# old key {AWS_KEY}\n", [("secrets.key-format", 5, "error")]),
    "github fine-grained token": (
        f"connections:\n- id: gh\n  name: GitHub\n  auth: bearer\n  # token: {GITHUB_PAT}\n",
        [("secrets.key-format", 9, "error")],
    ),
    "google api key": (f"description: key={GOOGLE_KEY}\n", [("secrets.key-format", 5, "error")]),
    "slack bot token": (f"description: {SLACK_TOKEN}\n", [("secrets.key-format", 5, "error")]),
    "jwt": (f"description: Bearer {JWT}\n", [("secrets.key-format", 5, "error")]),
    "private key block": (
        "description: |\n  -----BEGIN RSA PRIVATE KEY-----\n  MIIEow\n",
        [("secrets.key-format", 6, "error")],
    ),
    "random string under a credential property": (
        "actions:\n- id: a\n  name: A\n  input_schema:\n    type: object\n    properties:\n"
        f"      api_key:\n        type: string\n        default: {RANDOM}\n",
        [("secrets.high-entropy", 13, "warning")],
    ),
    "http url": ("description: docs at http://acme.example/docs\n", [("urls.scheme", 5, "error")]),
    "javascript url": (
        "actions:\n- id: a\n  name: A\n  input_schema:\n    $id: 'javascript:alert(1)'\n",
        [("urls.scheme", 9, "error")],
    ),
    "credentials in a url": (
        "description: https://bob:hunter2@api.acme.example/v1\n",
        [("urls.credentials", 5, "error")],
    ),
    "cloud metadata address": (
        "description: https://169.254.169.254/latest/meta-data/\n",
        [("urls.internal-host", 5, "error")],
    ),
    "localhost in an example": (
        "actions:\n- id: a\n  name: A\n  output_schema:\n    type: string\n"
        "    examples: ['https://localhost:8080/cb']\n",
        [("urls.internal-host", 10, "error")],
    ),
    "script in a description": (
        "description: 'Great <script>fetch(1)</script>'\n",
        [("markup.html", 5, "error")],
    ),
    "event handler in a label": (
        "connections:\n- id: k\n  name: Key\n  auth: api_key\n  fields:\n"
        "  - {name: region, label: '<img src=x onerror=alert(1)>'}\n",
        [("markup.html", 10, "error")],
    ),
    "tracking image": (
        "description: 'Hi ![](https://t.acme.example/pixel.gif?u=1)'\n",
        [("markup.remote-image", 5, "warning")],
    ),
    "bidi control": (
        'description: "admin\u202e \u2066// check later\u2069 \u2066"\n',
        [("unicode.bidi", 5, "error")] * 4,
    ),
    "zero-width space in a name": (
        'actions:\n- id: a\n  name: "Pay\u200bment"\n',
        [("unicode.invisible", 7, "warning")],
    ),
    "mixed-script name": (
        'actions:\n- id: a\n  name: "Pаyment"\n',  # a Cyrillic а
        [("unicode.mixed-script", 7, "warning")],
    ),
    "nested quantifier": (
        "actions:\n- id: a\n  name: A\n  input_schema:\n    type: string\n    pattern: '^(a+)+$'\n",
        [("resources.redos", 10, "error")],
    ),
    "overlapping alternation": (
        "actions:\n- id: a\n  name: A\n  input_schema:\n    type: object\n"
        "    patternProperties:\n      '^(\\wa|\\da)+$': {type: string}\n",
        [("resources.redos", 11, "error")],
    ),
    "single-character alternatives that overlap": (
        "actions:\n- id: a\n  name: A\n  input_schema:\n    type: string\n"
        "    pattern: '^(\\w|\\d)+$'\n",
        [("resources.redos", 10, "error")],
    ),
    "repetitions side by side in each round": (
        "actions:\n- id: a\n  name: A\n  input_schema:\n    type: string\n"
        "    pattern: '^(-\\w+\\d+)+$'\n",
        [("resources.redos", 10, "error")],
    ),
    "alternatives sharing a prefix": (
        "actions:\n- id: a\n  name: A\n  input_schema:\n    type: string\n"
        "    pattern: '^(a|aa)*b$'\n",
        [("resources.redos", 10, "error")],
    ),
    "huge enum": (
        "actions:\n- id: a\n  name: A\n  input_schema:\n    type: string\n"
        f"    enum: [{', '.join(f'v{i}' for i in range(1001))}]\n",
        [("resources.size", 10, "warning")],
    ),
    "deep schema": (
        "actions:\n- id: a\n  name: A\n  input_schema:\n"
        + "".join("    " + "  " * i + "items:\n" for i in range(34))
        + "    "
        + "  " * 34
        + "type: string\n",
        [("resources.depth", 42, "warning")],
    ),
    "base64 elf": (
        "description: f0VMRgIBAQAAAAAAAAAAAAIAPgABAAAAeABAAAAAAABAAAAAAAAAAAAAAAAAAAAAAAAA"
        "AEAAOAAB\n",
        [("payloads.binary", 5, "error")],
    ),
    "hex zip": (
        "description: 504b0304140000000800" + "a1" * 40 + "\n",
        [("payloads.binary", 5, "error")],
    ),
    "obfuscated script": (
        "description: \"x=eval(atob('YWxlcnQoMSk='))\"\n",
        [("payloads.obfuscated-script", 5, "warning")],
    ),
    "unmarked password field": (
        "connections:\n- id: basic\n  name: Basic\n  auth: basic\n  fields:\n"
        "  - {name: username}\n  - {name: password}\n",
        [("connections.unmarked-secret", 11, "warning")],
    ),
}

CLEAN = {
    "a test key placeholder": "description: 'use sk_test_... or sk_live_... from the dashboard'\n",
    "random string outside credentials": (
        "actions:\n- id: a\n  name: A\n  input_schema:\n    type: object\n    properties:\n"
        f"      request_id:\n        type: string\n        default: {RANDOM}\n"
    ),
    "https urls": (
        "description: see https://docs.acme.example/v1 and https://api.acme.example:8443/x?y=1\n"
    ),
    "a property named data or file": (
        "actions:\n- id: a\n  name: A\n  input_schema:\n    type: object\n    properties:\n"
        "      data: {type: string}\n      file: {type: string}\n"
    ),
    "markdown without html": "description: 'See [the docs](https://acme.example) for **more**'\n",
    "version range with angle brackets": "description: 'needs >=1.0.0 <2.0.0'\n",
    "emoji with a joiner": 'description: "team \U0001f468\u200d\U0001f4bb"\n',
    "accented single-script name": 'actions:\n- id: a\n  name: "Café crème"\n',
    "alternatives that cannot overlap": (
        "actions:\n- id: a\n  name: A\n  input_schema:\n    type: string\n"
        "    pattern: '^(x|xy)*$'\n"
    ),
    "single-character alternatives that cannot overlap": (
        "actions:\n- id: a\n  name: A\n  input_schema:\n    type: string\n"
        "    pattern: '^(\\d|[a-f])+$'\n"
    ),
    "separated repetition": (
        "actions:\n- id: a\n  name: A\n  input_schema:\n    type: string\n"
        "    pattern: '^[a-z]+(-[a-z]+)*$'\n"
    ),
    "long but plain base64": "description: " + "QUJD" * 30 + "\n",
    "the word evaluate": "description: 'we evaluate each request'\n",
    "secret field marked": (
        "connections:\n- id: basic\n  name: Basic\n  auth: basic\n  fields:\n"
        "  - {name: username}\n  - {name: password, secret: true}\n"
    ),
}


@pytest.mark.parametrize(("body", "expected"), TRIPS.values(), ids=TRIPS.keys())
def test_a_manifest_that_trips_a_rule_is_caught_at_its_line(
    tmp_path: Path, body: str, expected: list[tuple[str, int, str]]
) -> None:
    findings = scan_text(tmp_path, HEAD + body)
    assert [(f.rule, f.line, f.severity) for f in findings] == expected
    assert all(f.check == "security" and f.file == "manifests/acme.yaml" for f in findings)


@pytest.mark.parametrize("body", CLEAN.values(), ids=CLEAN.keys())
def test_a_manifest_near_a_rule_but_clean_has_no_finding(tmp_path: Path, body: str) -> None:
    assert scan_text(tmp_path, HEAD + body) == []


def test_a_secret_is_never_shown_whole(tmp_path: Path) -> None:
    findings = scan_text(tmp_path, HEAD + f"description: {STRIPE_KEY}\n")
    assert findings and all(STRIPE_KEY not in f.render() for f in findings)
    assert "sk_l…" in findings[0].message


def test_a_secret_in_a_value_names_its_field(tmp_path: Path) -> None:
    text = HEAD + "actions:\n- id: a\n  name: A\n  description: >-\n    first line\n"
    findings = scan_text(tmp_path, text + f"    then {AWS_KEY}\n")
    assert [(f.rule, f.line, f.column, f.path) for f in findings] == [
        ("secrets.key-format", 10, 10, ("actions", 0, "description"))
    ]


def test_an_escaped_url_is_judged_decoded(tmp_path: Path) -> None:
    findings = scan_text(tmp_path, HEAD + 'description: "java\\x73cript:alert(1)"\n')
    assert [(f.rule, f.path) for f in findings] == [("urls.scheme", ("description",))]
