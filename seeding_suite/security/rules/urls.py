"""urls: every URL in every string (descriptions, schema defaults, examples, `$id`, ...).

`https` only; no credentials in the URL; no IP literal, `localhost`, link-local (the cloud
metadata address 169.254.169.254), private or loopback host (SSRF bait for anything that
follows the link); hosts on the denylist (a threat feed: one host per line) are errors; hosts
outside the allowlist, when one is configured, are warnings (community: errors).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from seeding_suite.security.model import Hit, Kind

if TYPE_CHECKING:
    from collections.abc import Iterator

    from seeding_suite.security.model import Context, Document

SCHEME = Kind("urls.scheme", "a URL that is not https", "error", "error")
CREDENTIALS = Kind("urls.credentials", "a user name or password inside a URL", "error", "error")
INTERNAL = Kind(
    "urls.internal-host",
    "a URL to an IP literal, localhost, a link-local, private or loopback address",
    "error",
    "error",
)
DENYLISTED = Kind("urls.denylisted", "a URL to a host on the denylist", "error", "error")
OFF_ALLOWLIST = Kind(
    "urls.off-allowlist", "a URL to a host outside the allowlist", "warning", "error"
)

URL = re.compile(
    r"(?i)(?<![a-z0-9+.\-])(https?|wss?|ftps?|file|javascript|vbscript|data):"
    r"(?=[^\s{\[,])(//)?[^\s\"'<>`]*"
)
INTERNAL_NAMES = ("localhost", "localhost.localdomain", "metadata.google.internal")
INTERNAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa")
# https to a DNS name that is neither local nor numeric, without user info: nothing to judge.
SAFE_HTTPS = re.compile(
    r"(?i)https://(?![^/?#]*@)(?=[^/?#:]*[a-z])[a-z0-9\-]+(\.[a-z0-9\-]+)*\.(?!local\b|internal\b|"
    r"localhost\b|arpa\b)[a-z][a-z0-9\-]*\.?(:\d+)?([/?#].*)?"
)
# Everything SAFE_HTTPS does not let through: other schemes, user info, numeric or local hosts.
UNSAFE_GATE = (
    r"(?i)(http|wss?|ftps?|file|javascript|vbscript|data):[^\s{\[,]|"
    r"https://[^/?#\s\"'<>`@]*@|https://(\[|[0-9]|localhost)|"
    r"https://[^/?#\s\"'<>`]*\.(local|internal|localhost|arpa)([^a-z0-9\-]|$)"
)
NUMERIC_HOST = re.compile(r"(?i)(0x[0-9a-f]+|\d+)(\.(0x[0-9a-f]+|\d+)){0,3}")


def internal_reason(host: str) -> str | None:
    """Why a host must not appear in a published URL, or None."""
    bare = host.strip("[]").lower().rstrip(".")
    if bare in INTERNAL_NAMES or bare.endswith(INTERNAL_SUFFIXES):
        return f"{bare} is a local name"
    try:
        address = ipaddress.ip_address(bare.partition("%")[0])
    except ValueError:
        if NUMERIC_HOST.fullmatch(bare):
            return f"{bare} is a numeric IP address in disguise"
        return None
    if address.is_link_local:
        return f"{bare} is link-local (where cloud metadata services answer)"
    if address.is_loopback:
        return f"{bare} is a loopback address"
    if address.is_private:
        return f"{bare} is a private address"
    return f"{bare} is an IP literal: name the host"


@dataclass(frozen=True)
class UrlsRule:
    id: str = "urls"
    kinds: tuple[Kind, ...] = (SCHEME, CREDENTIALS, INTERNAL, DENYLISTED, OFF_ALLOWLIST)

    def gates(self, context: Context) -> dict[str, str]:
        if context.denylist or context.allowed_hosts:
            return {"urls": "(?i)https://"}  # every host must be looked up
        return {"urls": UNSAFE_GATE}

    def scan(self, document: Document, context: Context) -> Iterator[Hit]:
        if not document.gate("urls"):
            return
        for found in document.search(URL):
            url, scheme = found.match.group(), found.match.group(1).lower()
            lists = context.denylist or context.allowed_hosts
            if scheme == "https" and not lists and SAFE_HTTPS.fullmatch(url):
                continue  # the common case, decided without parsing
            for kind, message in self._judge(url, scheme, context):
                yield document.hit(kind, message, found)

    def _judge(self, url: str, scheme: str, context: Context) -> Iterator[tuple[str, str]]:
        shown = url if len(url) <= 80 else url[:77] + "..."
        if scheme in ("javascript", "vbscript", "data", "file"):
            yield (SCHEME.id, f"{scheme}: URL {shown!r}: link to an https page instead")
            return
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""
            has_credentials = parts.username is not None or parts.password is not None
        except ValueError:
            yield (SCHEME.id, f"malformed URL {shown!r}: write a valid https URL")
            return
        if scheme != "https":
            yield (SCHEME.id, f"{scheme} URL {shown!r}: use https")
        if has_credentials:
            yield (
                CREDENTIALS.id,
                f"URL with credentials ({parts.scheme}://…@{host}): remove them, and revoke "
                "the password if it was real",
            )
        if not host:
            return
        reason = internal_reason(host)
        if reason is not None:
            yield (INTERNAL.id, f"URL {shown!r}: {reason}; use a public https host")
            return
        listed = context.denylist.matches(host)
        if listed is not None:
            yield (DENYLISTED.id, f"URL {shown!r}: {listed} is on the denylist of known-bad hosts")
        elif context.allowed_hosts and context.allowed_hosts.matches(host) is None:
            yield (
                OFF_ALLOWLIST.id,
                f"URL {shown!r}: {host} is not on the allowlist; add it there if it is the "
                "integration's own host",
            )
