"""markup: display strings carrying HTML or script, or Markdown images pointing off-site.

Names, descriptions, labels and schema titles end up in the platform's UI; markup there is
stored XSS, and an off-site image is a tracking beacon fetched by every viewer. Entities are
decoded first (`&lt;script` is `<script` once a renderer unescapes it). One search of the raw
text decides whether a file needs its display strings looked at one by one.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from seeding_suite.security.model import Hit, Kind

if TYPE_CHECKING:
    from collections.abc import Iterator

    from seeding_suite.findings import FieldPath
    from seeding_suite.security.model import Context, Document

HTML = Kind("markup.html", "HTML or script in a display string", "error", "error")
IMAGE = Kind(
    "markup.remote-image", "a Markdown or HTML image loaded from another site", "warning", "error"
)

DISPLAY_KEYS = frozenset({"name", "description", "label", "title", "summary"})
_TAG = (
    r"<\s*/?\s*(script|iframe|frame|object|embed|svg|math|style|link|meta|form|base|"
    r"input|button|textarea|a|img|video|audio|source|body|html)\b"
)
_HANDLER = r"<[^>]*\bon[a-z]{3,}\s*="
_SCRIPT_LINK = r"(\]\(\s*|href\s*=\s*[\"']?\s*)(javascript|vbscript|data):"
ACTIVE = re.compile(f"(?i){_TAG}|{_HANDLER}|{_SCRIPT_LINK}")
IMAGES = re.compile(
    r"(?i)!\[[^\]]*\]\(\s*<?(?P<md>[a-z][a-z0-9+.\-]*:[^)\s>]*)|<\s*img\b[^>]*\bsrc\s*=\s*[\"']?"
    r"(?P<tag>[a-z][a-z0-9+.\-]*:[^\"'\s>]*)"
)
ENTITY = r"&(lt|#0*60|#x0*3c);"
ENTITY_RE = re.compile(f"(?i){ENTITY}")
ANYWHERE = re.compile(f"(?i){_TAG}|{_HANDLER}|{_SCRIPT_LINK}|!\\[|<\\s*img\\b|{ENTITY}")


def display_path(path: FieldPath) -> bool:
    """Whether a value is a display string: under a display key, not a schema's property."""
    if not path or path[-1] not in DISPLAY_KEYS:
        return False
    return len(path) < 2 or path[-2] not in ("properties", "patternProperties", "$defs")


@dataclass(frozen=True)
class MarkupRule:
    id: str = "markup"
    kinds: tuple[Kind, ...] = (HTML, IMAGE)

    def gates(self, context: Context) -> dict[str, str]:
        return {self.id: ANYWHERE.pattern}

    def scan(self, document: Document, context: Context) -> Iterator[Hit]:
        if not document.gate(self.id):
            return  # nothing that could be markup: no display string needs a look
        if document.decoded or ENTITY_RE.search(document.text):
            for path, value in document.strings:  # entities and escapes: judge decoded values
                if display_path(path):
                    yield from (Hit(kind, message, path) for kind, message in _judge(value))
            return
        reported: set[tuple[str, FieldPath]] = set()  # one hit per string: `<a>` has `</a>`
        for pattern, kind in ((ACTIVE, HTML.id), (IMAGES, IMAGE.id)):
            for found in document.search(pattern):
                if document.commented(found):
                    continue
                path = document.field_of(found)
                if display_path(path) and (kind, path) not in reported:
                    reported.add((kind, path))
                    yield document.hit(kind, _message(kind, found.match), found)


def _judge(value: str) -> Iterator[tuple[str, str]]:
    text = html.unescape(value)
    for pattern, kind in ((ACTIVE, HTML.id), (IMAGES, IMAGE.id)):
        match = pattern.search(text)
        if match is not None:
            yield kind, _message(kind, match)


def _message(kind: str, match: re.Match[str]) -> str:
    if kind == HTML.id:
        return (
            f"markup {match.group().strip()[:40]!r} in a display string: the platform shows it "
            "in its UI; write plain text (Markdown without HTML)"
        )
    source = (match.group("md") or match.group("tag"))[:80]
    return (
        f"image loaded from {source!r}: every viewer's browser would fetch it (a tracking "
        "beacon); drop it or link to the page instead"
    )
