"""Strict encodings at the edges: base64url, multibase/multicodec and JSON.

Every decoder here refuses anything but the one canonical form, raising
:class:`core.errors.InvalidInput` with a stable code.
"""

from __future__ import annotations

import binascii
import json
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import base58
import rfc8785

from core.errors import InvalidInput

_B64URL_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
#: Allowed last bytes when len % 4 is 2 (low 4 bits zero) or 3 (low 2 bits zero).
_CANONICAL_LAST = {2: frozenset(_B64URL_ALPHABET[::16]), 3: frozenset(_B64URL_ALPHABET[::4])}
#: base64url → base64 in one pass; "+", "/" and "=" become "!", which strict decoding refuses.
_FROM_URLSAFE = bytes.maketrans(b"-_+/=", b"+/!!!")
_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")
_PADDING = (b"", b"", b"==", b"=")

#: Multicodec codes for the public keys Tessera handles.
ED25519_PUB = 0xED
P256_PUB = 0x1200
MULTICODEC_NAMES: dict[int, str] = {ED25519_PUB: "ed25519-pub", P256_PUB: "p256-pub"}

#: Default upper bound for any single JSON document we parse (bytes).
MAX_JSON_BYTES = 1 << 20


def b64url_encode(data: bytes) -> str:
    """Encode bytes as base64url without padding."""
    return binascii.b2a_base64(data, newline=False).rstrip(b"=").translate(_TO_URLSAFE).decode()


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url, refusing anything non-canonical.

    Raises InvalidInput(malformed_base64url) for padding, characters outside the
    alphabet, an impossible length, or non-zero trailing bits.
    """
    if not isinstance(text, str):
        raise InvalidInput("base64url input must be text", code="malformed_base64url")
    try:
        raw = text.encode("ascii")
    except UnicodeEncodeError as exc:
        raise InvalidInput(
            "base64url input has characters outside the alphabet", code="malformed_base64url"
        ) from exc
    remainder = len(raw) % 4
    if remainder == 1:
        raise InvalidInput("base64url input has an impossible length", code="malformed_base64url")
    # The last character of a 2- or 3-character tail carries 4 or 2 unused bits: they must
    # be zero (checked by lookup, cheaper than re-encoding the result).
    if remainder and raw[-1] not in _CANONICAL_LAST[remainder]:
        raise InvalidInput("base64url input has non-zero trailing bits", code="malformed_base64url")
    try:
        return binascii.a2b_base64(
            raw.translate(_FROM_URLSAFE) + _PADDING[remainder], strict_mode=True
        )
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput(
            "base64url input has padding or characters outside the alphabet",
            code="malformed_base64url",
        ) from exc


def encode_varint(value: int) -> bytes:
    """Unsigned LEB128 varint, as multicodec uses."""
    if value < 0:
        raise InvalidInput("varint must not be negative", code="unsupported_multicodec")
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def decode_varint(data: bytes) -> tuple[int, int]:
    """Decode a minimal unsigned varint at the start of ``data``; return (value, length).

    Raises InvalidInput(unsupported_multicodec) if truncated, over 9 bytes or not minimal.
    """
    value = 0
    for index, byte in enumerate(data[:9]):
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            if index > 0 and byte == 0:
                raise InvalidInput(
                    "multicodec varint is not minimal", code="unsupported_multicodec"
                )
            return value, index + 1
    raise InvalidInput("multicodec varint is truncated", code="unsupported_multicodec")


def multicodec_wrap(code: int, payload: bytes) -> bytes:
    """Prefix ``payload`` with the varint of ``code``."""
    return encode_varint(code) + payload


def multicodec_unwrap(data: bytes) -> tuple[int, bytes]:
    """Split multicodec bytes into (code, payload).

    Raises InvalidInput(unsupported_multicodec) for a code Tessera does not know.
    """
    code, length = decode_varint(data)
    if code not in MULTICODEC_NAMES:
        raise InvalidInput(f"unsupported multicodec 0x{code:x}", code="unsupported_multicodec")
    return code, data[length:]


def multibase_encode(data: bytes) -> str:
    """Multibase base58btc: ``z`` followed by base58btc."""
    return "z" + base58.b58encode(data).decode("ascii")


def multibase_decode(text: str) -> bytes:
    """Decode a base58btc multibase string (``z…``), refusing every other base.

    Raises InvalidInput(malformed_multibase).
    """
    if not isinstance(text, str) or len(text) < 2 or not text.startswith("z"):
        raise InvalidInput(
            "multibase value must be base58btc ('z' prefix)", code="malformed_multibase"
        )
    body = text[1:]
    try:
        data: bytes = base58.b58decode(body)
    except ValueError as exc:
        raise InvalidInput(
            "multibase value has characters outside base58btc", code="malformed_multibase"
        ) from exc
    if base58.b58encode(data).decode("ascii") != body:
        raise InvalidInput("multibase value is not canonical", code="malformed_multibase")
    return data


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise InvalidInput(f"duplicate JSON member name {key!r}", code="malformed_json")
            seen.add(key)
    return result


def _reject_constant(name: str) -> Any:
    raise InvalidInput(f"JSON constant {name} is not allowed", code="malformed_json")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise InvalidInput(f"JSON number {text[:20]} is out of range", code="malformed_json")
    return value


#: One strict decoder, made once (a JSONDecoder holds no per-call state).
_STRICT_DECODER = json.JSONDecoder(
    object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant, parse_float=_finite_float
)
_SCAN: Callable[[str, int], tuple[Any, int]] = _STRICT_DECODER.scan_once  # type: ignore[attr-defined]
#: The same rules, but numbers with a fraction or exponent become exact ``Decimal`` values
#: (for amounts of money, which must never pass through a binary float).
_EXACT_DECODER = json.JSONDecoder(
    object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant, parse_float=Decimal
)


def parse_json(
    data: bytes | str, *, max_bytes: int = MAX_JSON_BYTES, exact_numbers: bool = False
) -> Any:
    """Parse strict JSON: UTF-8, no duplicate member names, no NaN/Infinity, bounded size.
    With ``exact_numbers``, non-integer numbers come back as ``Decimal``.

    Raises InvalidInput(input_too_large) or InvalidInput(malformed_json).
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > max_bytes:
        raise InvalidInput(f"JSON input is larger than {max_bytes} bytes", code="input_too_large")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput("JSON input is not UTF-8", code="malformed_json") from exc
    if exact_numbers:
        try:
            return _EXACT_DECODER.decode(text)
        except (ValueError, RecursionError) as exc:  # ValueError: also over-long integers
            raise InvalidInput("input is not valid JSON", code="malformed_json") from exc
    try:
        # Fast path: the scanner alone, when the value fills the whole text (no whitespace
        # around it); anything else takes the decoder's full path, which also skips it.
        value, end = _SCAN(text, 0)
        if end == len(text):
            return value
    except (StopIteration, ValueError, RecursionError):
        pass
    try:
        return _STRICT_DECODER.decode(text)
    except (ValueError, RecursionError) as exc:  # ValueError: also over-long integers
        raise InvalidInput("input is not valid JSON", code="malformed_json") from exc


def parse_json_object(
    data: bytes | str, *, max_bytes: int = MAX_JSON_BYTES, exact_numbers: bool = False
) -> dict[str, Any]:
    """Parse strict JSON that must be an object (see :func:`parse_json`).

    Raises InvalidInput(malformed_json, input_too_large).
    """
    value = parse_json(data, max_bytes=max_bytes, exact_numbers=exact_numbers)
    if not isinstance(value, dict):
        raise InvalidInput("JSON input must be an object", code="malformed_json")
    return value


def canonical_json(value: Any) -> bytes:
    """JCS (RFC 8785) canonical UTF-8 bytes of a JSON value.

    Raises InvalidInput(malformed_json) for values JSON cannot represent.
    """
    try:
        return bytes(rfc8785.dumps(value))
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise InvalidInput(f"value cannot be canonicalized: {exc}", code="malformed_json") from exc


def compact_json(value: Any) -> bytes:
    """Compact UTF-8 JSON (no spaces, members in insertion order) for JOSE headers."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
