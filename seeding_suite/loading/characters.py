"""Characters YAML 1.2 forbids in a stream, found before any parser sees them (DESIGN §10).

YAML 1.2 (§5.1) allows only its printable set: tab, LF, CR, U+0020-U+007E, NEL (U+0085),
U+00A0-U+D7FF, U+E000-U+FFFD and above U+FFFF; a byte-order mark only where a stream starts.
yaml-rs does not enforce this: it stops at a NUL, silently dropping the rest of the file (a
NUL in a comment lost every action after it), and keeps other control characters in values.
So every file is scanned, escapes in double-quoted strings (`"\0"`) being plain ASCII text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seeding_suite.loading.events import Position

# The complement of YAML's printable set, minus the BOM (U+FEFF), which decode_utf8 already
# took off the start: one left in the text stands inside the file.
_FORBIDDEN = re.compile(
    "[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_PRINTABLE_ASCII = bytes([0x09, 0x0A, 0x0D, *range(0x20, 0x7F)])
_C0_NAMES = (
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR",
    "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB",
    "ESC", "FS", "GS", "RS", "US",
)  # fmt: skip


def forbidden_character(raw: bytes, text: str) -> tuple[str, Position] | None:
    """The first character YAML does not allow: what it is, and where (1-based).

    `raw` is the file's bytes, `text` their decoding (without a leading BOM).
    """
    if raw.isascii() and not raw.translate(None, _PRINTABLE_ASCII):
        return None  # nearly every manifest: two scans of memory, no regex
    found = _FORBIDDEN.search(text)
    if found is None:
        return None
    offset = found.start()
    line = text.count("\n", 0, offset) + 1
    column = offset - text.rfind("\n", 0, offset)
    return _describe(found.group()), (line, column)


def _describe(char: str) -> str:
    code = ord(char)
    if char == "\ufeff":
        return (
            "a byte-order mark (U+FEFF) stands inside the file; YAML allows one only as the "
            "file's very first character: remove it"
        )
    name = f"U+{code:04X}"
    if code < len(_C0_NAMES):
        name += f" ({_C0_NAMES[code]})"
    elif code == 0x7F:
        name += " (DEL)"
    kind = "control character" if code < 0xA0 else "non-character"
    hint = ' or write it as an escape in a double-quoted string ("\\x' + f'{code:02x}")'
    return (
        f"the {kind} {name} is not allowed anywhere in a YAML file, comments included: "
        f"remove it{hint if code < 0x100 else ''}"
    )
