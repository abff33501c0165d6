"""Document ids in Convex's v6 format, and the clock that stamps `_creationTime`.

An id is base32 (lowercase Crockford) of: VInt(table number) + 14 random bytes + the day
number as 2 big-endian bytes + a little-endian Fletcher-16 (mod 256) footer.
"""

from __future__ import annotations

import functools
import itertools
import math
import time
from typing import TYPE_CHECKING, Final, Protocol

from fakes.convex.errors import InvalidValue

if TYPE_CHECKING:
    import random

ALPHABET: Final = "0123456789abcdefghjkmnpqrstvwxyz"
_DECODE: Final = {char: index for index, char in enumerate(ALPHABET)}
_PAIRS: Final = tuple(high + low for high in ALPHABET for low in ALPHABET)
"""Two characters for each 10-bit group: half as many lookups as one per character."""
FIRST_USER_TABLE_NUMBER: Final = 10001
_INTERNAL_ID_LEN: Final = 16
_MAX_TABLE_NUMBER: Final = 2**32 - 1
_MS_PER_DAY: Final = 86_400_000


def _encoded_len(byte_len: int) -> int:
    return (byte_len * 8 + 4) // 5


_MIN_ID_LEN: Final = _encoded_len(1 + _INTERNAL_ID_LEN + 2)
_MAX_ID_LEN: Final = _encoded_len(5 + _INTERNAL_ID_LEN + 2)


@functools.lru_cache(maxsize=256)
def _vint(number: int) -> bytes:
    """Cached: a deployment numbers few tables, and every new id encodes its table's."""
    out = bytearray()
    while number >= 0x80:
        out.append((number & 0x7F) | 0x80)
        number >>= 7
    out.append(number)
    return bytes(out)


def _fletcher16(data: bytes) -> int:
    """Mod-256 sums taken once at the end: `high` is the sum of the running sums of `low`."""
    return (sum(itertools.accumulate(data)) & 0xFF) << 8 | (sum(data) & 0xFF)


def base32_encode(data: bytes) -> str:
    """Most-significant bits first, no padding (the final group is zero-filled).

    Read off one integer 10 bits at a time: about twice as fast as the pure-Python
    base64.b32encode followed by a translation to this alphabet (every new id pays this).
    """
    bits = len(data) * 8
    chars = (bits + 4) // 5
    pairs = (chars + 1) // 2
    number = int.from_bytes(data, "big") << (pairs * 10 - bits)
    text = "".join([_PAIRS[(number >> shift) & 0x3FF] for shift in range(pairs * 10 - 10, -1, -10)])
    return text[:chars]


def encode_id(table_number: int, internal_id: bytes) -> str:
    """The id string for a 16-byte internal id in the numbered table."""
    if not 1 <= table_number <= _MAX_TABLE_NUMBER or len(internal_id) != _INTERNAL_ID_LEN:
        raise InvalidValue(f"cannot encode an id for table {table_number}")
    body = _vint(table_number) + internal_id
    return base32_encode(body + _fletcher16(body).to_bytes(2, "little"))


def decode_id(text: str) -> tuple[int, bytes]:
    """Return (table number, 16-byte internal id); strict: only canonical ids round-trip.

    Raises InvalidValue with Convex's "Unable to decode ID: ..." wording.
    """
    if not _MIN_ID_LEN <= len(text) <= _MAX_ID_LEN:
        raise InvalidValue(f"Unable to decode ID: Invalid ID length {len(text)}")
    try:
        bits = 0
        for char in text:
            bits = (bits << 5) | _DECODE[char]
    except KeyError:
        raise InvalidValue("Unable to decode ID: ID wasn't valid base32") from None
    byte_len = len(text) * 5 // 8
    data = (bits >> (len(text) * 5 - byte_len * 8)).to_bytes(byte_len, "big")
    if base32_encode(data) != text:
        raise InvalidValue("Unable to decode ID: ID wasn't valid base32")
    table_number = shift = pos = 0
    while True:
        if pos >= 5 or pos >= len(data):
            raise InvalidValue("Unable to decode ID: Invalid table number")
        byte = data[pos]
        table_number |= (byte & 0x7F) << shift
        pos += 1
        shift += 7
        if byte < 0x80:
            break
    if table_number == 0 or table_number > _MAX_TABLE_NUMBER:
        raise InvalidValue("Unable to decode ID: Invalid table number")
    if len(data) != pos + _INTERNAL_ID_LEN + 2:
        raise InvalidValue(f"Unable to decode ID: Invalid ID length {len(text)}")
    internal_id = data[pos : pos + _INTERNAL_ID_LEN]
    expected = _fletcher16(data[: pos + _INTERNAL_ID_LEN])
    footer = int.from_bytes(data[-2:], "little")
    if footer != expected:
        raise InvalidValue(
            f"Unable to decode ID: Invalid ID version {footer} (expected {expected})"
        )
    return table_number, internal_id


def is_valid_id(text: object) -> bool:
    """True when `text` is a well-formed id string of any table."""
    if not isinstance(text, str):
        return False
    try:
        decode_id(text)
    except InvalidValue:
        return False
    return True


class IdGenerator:
    """Fresh ids from a seeded RNG, so a seeded deployment produces reproducible ids."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def new_id(self, table_number: int, now_ms: float) -> str:
        day = int(now_ms // _MS_PER_DAY) & 0xFFFF
        internal = self._rng.randbytes(14) + day.to_bytes(2, "big")
        return encode_id(table_number, internal)


# ---------------------------------------------------------------- clock


class Clock(Protocol):
    """Wall-clock milliseconds since the epoch, as a float."""

    def now_ms(self) -> float: ...


class SystemClock:
    """The real time."""

    def now_ms(self) -> float:
        return time.time_ns() / 1_000_000


class ManualClock:
    """A deterministic clock: starts at `start_ms` and advances `step_ms` per reading."""

    def __init__(self, start_ms: float = 1_700_000_000_000.0, step_ms: float = 1.0) -> None:
        self._next = float(start_ms)
        self._step = float(step_ms)

    def now_ms(self) -> float:
        now = self._next
        self._next += self._step
        return now

    def advance(self, ms: float) -> None:
        self._next += ms


class CreationTimes:
    """Hands out `_creationTime` values strictly increasing across the whole deployment.

    A reading that does not exceed the high-water mark becomes the next representable double.
    """

    def __init__(self, clock: Clock, high_water_ms: float = 0.0) -> None:
        self._clock = clock
        self.high_water_ms = high_water_ms

    def next(self) -> float:
        stamp = self._clock.now_ms()
        if not math.isfinite(stamp) or stamp <= self.high_water_ms:
            stamp = math.nextafter(self.high_water_ms, math.inf)
        self.high_water_ms = stamp
        return stamp
