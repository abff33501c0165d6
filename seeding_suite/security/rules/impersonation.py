"""impersonation: a community integration whose id or name mimics an official one.

Confusable (`strípe`, `Strіpe` with a Cyrillic і: equal once accents are dropped and
homoglyphs mapped by Unicode's confusables data through confusable-homoglyphs), within one edit
(`stirpe`: optimal string alignment distance, so a swap of two letters is one edit; rapidfuzz
computes it in C), or an official name inside its name (`Stripe Payments`). Official manifests
are not checked: they are the reference.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from seeding_suite.security.model import Hit, Kind

if TYPE_CHECKING:
    from collections.abc import Iterator

    from seeding_suite.security.model import Context, Document, Identity

LOOKALIKE = Kind(
    "impersonation.lookalike",
    "an id or name confusable with, or one edit from, an official integration's",
    None,
    "error",
)
MIN_EDITED = 4  # shorter ids are one edit from too much to mean anything
ASCII_LOOKALIKES = str.maketrans({"0": "o", "1": "l", "|": "l", "_": "-", " ": "-"})
WORD_SEPARATORS = re.compile(r"[^a-z0-9]+")


@cache
def _ascii_homoglyph(char: str) -> str:
    from confusable_homoglyphs import confusables

    for found in confusables.is_confusable(char, preferred_aliases=[], greedy=True) or []:
        for glyph in found["homoglyphs"]:
            if glyph["c"].isascii():
                return str(glyph["c"]).lower()
    return char


def skeleton(text: str) -> str:
    """`text` as it looks: accents dropped, homoglyphs mapped to ASCII, case folded."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    if not plain.isascii():
        plain = "".join(c if c.isascii() else _ascii_homoglyph(c) for c in plain)
    return plain.translate(ASCII_LOOKALIKES).strip("-")


def _words(text: str) -> str:
    return f" {WORD_SEPARATORS.sub(' ', text).strip()} "


def resembles(candidate: str, official: str) -> str | None:
    """How `candidate` mimics `official` (None if it does not)."""
    from rapidfuzz.distance import OSA

    if candidate == official:
        return "is the same as"
    ours, theirs = skeleton(candidate), skeleton(official)
    if ours == theirs:
        return "looks the same as"
    if min(len(ours), len(theirs)) >= MIN_EDITED and OSA.distance(ours, theirs) <= 1:
        return "is one edit from"
    if len(theirs) >= MIN_EDITED and _words(theirs.replace("-", " ")) in _words(ours):
        return "contains"
    return None


@dataclass(frozen=True)
class ImpersonationRule:
    id: str = "impersonation"
    kinds: tuple[Kind, ...] = (LOOKALIKE,)

    def gates(self, context: Context) -> dict[str, str]:
        return {}

    def scan(self, document: Document, context: Context) -> Iterator[Hit]:
        if document.trust == "official" or not document.officials:
            return
        if document.integration_id in {official.id for official in document.officials}:
            return  # the same id is a conflict between sources: on_conflict decides it
        for field, value in (("id", document.integration_id), ("name", document.name)):
            if value is None:
                continue
            for official in document.officials:
                found = self._judge(field, value, official)
                if found is not None:
                    yield Hit(LOOKALIKE.id, found, (field,))
                    break

    @staticmethod
    def _judge(field: str, value: str, official: Identity) -> str | None:
        for their_field, theirs in (("id", official.id), ("name", official.name)):
            how = resembles(value, theirs)
            if how is not None:
                return (
                    f"{field} {value!r} {how} the official integration {official.id}'s "
                    f"{their_field} {theirs!r}: pick a name of your own, or have it reviewed "
                    "and exempted"
                )
        return None
