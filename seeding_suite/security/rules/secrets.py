"""secrets: credentials anywhere in the file, comments included.

Known key formats come from detect-secrets' own detectors: their compiled patterns (and a
detector's own test of a match, such as the JWT decoder) run once over the raw text, so a
comment is as leaked as a value; plus the formats it lacks (Google API keys, GitHub
fine-grained tokens). Random-looking strings are judged with detect-secrets' Shannon entropy,
and reported only under keys that name a credential, where a random string is a secret.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, TypeAlias

from seeding_suite.security.gates import relaxed
from seeding_suite.security.model import Hit, Kind

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from seeding_suite.findings import FieldPath
    from seeding_suite.security.model import Context, Document

FORMAT = Kind("secrets.key-format", "a credential in a known key format", "error", "error")
ENTROPY = Kind(
    "secrets.high-entropy", "a high-entropy string under a credential-like key", "warning", "error"
)

# detect-secrets' detectors whose patterns are credential formats. Left out: the keyword and
# entropy detectors (judged below, per field), public IPs and URL credentials (the urls rule).
DETECTORS = (
    "artifactory.ArtifactoryDetector",
    "aws.AWSKeyDetector",
    "azure_storage_key.AzureStorageKeyDetector",
    "discord.DiscordBotTokenDetector",
    "github_token.GitHubTokenDetector",
    "gitlab_token.GitLabTokenDetector",
    "jwt.JwtTokenDetector",
    "mailchimp.MailchimpDetector",
    "npm.NpmDetector",
    "openai.OpenAIDetector",
    "private_key.PrivateKeyDetector",
    "pypi_token.PypiTokenDetector",
    "sendgrid.SendGridDetector",
    "slack.SlackDetector",
    "square_oauth.SquareOAuthDetector",
    "stripe.StripeDetector",
    "telegram_token.TelegramBotTokenDetector",
    "twilio.TwilioKeyDetector",
)
EXTRA = (
    ("Google API key", re.compile(r"AIza[0-9A-Za-z_\-]{35}")),
    ("GitHub fine-grained token", re.compile(r"github_pat_[0-9A-Za-z_]{22,}")),
)
CREDENTIAL_KEY = re.compile(
    r"(?i)(pass(word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|"
    r"private[_-]?key|client[_-]?secret|credential|auth)"
)
# Strings a key generator makes: mixed case and digits (base64-like), or hex with letters and
# digits. Words, slugs and ids (`additionalProperties`, `acme-crm-00198`) are not candidates.
_TOKEN = r"[A-Za-z0-9+/=_\-.]"
RANDOM_LOOKING = re.compile(
    rf"(?<!{_TOKEN})(?:(?=[a-f0-9]*[0-9])(?=[a-f0-9]*[a-f])[a-f0-9]{{16,}}(?![A-Za-z0-9+/=_\-.])"
    rf"|(?={_TOKEN}*[0-9])(?={_TOKEN}*[a-z])(?={_TOKEN}*[A-Z]){_TOKEN}{{16,}})"
)


@cache
def _tokens() -> Any:
    """Runs that can pass the entropy limits, found by RE2 (RANDOM_LOOKING confirms each).

    A string's Shannon entropy is at most log2 of its count of distinct characters, so only a
    run of 23+ characters can pass the base64 limit of 4.5 bits; hex needs 16.
    """
    import re2

    return re2.compile(rf"{_TOKEN}{{{BASE64_SHORTEST},}}|[0-9a-fA-F]{{16,}}")


HEX = re.compile(r"[0-9a-fA-F]+")
BASE64_LIMIT = 4.5  # detect-secrets' defaults
HEX_LIMIT = 3.0
BASE64_SHORTEST = 23  # 2 ** 4.5 = 22.6 distinct characters
Valid: TypeAlias = "Callable[[str], bool]"


def _any(_: str) -> bool:
    return True


@cache
def patterns() -> tuple[tuple[str, re.Pattern[str], Valid], ...]:
    """(what it is, pattern, validity test) per known format; detect-secrets imported once."""
    import importlib

    found: list[tuple[str, re.Pattern[str], Valid]] = []
    for dotted in DETECTORS:
        module, _, name = dotted.rpartition(".")
        detector = getattr(importlib.import_module(f"detect_secrets.plugins.{module}"), name)
        valid = getattr(detector, "is_formally_valid", _any)
        found.extend((detector.secret_type, pattern, valid) for pattern in detector.denylist)
    return (*found, *((what, pattern, _any) for what, pattern in EXTRA))


@cache
def _entropy() -> tuple[Any, Any]:
    from detect_secrets.plugins.high_entropy_strings import (
        Base64HighEntropyString,
        HexHighEntropyString,
    )

    return Base64HighEntropyString(), HexHighEntropyString()


def high_entropy(value: str) -> bool:
    """Whether `value` is as random as a generated key, by detect-secrets' measure."""
    base64, hexadecimal = _entropy()
    if HEX.fullmatch(value):
        return bool(hexadecimal.calculate_shannon_entropy(value) > HEX_LIMIT)
    return bool(base64.calculate_shannon_entropy(value) > BASE64_LIMIT)


def mask(secret: str) -> str:
    """A secret as a message may show it: its first four characters (never the whole)."""
    return f"{secret[:4]}…" if len(secret) > 8 else "…"


def credential_path(path: FieldPath) -> bool:
    """Whether one of the last two keys above a value names a credential."""
    keys = [part for part in path[-3:] if isinstance(part, str)][-2:]
    return any(CREDENTIAL_KEY.search(key) for key in keys)


@dataclass(frozen=True)
class SecretsRule:
    id: str = "secrets"
    kinds: tuple[Kind, ...] = (FORMAT, ENTROPY)

    def gates(self, context: Context) -> dict[str, str]:
        return {FORMAT.id: "|".join(relaxed(pattern) for _, pattern, _ in patterns())}

    def scan(self, document: Document, context: Context) -> Iterator[Hit]:
        if document.gate(FORMAT.id):
            yield from self._formats(document)
        yield from self._random(document)

    @staticmethod
    def _formats(document: Document) -> Iterator[Hit]:
        seen: set[tuple[object, int]] = set()
        for what, pattern, valid in patterns():
            for found in document.search(pattern):
                where = (found.path, found.match.start())
                if where in seen or not valid(found.match.group()):
                    continue  # two detectors, one secret
                seen.add(where)
                place = "in a comment" if document.commented(found) else "in a value"
                message = (
                    f"{what} ({mask(found.match.group())}) {place}: revoke it at its issuer and "
                    "remove it; a manifest is public data, credentials go in a connection's "
                    "secret fields"
                )
                yield document.hit(FORMAT.id, message, found)

    @staticmethod
    def _random(document: Document) -> Iterator[Hit]:
        for found in document.search(RANDOM_LOOKING, _tokens()):
            token = found.match.group()
            if high_entropy(token) and credential_path(document.field_of(found)):
                message = (
                    f"a random-looking string ({mask(token)}) under a credential field: if it "
                    "is a real secret, revoke it and remove it; use a placeholder such as "
                    "<your-api-key>"
                )
                yield document.hit(ENTROPY.id, message, found)
