"""unicode: bidirectional controls, invisible characters, and names mixing scripts.

Bidi controls reorder what a reviewer sees against what a program reads (Trojan Source,
CVE-2021-42574); they are searched in the raw text, comments included. Invisible characters
make two different ids look equal. Mixed-script display names (a Cyrillic `і` in `Strіpe`) are
judged with Unicode's confusables data through confusable-homoglyphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from seeding_suite.security.model import Found, Hit, Kind

if TYPE_CHECKING:
    from collections.abc import Iterator

    from seeding_suite.security.model import Context, Document

BIDI = Kind("unicode.bidi", "a bidirectional control character (Trojan Source)", "error", "error")
INVISIBLE = Kind(
    "unicode.invisible", "a zero-width or other invisible character", "warning", "error"
)
MIXED = Kind("unicode.mixed-script", "a name mixing scripts (a homoglyph)", "warning", "error")

BIDI_CHARS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
INVISIBLE_CHARS = re.compile(
    "[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180e\u200b-\u200d\u2060-\u2064"
    "\u3164\ufeff\uffa0\U000e0000-\U000e007f]"
)
EMOJI = "[\U0001f000-\U0001faff\u2600-\u27bf]"
EMOJI_JOINED = re.compile(f"(?<={EMOJI})\u200d(?={EMOJI})")
NAME_KEYS = frozenset({"id", "name", "label", "title"})


def _codepoint(char: str) -> str:
    import unicodedata

    return f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed')}"


@dataclass(frozen=True)
class UnicodeRule:
    id: str = "unicode"
    kinds: tuple[Kind, ...] = (BIDI, INVISIBLE, MIXED)

    def gates(self, context: Context) -> dict[str, str]:
        return {}

    def scan(self, document: Document, context: Context) -> Iterator[Hit]:
        if document.text.isascii() and not document.decoded:
            return  # the common case skips every search
        for kind, pattern, what in (
            (BIDI.id, BIDI_CHARS, "it reorders how this line displays (Trojan Source)"),
            (INVISIBLE.id, INVISIBLE_CHARS, "two strings that look equal would differ"),
        ):
            for found in self._search(document, pattern):
                start = found.match.start()
                if kind == INVISIBLE.id and EMOJI_JOINED.match(found.match.string, start):
                    continue  # a zero-width joiner inside an emoji sequence builds the emoji
                message = f"{_codepoint(found.match.group())}: {what}; remove it"
                yield document.hit(kind, message, found)
        yield from self._names(document)

    @staticmethod
    def _search(document: Document, pattern: re.Pattern[str]) -> Iterator[Found]:
        """Decoded values, and the raw text for comments (escapes mean nothing there)."""
        yield from document.search(pattern)
        if document.decoded:
            for match in pattern.finditer(document.text):
                raw = Found(match)
                if document.commented(raw):
                    yield raw

    def _names(self, document: Document) -> Iterator[Hit]:
        from confusable_homoglyphs import confusables

        for path, value in document.strings:
            if not path or path[-1] not in NAME_KEYS or value.isascii():
                continue
            if confusables.is_mixed_script(value):
                found = confusables.is_confusable(value, preferred_aliases=["latin"]) or []
                lookalikes = ", ".join(
                    f"{item['character']!r} ({item['alias'].lower()})" for item in found[:3]
                )
                detail = f": {lookalikes} look like Latin letters" if lookalikes else ""
                yield Hit(
                    MIXED.id,
                    f"{value!r} mixes scripts{detail}; write the name in one script",
                    path,
                )
