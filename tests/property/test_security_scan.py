"""Properties of the security scan over arbitrary content.

1. Scanning never raises, whatever the strings (control characters, surrogates escaped,
   broken regexes, huge runs): a hostile manifest must give findings, not an INTERNALERROR.
2. The RE2 gates lose nothing: the findings with every gate forced open are the same.
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from seeding_suite.findings import Finding
from seeding_suite.security.model import Document, Identity
from seeding_suite.security.scan import Place, scan
from seeding_suite.security.settings import SecuritySettings

SETTINGS = SecuritySettings()
OFFICIALS = (Identity("stripe", "Stripe"), Identity("github", "GitHub"))
PLACE = Place("manifests/x.yaml", lambda path: (1, 1), lambda line, column: ())

# Pieces the rules look for, mixed with arbitrary text so the search meets real near-misses.
PIECES = st.sampled_from(
    [
        "http://",
        "https://",
        "javascript:",
        "data:",
        "@",
        "169.254.169.254",
        "localhost",
        "<script",
        "onerror=",
        "![x](",
        "&lt;",
        "\u202e",
        "\u200b",
        "\u200d",
        "і",
        "AKIA",
        "sk_live_",
        "eyJ",
        "xoxb-",
        "AIza",
        "TVqQ",
        "f0VMR",
        "eval(",
        "\\x41",
        "(a+)+",
        "|",
        "-----BEGIN RSA PRIVATE KEY-----",
        "password",
        "#",
        "\n",
        "'",
        '"',
    ]
)
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=40)), max_size=12).map("".join)


def manifest_data(description: str, pattern: str, name: str, field: str) -> dict[str, object]:
    return {
        "manifest_version": 1,
        "id": "acme",
        "name": name,
        "version": "1.0.0",
        "description": description,
        "connections": [{"id": "c", "name": "C", "auth": "basic", "fields": [{"name": field}]}],
        "actions": [
            {
                "id": "a",
                "name": "A",
                "input_schema": {"type": "string", "pattern": pattern, "examples": [description]},
            }
        ],
    }


def scanned(data: dict[str, object], text: str, trust: str, gated: bool) -> list[Finding]:
    document = Document(data, text, trust, OFFICIALS)  # type: ignore[arg-type]
    if not gated:
        document.decoded = True  # every gate open, values searched one by one
    return scan(document, SETTINGS, PLACE)


@settings(max_examples=150, deadline=None)
@given(
    description=TEXT,
    pattern=TEXT,
    name=TEXT,
    field=TEXT,
    comment=TEXT,
    trust=st.sampled_from(["official", "community"]),
)
def test_scanning_never_raises_on_arbitrary_strings(
    description: str, pattern: str, name: str, field: str, comment: str, trust: str
) -> None:
    data = manifest_data(description, pattern, name, field)
    text = json.dumps(data, ensure_ascii=False) + "\n# " + comment.replace("\n", " ")
    findings = scanned(data, text, trust, gated=True)
    assert all(f.check == "security" for f in findings)
    assert all(f.severity in ("error", "warning", "info") for f in findings)


@settings(max_examples=150, deadline=None)
@given(description=TEXT, pattern=TEXT, name=TEXT, field=TEXT)
def test_the_gates_never_hide_a_finding(
    description: str, pattern: str, name: str, field: str
) -> None:
    data = manifest_data(description, pattern, name, field)
    # The raw text is made of the values themselves, one per line, as a plain scan sees them.
    text = "\n".join(v for v in (description, pattern, name, field, description) if "\\" not in v)
    with_gates = {(f.rule, f.message) for f in scanned(data, text, "community", True)}
    document = Document(data, text, "community", OFFICIALS)
    all_open = {(f.rule, f.message) for f in _scan_open(document)}
    assert with_gates == all_open


def _scan_open(document: Document) -> list[Finding]:
    """The scan with every gate open: `scan` sets the gates, so they are reopened per rule."""
    from seeding_suite.security.rules import RULES

    hits = []
    for rule in RULES:
        document.open_gates = None
        hits.extend(rule.scan(document, SETTINGS.context))
    levels = [(hit, SETTINGS.level("community", hit.kind)) for hit in hits]
    return [
        Finding("security", "manifests/x.yaml", hit.message, hit.path, 1, 1, level, hit.kind)
        for hit, level in levels
        if level is not None
    ]
