"""payloads: malware smuggled in a data file.

Long base64 or hex blobs whose decoded bytes start like an executable, a script or an archive
(ELF, PE, Mach-O, a shebang, zip, gzip, ...), and obfuscated script in strings (`eval(atob(`,
`String.fromCharCode(`, runs of `\\x41` escapes, `curl ... | sh`). A manifest describes an API;
it has no reason to carry either.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from seeding_suite.security.gates import relaxed
from seeding_suite.security.model import Hit, Kind

if TYPE_CHECKING:
    from collections.abc import Iterator

    from seeding_suite.security.model import Context, Document

BLOB = Kind(
    "payloads.binary", "an encoded executable, script or archive in a string", "error", "error"
)
SCRIPT = Kind("payloads.obfuscated-script", "obfuscated script in a string", "warning", "error")

MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x7fELF", "an ELF executable"),
    (b"MZ", "a Windows (PE) executable"),
    (b"\xfe\xed\xfa\xce", "a Mach-O executable"),
    (b"\xfe\xed\xfa\xcf", "a Mach-O executable"),
    (b"\xce\xfa\xed\xfe", "a Mach-O executable"),
    (b"\xcf\xfa\xed\xfe", "a Mach-O executable"),
    (b"\xca\xfe\xba\xbe", "a Mach-O universal binary or Java class"),
    (b"#!", "a script with a shebang"),
    (b"PK\x03\x04", "a zip archive (or jar, apk, docx)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"\x00asm", "a WebAssembly module"),
    (b"<?php", "a PHP script"),
    (b"<script", "an HTML script"),
)
OBFUSCATION = re.compile(
    r"(?i)(\beval\s*\(|\batob\s*\(|fromCharCode\s*\(|\bnew\s+Function\s*\(|\bunescape\s*\(|"
    r"(\\x[0-9a-f]{2}){8,}|(\\u[0-9a-f]{4}){8,}|"
    r"\b(curl|wget)\b[^|\n]{0,200}\|\s*(ba|z)?sh\b|powershell[^\n]{0,40}\s-e(nc(odedcommand)?)?\s)"
)
HEX = re.compile(r"[0-9a-fA-F]+")


@cache
def _blob_pattern(minimum: int) -> re.Pattern[str]:
    """Runs of base64 (either alphabet) or hex characters at least `minimum` long."""
    return re.compile(rf"(?<![A-Za-z0-9+/_-])([A-Za-z0-9+/_-]{{{minimum},}}={{0,2}})")


def decoded_prefix(blob: str) -> bytes | None:
    """The first bytes a base64 (either alphabet) or hex blob decodes to, or None."""
    if len(blob) % 2 == 0 and HEX.fullmatch(blob[:64]):
        try:
            return binascii.unhexlify(blob[:64])
        except (binascii.Error, ValueError):
            pass
    head = blob[:64].rstrip("=")
    head = head[: len(head) - len(head) % 4]
    try:
        return base64.b64decode(head.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        return None


def what_it_is(prefix: bytes) -> str | None:
    for magic, name in MAGIC:
        if prefix.startswith(magic):
            return name
    return None


@dataclass(frozen=True)
class PayloadsRule:
    id: str = "payloads"
    kinds: tuple[Kind, ...] = (BLOB, SCRIPT)

    def gates(self, context: Context) -> dict[str, str]:
        minimum = min(context.limits.min_blob_length, 1000)  # RE2's largest repeat count
        return {BLOB.id: f"[A-Za-z0-9+/_\\-]{{{minimum},}}", SCRIPT.id: relaxed(OBFUSCATION)}

    def scan(self, document: Document, context: Context) -> Iterator[Hit]:
        if document.gate(BLOB.id):
            yield from self._blobs(document, context.limits.min_blob_length)
        if document.gate(SCRIPT.id):
            yield from self._scripts(document)

    @staticmethod
    def _blobs(document: Document, minimum: int) -> Iterator[Hit]:
        for found in document.search(_blob_pattern(minimum)):
            blob = found.match.group(1)
            prefix = decoded_prefix(blob)
            kind = what_it_is(prefix) if prefix else None
            if kind is not None:
                message = (
                    f"a {len(blob):,}-character encoded blob that decodes to {kind}: remove "
                    "it; a manifest never carries binaries"
                )
                yield document.hit(BLOB.id, message, found)

    @staticmethod
    def _scripts(document: Document) -> Iterator[Hit]:
        seen: set[object] = set()  # one hit per line or field: `eval(atob(` is one script
        for found in document.search(OBFUSCATION):
            where = (
                found.path if found.path is not None else document.line_of(found.match.start())[0]
            )
            if where in seen:
                continue
            seen.add(where)
            message = (
                f"obfuscated script ({found.match.group()[:40]!r}): a description or example has "
                "no reason to run code; remove it"
            )
            yield document.hit(SCRIPT.id, message, found)
