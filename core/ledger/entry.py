"""Log entries: the wire form, validation, signing input and hash (see :mod:`core.ledger`)."""

from __future__ import annotations

import dataclasses
import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Final

from core.encoding import (
    b64url_decode,
    b64url_encode,
    canonical_json,
    multibase_decode,
    multibase_encode,
)
from core.errors import InvalidInput
from core.jose import sign_bytes
from core.keys import Ed25519PrivateKey, Ed25519PublicKey, public_key_from_multicodec

GENESIS: Final = "0" * 64
MAX_SUMMARY: Final = 500
MAX_DETAILS_BYTES: Final = 64 * 1024
_FIELDS: Final = ("seq", "time", "kind", "summary", "details", "prev", "signer", "sig")
_KIND_RE: Final = re.compile(r"[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*")
_HEX_RE: Final = re.compile(r"[0-9a-f]{64}")
_TIME_RE: Final = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
_MAX_TIME: Final = 253402300799.999  # 9999-12-31T23:59:59.999Z


# --- time ---------------------------------------------------------------------------------


def format_time(epoch: float) -> str:
    """RFC 3339 UTC with milliseconds, e.g. ``2025-01-31T12:00:00.000Z``.

    Raises InvalidInput for a time before 1970 or after 9999, or not finite.
    """
    if isinstance(epoch, bool) or not isinstance(epoch, int | float) or not math.isfinite(epoch):
        raise InvalidInput("a time must be a finite number of seconds")
    millis = round(epoch * 1000)
    if not 0 <= millis <= _MAX_TIME * 1000:
        raise InvalidInput("a time must lie between 1970 and 9999")
    whole = datetime.fromtimestamp(millis // 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{whole}.{millis % 1000:03d}Z"


def parse_time(text: str) -> float:
    """Parse exactly the form :func:`format_time` writes. Raises InvalidInput."""
    if not isinstance(text, str) or _TIME_RE.fullmatch(text) is None:
        raise InvalidInput("a time must be RFC 3339 UTC with milliseconds (…T…:…:….mmmZ)")
    try:
        whole = datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    except ValueError as exc:
        raise InvalidInput(f"{text!r} is not a valid date and time") from exc
    epoch = (int(whole.timestamp()) * 1000 + int(text[20:23])) / 1000
    if format_time(epoch) != text:
        raise InvalidInput(f"{text!r} is not a valid time")
    return epoch


# --- entries ------------------------------------------------------------------------------


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


def signer_key(did: str) -> Ed25519PublicKey:
    """The Ed25519 key inside a did:key log signer. Raises InvalidInput."""
    if not isinstance(did, str) or not did.startswith("did:key:"):
        raise InvalidInput("the log signer must be a did:key DID", code="invalid_did")
    value = did[len("did:key:") :]
    key = public_key_from_multicodec(multibase_decode(value))
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInput("the log signer must be an Ed25519 key", code="unsupported_key_type")
    if multibase_encode(key.to_multicodec()) != value:
        raise InvalidInput("the log signer's did:key is not canonical", code="invalid_did")
    return key


def did_key_of(key: Ed25519PublicKey) -> str:
    """The did:key DID of an Ed25519 public key."""
    return "did:key:" + multibase_encode(key.to_multicodec())


@dataclass(frozen=True)
class Entry:
    """One signed log entry, validated when built (raises InvalidInput).

    ``details`` is held read-only (nested objects as mappings, arrays as tuples).
    """

    seq: int
    time: float
    kind: str
    summary: str
    details: Mapping[str, Any]
    prev: str
    signer: str
    sig: str

    def __post_init__(self) -> None:
        if isinstance(self.seq, bool) or not isinstance(self.seq, int) or self.seq < 0:
            raise InvalidInput("entry seq must be a whole number from 0")
        format_time(self.time)
        object.__setattr__(self, "time", round(self.time * 1000) / 1000)
        if (
            not isinstance(self.kind, str)
            or len(self.kind) > 64
            or not _KIND_RE.fullmatch(self.kind)
        ):
            raise InvalidInput("entry kind must be short dotted words like 'identity.created'")
        if (
            not isinstance(self.summary, str)
            or not self.summary.strip()
            or len(self.summary) > MAX_SUMMARY
            or any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in self.summary)
        ):
            raise InvalidInput(f"entry summary must be one line of 1 to {MAX_SUMMARY} characters")
        if not isinstance(self.details, Mapping):
            raise InvalidInput("entry details must be a JSON object")
        details = _thaw(self.details)
        if len(canonical_json(details)) > MAX_DETAILS_BYTES:
            raise InvalidInput("entry details are too large", code="input_too_large")
        object.__setattr__(self, "details", _freeze(details))
        if not isinstance(self.prev, str) or not _HEX_RE.fullmatch(self.prev):
            raise InvalidInput("entry prev must be 64 lowercase hex digits")
        signer_key(self.signer)
        if not isinstance(self.sig, str) or len(b64url_decode(self.sig)) != 64:
            raise InvalidInput("entry sig must be a base64url 64-byte signature")

    @classmethod
    def create(
        cls,
        key: Ed25519PrivateKey,
        *,
        seq: int,
        time: float,
        kind: str,
        summary: str,
        details: Mapping[str, Any],
        prev: str,
    ) -> Entry:
        """Build and sign an entry with ``key``. Raises InvalidInput for bad fields."""
        draft = cls(
            seq,
            time,
            kind,
            summary,
            details,
            prev,
            did_key_of(key.public_key),
            b64url_encode(bytes(64)),
        )
        return dataclasses.replace(draft, sig=b64url_encode(sign_bytes(key, draft.signing_input())))

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> Entry:
        """An entry from its JSON object (exactly the eight members). Raises InvalidInput."""
        if not isinstance(value, Mapping) or set(value) != set(_FIELDS):
            raise InvalidInput(f"a log entry has exactly the members {', '.join(_FIELDS)}")
        return cls(
            value["seq"],
            parse_time(value["time"]),
            value["kind"],
            value["summary"],
            value["details"],
            value["prev"],
            value["signer"],
            value["sig"],
        )

    def to_json(self) -> dict[str, Any]:
        """The JSON object (plain dicts and lists)."""
        return {
            "seq": self.seq,
            "time": format_time(self.time),
            "kind": self.kind,
            "summary": self.summary,
            "details": _thaw(self.details),
            "prev": self.prev,
            "signer": self.signer,
            "sig": self.sig,
        }

    def signing_input(self) -> bytes:
        """JCS bytes of the entry without ``sig``: what the signature covers."""
        unsigned = self.to_json()
        del unsigned["sig"]
        return canonical_json(unsigned)

    def hash(self) -> str:
        """Hex SHA-256 of the JCS bytes of the whole entry (what the next ``prev`` holds)."""
        return hashlib.sha256(canonical_json(self.to_json())).hexdigest()


@dataclass(frozen=True)
class LedgerHead:
    """The last entry of a stored log: its ``seq`` and hash."""

    seq: int
    hash: str

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash}

    @classmethod
    def of(cls, entry: Entry) -> LedgerHead:
        return cls(entry.seq, entry.hash())

    @classmethod
    def from_json(cls, value: Any) -> LedgerHead:
        """Raises InvalidInput unless ``value`` is ``{"seq": int >= 0, "hash": hex}``."""
        if not isinstance(value, dict) or set(value) != {"seq", "hash"}:
            raise InvalidInput("a log head is {seq, hash}")
        seq, digest = value["seq"], value["hash"]
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
            raise InvalidInput("a log head's seq must be a whole number from 0")
        if not isinstance(digest, str) or not _HEX_RE.fullmatch(digest):
            raise InvalidInput("a log head's hash must be 64 lowercase hex digits")
        return cls(seq, digest)
