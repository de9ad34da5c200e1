"""JWS compact serialization (RFC 7515) with EdDSA (RFC 8037) and ES256.

This is the one module that calls signature primitives. Every verification names the
algorithms it accepts; ``none`` is never accepted here. Parsing is strict: three
canonical base64url segments, a JSON-object header without duplicate members, a size
cap, and ``crit`` only with extensions the caller says it understands.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Final, NamedTuple

import nacl.bindings
import nacl.exceptions
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from core.encoding import b64url_decode, b64url_encode, compact_json, parse_json_object
from core.errors import CryptoError, InvalidInput, VerificationError
from core.keys import (
    ALGORITHMS,
    Ed25519PrivateKey,
    Ed25519PublicKey,
    P256PrivateKey,
    P256PublicKey,
    PrivateKey,
    PublicKey,
)

#: Default cap on a compact JWS (characters). SD-JWT issuer JWTs stay far below this.
MAX_JWS_CHARS: Final = 256 * 1024
_SIGNATURE_BYTES: Final = 64
_REGISTERED_HEADERS: Final = frozenset(
    {"alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit"}
)


# --- raw signatures ---------------------------------------------------------------------


def sign_bytes(key: PrivateKey, message: bytes) -> bytes:
    """Sign ``message`` with ``key``: Ed25519 (64 bytes) or ES256 as raw r‖s (64 bytes).

    Raises CryptoError(unsupported_alg) for a key type Tessera cannot sign with.
    """
    if isinstance(key, Ed25519PrivateKey):
        return key.signing_key.sign(message).signature
    if isinstance(key, P256PrivateKey):
        der = key.crypto_key.sign(message, ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
    raise CryptoError("this key type cannot sign", code="unsupported_alg")


def verify_bytes(key: PublicKey, message: bytes, signature: bytes) -> None:
    """Check a raw signature made by ``key`` over ``message``.

    Raises VerificationError(bad_signature) if it does not verify.
    """
    if len(signature) != _SIGNATURE_BYTES:
        raise VerificationError("bad_signature", "signature has the wrong length")
    if isinstance(key, Ed25519PublicKey):
        try:
            # libsodium's crypto_sign_open directly: VerifyKey.verify adds only wrapping.
            nacl.bindings.crypto_sign_open(signature + message, key.raw)
        except nacl.exceptions.BadSignatureError as exc:
            raise VerificationError("bad_signature", "signature does not verify") from exc
        return
    if isinstance(key, P256PublicKey):
        r = int.from_bytes(signature[:32], "big")
        s = int.from_bytes(signature[32:], "big")
        try:
            key.crypto_key.verify(encode_dss_signature(r, s), message, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature as exc:
            raise VerificationError("bad_signature", "signature does not verify") from exc
        return
    raise VerificationError("unsupported_alg", "this key type cannot verify")


# --- compact JWS --------------------------------------------------------------------------


class UnverifiedJws(NamedTuple):
    """A compact JWS split and decoded, but NOT verified. Use :func:`verify` next.

    Immutable; a NamedTuple because it is built on every verification's hot path.
    """

    header: Mapping[str, Any]
    payload: bytes
    signature: bytes
    signing_input: bytes

    def __repr__(self) -> str:
        return f"UnverifiedJws(header={dict(self.header)!r})"

    @property
    def alg(self) -> str:
        return str(self.header["alg"])

    @property
    def kid(self) -> str | None:
        kid = self.header.get("kid")
        return kid if isinstance(kid, str) else None


class VerifiedJws(NamedTuple):
    """A JWS whose signature has been checked with ``key`` (immutable; a NamedTuple
    because every verification builds one)."""

    header: Mapping[str, Any]
    payload: bytes
    key: PublicKey

    def payload_json(self) -> dict[str, Any]:
        """The payload as a strict JSON object. Raises VerificationError(malformed)."""
        try:
            return parse_json_object(self.payload)
        except InvalidInput as exc:
            raise VerificationError("malformed", f"JWS payload: {exc.message}") from exc


def _check_crit(header: Mapping[str, Any], understood: Collection[str]) -> None:
    crit = header.get("crit")
    if crit is None:
        return
    if not isinstance(crit, list) or not crit or not all(isinstance(c, str) for c in crit):
        raise VerificationError("malformed", "JWS 'crit' must be a non-empty list of names")
    for name in crit:
        if name in _REGISTERED_HEADERS or name not in header:
            raise VerificationError("malformed", f"JWS 'crit' names {name!r} wrongly")
        if name not in understood:
            raise VerificationError("malformed", f"JWS critical extension {name!r} is unknown")


def parse(token: str, *, max_chars: int = MAX_JWS_CHARS) -> UnverifiedJws:
    """Split and decode a compact JWS without checking its signature.

    Raises VerificationError(malformed) for oversized input, a wrong number of
    segments, non-canonical base64url, or a header that is not a JSON object
    (duplicate members included) or lacks a string ``alg``.
    """
    if not isinstance(token, str):
        raise VerificationError("malformed", "a JWS must be text")
    if len(token) > max_chars:
        raise VerificationError("malformed", f"JWS is larger than {max_chars} characters")
    parts = token.split(".")
    if len(parts) != 3:
        raise VerificationError("malformed", "a compact JWS has exactly three segments")
    header_b64, payload_b64, signature_b64 = parts
    if not header_b64 or not signature_b64:
        raise VerificationError("malformed", "JWS header or signature is empty")
    try:
        header = parse_json_object(b64url_decode(header_b64))
        payload = b64url_decode(payload_b64)
        signature = b64url_decode(signature_b64)
    except InvalidInput as exc:
        raise VerificationError("malformed", f"JWS: {exc.message}") from exc
    if not isinstance(header.get("alg"), str):
        raise VerificationError("malformed", "JWS header has no 'alg'")
    if "b64" in header:
        raise VerificationError("malformed", "unencoded JWS payloads (b64) are not supported")
    signing_input = token[: len(header_b64) + 1 + len(payload_b64)].encode("ascii")
    return UnverifiedJws(header, payload, signature, signing_input)


def check_algorithm(alg: str, algorithms: Collection[str], key: PublicKey | None = None) -> None:
    """Refuse ``alg`` unless allowed by the caller, supported, not ``none`` and fit for ``key``.

    Raises VerificationError(unsupported_alg); CryptoError if ``algorithms`` allows ``none``.
    """
    if "none" in algorithms:
        raise CryptoError("'none' cannot be an allowed signature algorithm", code="unsupported_alg")
    if alg not in algorithms or alg not in ALGORITHMS:
        raise VerificationError("unsupported_alg", f"algorithm {alg!r} is not allowed")
    if key is not None and key.alg != alg:
        raise VerificationError("unsupported_alg", f"a {type(key).__name__} cannot verify {alg}")


def verify(
    jws: UnverifiedJws,
    key: PublicKey,
    *,
    algorithms: Collection[str],
    understood_crit: Collection[str] = (),
) -> VerifiedJws:
    """Check the signature of a parsed JWS with ``key``.

    Raises VerificationError: unsupported_alg (not allowed, ``none``, or not the key's
    algorithm), malformed (unknown ``crit``), bad_signature.
    """
    check_algorithm(jws.alg, algorithms, key)
    _check_crit(jws.header, understood_crit)
    verify_bytes(key, jws.signing_input, jws.signature)
    return VerifiedJws(header=jws.header, payload=jws.payload, key=key)


def verify_compact(
    token: str,
    key: PublicKey,
    *,
    algorithms: Collection[str],
    understood_crit: Collection[str] = (),
    max_chars: int = MAX_JWS_CHARS,
) -> VerifiedJws:
    """:func:`parse` then :func:`verify`; raises what they raise."""
    jws = parse(token, max_chars=max_chars)
    return verify(jws, key, algorithms=algorithms, understood_crit=understood_crit)


def sign_compact(
    key: PrivateKey, payload: bytes, *, header: Mapping[str, Any] | None = None
) -> str:
    """Sign ``payload`` into a compact JWS; ``alg`` is the key's and comes first.

    Raises CryptoError(key_alg_mismatch) if ``header`` names another ``alg``.
    """
    extra = dict(header or {})
    if extra.setdefault("alg", key.alg) != key.alg:
        raise CryptoError(f"a {key.alg} key cannot sign {extra['alg']}", code="key_alg_mismatch")
    ordered = {"alg": key.alg, **extra}
    signing_input = b64url_encode(compact_json(ordered)) + "." + b64url_encode(payload)
    signature = sign_bytes(key, signing_input.encode("ascii"))
    return signing_input + "." + b64url_encode(signature)


def sign_json(
    key: PrivateKey, claims: Mapping[str, Any], *, header: Mapping[str, Any] | None = None
) -> str:
    """Sign a JSON object (compact UTF-8) as a JWS; raises what :func:`sign_compact` raises."""
    return sign_compact(key, compact_json(dict(claims)), header=header)
