"""Key pairs for Ed25519 (PyNaCl) and P-256 (cryptography): JWK, thumbprints, multicodec.

Keys are immutable values. Private keys never show their secret in ``repr``. The
signature primitives themselves are called only from :mod:`core.jose`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal

import nacl.bindings
import nacl.signing
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec

from core.encoding import (
    ED25519_PUB,
    P256_PUB,
    b64url_decode,
    b64url_encode,
    canonical_json,
    multicodec_unwrap,
    multicodec_wrap,
)
from core.errors import InvalidInput

Algorithm = Literal["EdDSA", "ES256"]
ALGORITHMS: Final[frozenset[str]] = frozenset({"EdDSA", "ES256"})

_P256_ORDER: Final = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def _jwk_bytes(jwk: Mapping[str, Any], member: str, length: int) -> bytes:
    value = jwk.get(member)
    if not isinstance(value, str):
        raise InvalidInput(f"JWK member {member!r} is missing or not a string", code="invalid_jwk")
    try:
        raw = b64url_decode(value)
    except InvalidInput as exc:
        raise InvalidInput(f"JWK member {member!r} is not base64url", code="invalid_jwk") from exc
    if len(raw) != length:
        raise InvalidInput(f"JWK member {member!r} must be {length} bytes", code="invalid_jwk")
    return raw


class PublicKey(ABC):
    """A public key that can check signatures of one algorithm."""

    alg: Algorithm

    @abstractmethod
    def to_jwk(self) -> dict[str, str]:
        """The public JWK (required members only)."""

    @abstractmethod
    def to_multicodec(self) -> bytes:
        """Multicodec bytes (as in did:key and Multikey)."""

    def thumbprint(self) -> str:
        """RFC 7638 SHA-256 thumbprint, base64url."""
        return jwk_thumbprint(self.to_jwk())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PublicKey) and self.to_jwk() == other.to_jwk()

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.to_jwk().items())))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.thumbprint()})"


class Ed25519PublicKey(PublicKey):
    """An Ed25519 public key (RFC 8032), 32 bytes."""

    alg: Algorithm = "EdDSA"

    def __init__(self, raw: bytes) -> None:
        """Raises InvalidInput(invalid_key) unless ``raw`` is a valid 32-byte curve point."""
        if not isinstance(raw, bytes) or len(raw) != 32:
            raise InvalidInput("an Ed25519 public key is 32 bytes", code="invalid_key")
        if not nacl.bindings.crypto_core_ed25519_is_valid_point(raw):
            raise InvalidInput("not a valid Ed25519 public key", code="invalid_key")
        self.raw = raw
        self.verify_key = nacl.signing.VerifyKey(raw)

    def to_jwk(self) -> dict[str, str]:
        return {"crv": "Ed25519", "kty": "OKP", "x": b64url_encode(self.raw)}

    def to_multicodec(self) -> bytes:
        return multicodec_wrap(ED25519_PUB, self.raw)


class P256PublicKey(PublicKey):
    """A NIST P-256 public key."""

    alg: Algorithm = "ES256"

    def __init__(self, key: ec.EllipticCurvePublicKey) -> None:
        if not isinstance(key.curve, ec.SECP256R1):
            raise InvalidInput("only P-256 EC keys are supported", code="unsupported_key_type")
        self.crypto_key = key
        numbers = key.public_numbers()
        self.x = numbers.x.to_bytes(32, "big")
        self.y = numbers.y.to_bytes(32, "big")

    @classmethod
    def from_coordinates(cls, x: bytes, y: bytes) -> P256PublicKey:
        """Raises InvalidInput(invalid_key) if (x, y) is not on the curve."""
        try:
            key = ec.EllipticCurvePublicNumbers(
                int.from_bytes(x, "big"), int.from_bytes(y, "big"), ec.SECP256R1()
            ).public_key()
        except ValueError as exc:
            raise InvalidInput("the point is not on the P-256 curve", code="invalid_key") from exc
        return cls(key)

    @classmethod
    def from_compressed(cls, point: bytes) -> P256PublicKey:
        """Decode a 33-byte SEC1 compressed point. Raises InvalidInput(invalid_key)."""
        if len(point) != 33 or point[0] not in (2, 3):
            raise InvalidInput("a compressed P-256 point is 33 bytes", code="invalid_key")
        try:
            key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
        except (ValueError, UnsupportedAlgorithm) as exc:
            raise InvalidInput("not a valid P-256 point", code="invalid_key") from exc
        return cls(key)

    def compressed(self) -> bytes:
        """The 33-byte SEC1 compressed point (did:key uses this form)."""
        return bytes([2 | (self.y[-1] & 1)]) + self.x

    def to_jwk(self) -> dict[str, str]:
        return {
            "crv": "P-256",
            "kty": "EC",
            "x": b64url_encode(self.x),
            "y": b64url_encode(self.y),
        }

    def to_multicodec(self) -> bytes:
        return multicodec_wrap(P256_PUB, self.compressed())


class PrivateKey(ABC):
    """A private key; its ``public_key`` is always available, its secret only via JWK export."""

    alg: Algorithm
    public_key: PublicKey

    @abstractmethod
    def private_jwk(self) -> dict[str, str]:
        """The JWK including the private member ``d``. Handle the result as a secret."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(public={self.public_key.thumbprint()}, secret=<hidden>)"


class Ed25519PrivateKey(PrivateKey):
    """An Ed25519 private key, held as its 32-byte seed."""

    alg: Algorithm = "EdDSA"

    def __init__(self, seed: bytes) -> None:
        """Raises InvalidInput(invalid_key) unless ``seed`` is 32 bytes."""
        if not isinstance(seed, bytes) or len(seed) != 32:
            raise InvalidInput("an Ed25519 seed is 32 bytes", code="invalid_key")
        self.signing_key = nacl.signing.SigningKey(seed)
        self.public_key: Ed25519PublicKey = Ed25519PublicKey(bytes(self.signing_key.verify_key))

    @classmethod
    def generate(cls) -> Ed25519PrivateKey:
        """A new key from the operating system's random source."""
        return cls(bytes(nacl.signing.SigningKey.generate()))

    def seed(self) -> bytes:
        """The 32-byte seed. Handle it as a secret."""
        return bytes(self.signing_key)

    def private_jwk(self) -> dict[str, str]:
        return {**self.public_key.to_jwk(), "d": b64url_encode(self.seed())}


class P256PrivateKey(PrivateKey):
    """A P-256 private key (cryptography)."""

    alg: Algorithm = "ES256"

    def __init__(self, key: ec.EllipticCurvePrivateKey) -> None:
        if not isinstance(key.curve, ec.SECP256R1):
            raise InvalidInput("only P-256 EC keys are supported", code="unsupported_key_type")
        self.crypto_key = key
        self.public_key: P256PublicKey = P256PublicKey(key.public_key())

    @classmethod
    def generate(cls) -> P256PrivateKey:
        """A new key from the operating system's random source."""
        return cls(ec.generate_private_key(ec.SECP256R1()))

    @classmethod
    def from_private_bytes(cls, scalar: bytes) -> P256PrivateKey:
        """From the 32-byte big-endian private scalar. Raises InvalidInput(invalid_key)."""
        value = int.from_bytes(scalar, "big")
        if len(scalar) != 32 or not 0 < value < _P256_ORDER:
            raise InvalidInput("a P-256 private key is a 32-byte scalar < n", code="invalid_key")
        return cls(ec.derive_private_key(value, ec.SECP256R1()))

    def private_bytes(self) -> bytes:
        """The 32-byte private scalar. Handle it as a secret."""
        return self.crypto_key.private_numbers().private_value.to_bytes(32, "big")

    def private_jwk(self) -> dict[str, str]:
        return {**self.public_key.to_jwk(), "d": b64url_encode(self.private_bytes())}


def _check_kty(jwk: Mapping[str, Any]) -> str:
    if not isinstance(jwk, Mapping):
        raise InvalidInput("a JWK must be a JSON object", code="invalid_jwk")
    kty, crv = jwk.get("kty"), jwk.get("crv")
    if kty == "OKP" and crv == "Ed25519":
        return "Ed25519"
    if kty == "EC" and crv == "P-256":
        return "P-256"
    if kty in ("OKP", "EC", "RSA", "oct"):
        raise InvalidInput(f"unsupported key type {kty}/{crv}", code="unsupported_key_type")
    raise InvalidInput("JWK has no valid 'kty'", code="invalid_jwk")


def public_key_from_jwk(jwk: Mapping[str, Any]) -> PublicKey:
    """Import a public JWK (Ed25519 OKP or P-256 EC).

    Raises InvalidInput: invalid_jwk (missing/garbled members, or a private ``d``),
    unsupported_key_type, invalid_key (not on the curve).
    """
    curve = _check_kty(jwk)
    if "d" in jwk:
        raise InvalidInput("a public JWK must not contain 'd'", code="invalid_jwk")
    if curve == "Ed25519":
        return Ed25519PublicKey(_jwk_bytes(jwk, "x", 32))
    return P256PublicKey.from_coordinates(_jwk_bytes(jwk, "x", 32), _jwk_bytes(jwk, "y", 32))


def private_key_from_jwk(jwk: Mapping[str, Any]) -> PrivateKey:
    """Import a private JWK and check that ``d`` matches its public members.

    Raises InvalidInput: invalid_jwk, unsupported_key_type, invalid_key.
    """
    curve = _check_kty(jwk)
    d = _jwk_bytes(jwk, "d", 32)
    key: PrivateKey
    key = Ed25519PrivateKey(d) if curve == "Ed25519" else P256PrivateKey.from_private_bytes(d)
    public_members = {k: jwk.get(k) for k in key.public_key.to_jwk()}
    if public_members != key.public_key.to_jwk():
        raise InvalidInput("JWK private member does not match its public key", code="invalid_jwk")
    return key


def public_key_from_multicodec(data: bytes) -> PublicKey:
    """Decode ed25519-pub or p256-pub multicodec bytes. Raises InvalidInput."""
    code, payload = multicodec_unwrap(data)
    if code == ED25519_PUB:
        return Ed25519PublicKey(payload)
    return P256PublicKey.from_compressed(payload)


_THUMBPRINT_MEMBERS: Final[dict[str, tuple[str, ...]]] = {
    "OKP": ("crv", "kty", "x"),
    "EC": ("crv", "kty", "x", "y"),
    "RSA": ("e", "kty", "n"),
    "oct": ("k", "kty"),
}


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """RFC 7638 SHA-256 thumbprint (base64url) of any JWK with the required members.

    Raises InvalidInput(invalid_jwk) if a required member is missing or not a string.
    """
    if not isinstance(jwk, Mapping):
        raise InvalidInput("a JWK must be a JSON object", code="invalid_jwk")
    members = _THUMBPRINT_MEMBERS.get(str(jwk.get("kty")))
    if members is None:
        raise InvalidInput("JWK has no known 'kty'", code="invalid_jwk")
    required = {}
    for name in members:
        if not isinstance(jwk.get(name), str):
            raise InvalidInput(f"JWK member {name!r} is missing", code="invalid_jwk")
        required[name] = jwk[name]
    return b64url_encode(hashlib.sha256(canonical_json(required)).digest())


# --- SLIP-0010 (Ed25519, hardened only) -------------------------------------------------

HARDENED: Final = 0x80000000
_PATH_RE = re.compile(r"m(/\d+')*")


def parse_hardened_path(path: str) -> list[int]:
    """Parse ``m/44'/0'/…`` into indexes. Ed25519 allows hardened steps only.

    Raises InvalidInput(invalid_input).
    """
    if _PATH_RE.fullmatch(path) is None:
        raise InvalidInput("derivation path must look like m/44'/0' (hardened only)")
    steps = [int(part[:-1]) for part in path.split("/")[1:]]
    if any(step >= HARDENED for step in steps):
        raise InvalidInput("derivation index out of range")
    return [step + HARDENED for step in steps]


_SLIP10_CURVES: Final[dict[str, bytes]] = {
    "ed25519": b"ed25519 seed",
    "nist256p1": b"Nist256p1 seed",
}


def slip10_derive(curve: str, seed: bytes, path: Sequence[int] | str) -> tuple[bytes, bytes]:
    """SLIP-0010 private derivation on ``curve`` ("ed25519" or "nist256p1").

    Returns (private key, chain code) at the hardened ``path``. For nist256p1 an
    intermediate value outside [1, n-1] is retried as SLIP-0010 prescribes.
    Raises InvalidInput for a seed outside 16..64 bytes or a non-hardened index.
    """
    if curve not in _SLIP10_CURVES:
        raise InvalidInput(f"unknown SLIP-0010 curve {curve!r}")
    if not 16 <= len(seed) <= 64:
        raise InvalidInput("a SLIP-0010 seed is 16 to 64 bytes")
    indexes = parse_hardened_path(path) if isinstance(path, str) else list(path)
    weierstrass = curve == "nist256p1"
    digest = hmac.new(_SLIP10_CURVES[curve], seed, hashlib.sha512).digest()
    while weierstrass and not 0 < int.from_bytes(digest[:32], "big") < _P256_ORDER:
        digest = hmac.new(_SLIP10_CURVES[curve], digest, hashlib.sha512).digest()
    key, chain = digest[:32], digest[32:]
    for index in indexes:
        if not HARDENED <= index <= 0xFFFFFFFF:
            raise InvalidInput("SLIP-0010 derivation here allows hardened indexes only")
        data = b"\x00" + key + index.to_bytes(4, "big")
        while True:
            digest = hmac.new(chain, data, hashlib.sha512).digest()
            if not weierstrass:
                child = digest[:32]
                break
            tweak = int.from_bytes(digest[:32], "big")
            value = (tweak + int.from_bytes(key, "big")) % _P256_ORDER
            if tweak < _P256_ORDER and value != 0:
                child = value.to_bytes(32, "big")
                break
            data = b"\x01" + digest[32:] + index.to_bytes(4, "big")
        key, chain = child, digest[32:]
    return key, chain


def slip10_ed25519(seed: bytes, path: Sequence[int] | str) -> tuple[bytes, bytes]:
    """SLIP-0010 Ed25519 derivation; see :func:`slip10_derive`."""
    return slip10_derive("ed25519", seed, path)
