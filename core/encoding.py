"""Strict encodings at the edges: base64url, multibase/multicodec and JSON.

Every decoder here refuses anything but the one canonical form, raising
:class:`core.errors.InvalidInput` with a stable code.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

import base58
import rfc8785

from core.errors import InvalidInput

_B64URL_RE = re.compile(r"[A-Za-z0-9_-]*")

#: Multicodec codes for the public keys Tessera handles.
ED25519_PUB = 0xED
P256_PUB = 0x1200
MULTICODEC_NAMES: dict[int, str] = {ED25519_PUB: "ed25519-pub", P256_PUB: "p256-pub"}

#: Default upper bound for any single JSON document we parse (bytes).
MAX_JSON_BYTES = 1 << 20


def b64url_encode(data: bytes) -> str:
    """Encode bytes as base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url, refusing anything non-canonical.

    Raises InvalidInput(malformed_base64url) for padding, characters outside the
    alphabet, an impossible length, or non-zero trailing bits.
    """
    if not isinstance(text, str):
        raise InvalidInput("base64url input must be text", code="malformed_base64url")
    if _B64URL_RE.fullmatch(text) is None:
        raise InvalidInput(
            "base64url input has padding or characters outside the alphabet",
            code="malformed_base64url",
        )
    if len(text) % 4 == 1:
        raise InvalidInput("base64url input has an impossible length", code="malformed_base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:  # pragma: no cover - regex rules these out
        raise InvalidInput("base64url input does not decode", code="malformed_base64url") from exc
    if b64url_encode(data) != text:
        raise InvalidInput(
            "base64url input has non-zero trailing bits", code="malformed_base64url"
        )
    return data


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
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise InvalidInput(f"duplicate JSON member name {key!r}", code="malformed_json")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise InvalidInput(f"JSON constant {name} is not allowed", code="malformed_json")


def parse_json(data: bytes | str, *, max_bytes: int = MAX_JSON_BYTES) -> Any:
    """Parse strict JSON: UTF-8, no duplicate member names, no NaN/Infinity, bounded size.

    Raises InvalidInput(input_too_large) or InvalidInput(malformed_json).
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > max_bytes:
        raise InvalidInput(f"JSON input is larger than {max_bytes} bytes", code="input_too_large")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput("JSON input is not UTF-8", code="malformed_json") from exc
    try:
        return json.loads(
            text, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant
        )
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InvalidInput("input is not valid JSON", code="malformed_json") from exc


def parse_json_object(data: bytes | str, *, max_bytes: int = MAX_JSON_BYTES) -> dict[str, Any]:
    """Parse strict JSON that must be an object. Raises InvalidInput(malformed_json)."""
    value = parse_json(data, max_bytes=max_bytes)
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
