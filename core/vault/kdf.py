"""Passphrase → key with Argon2id (libsodium), with the parameters recorded next to the salt."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any, ClassVar

import nacl.pwhash.argon2id as argon2id

from core.errors import InvalidInput

SALT_BYTES = argon2id.SALTBYTES
KEY_BYTES = 32
#: Refuse parameters beyond these when reading a file someone else made (DoS guard).
_MAX_OPSLIMIT = 16
_MAX_MEMLIMIT = 2 * 1024**3


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost: ``opslimit`` passes over ``memlimit`` bytes."""

    opslimit: int
    memlimit: int
    algorithm: str = "argon2id13"

    INTERACTIVE: ClassVar[KdfParams]
    MODERATE: ClassVar[KdfParams]
    SENSITIVE: ClassVar[KdfParams]
    #: libsodium's minimum: for tests only, never for a real vault.
    FAST_INSECURE: ClassVar[KdfParams]

    def __post_init__(self) -> None:
        if self.algorithm != "argon2id13":
            raise InvalidInput(f"unknown key derivation {self.algorithm!r}")
        if not (argon2id.OPSLIMIT_MIN <= self.opslimit <= _MAX_OPSLIMIT):
            raise InvalidInput("Argon2id opslimit is out of range")
        if not (argon2id.MEMLIMIT_MIN <= self.memlimit <= _MAX_MEMLIMIT):
            raise InvalidInput("Argon2id memlimit is out of range")

    def to_json(self) -> dict[str, Any]:
        return {"alg": self.algorithm, "opslimit": self.opslimit, "memlimit": self.memlimit}

    @classmethod
    def from_json(cls, value: Any) -> KdfParams:
        """Raises InvalidInput for missing, mistyped or out-of-range parameters."""
        if not isinstance(value, dict):
            raise InvalidInput("key derivation parameters must be an object")
        ops, mem, alg = value.get("opslimit"), value.get("memlimit"), value.get("alg")
        if not isinstance(ops, int) or not isinstance(mem, int) or not isinstance(alg, str):
            raise InvalidInput("key derivation parameters are incomplete")
        return cls(opslimit=ops, memlimit=mem, algorithm=alg)


KdfParams.INTERACTIVE = KdfParams(argon2id.OPSLIMIT_INTERACTIVE, argon2id.MEMLIMIT_INTERACTIVE)
KdfParams.MODERATE = KdfParams(argon2id.OPSLIMIT_MODERATE, argon2id.MEMLIMIT_MODERATE)
KdfParams.SENSITIVE = KdfParams(argon2id.OPSLIMIT_SENSITIVE, argon2id.MEMLIMIT_SENSITIVE)
KdfParams.FAST_INSECURE = KdfParams(argon2id.OPSLIMIT_MIN, argon2id.MEMLIMIT_MIN)


def normalize_passphrase(passphrase: str) -> bytes:
    """NFKC-normalised UTF-8, so the same words typed on another system open the vault.

    Raises InvalidInput for an empty passphrase.
    """
    if not passphrase:
        raise InvalidInput("the passphrase must not be empty")
    return unicodedata.normalize("NFKC", passphrase).encode("utf-8")


def derive_key(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    """Derive a 32-byte key-encryption key. Raises InvalidInput for a bad salt/passphrase."""
    if len(salt) != SALT_BYTES:
        raise InvalidInput("the Argon2id salt has the wrong length")
    return bytes(
        argon2id.kdf(
            KEY_BYTES,
            normalize_passphrase(passphrase),
            salt,
            opslimit=params.opslimit,
            memlimit=params.memlimit,
        )
    )
