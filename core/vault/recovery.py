"""The recovery phrase (BIP-39, 24 words) and every key derived from it.

Derivation (SLIP-0010, hardened only; ``7823'`` is Tessera's purpose number):

=========================  ==========  =================================
key                        curve       path
=========================  ==========  =================================
Ed25519 identity *n*       ed25519     ``m/7823'/0'/n'``
P-256 identity *n*         nist256p1   ``m/7823'/0'/n'``
activity-log signing key   ed25519     ``m/7823'/1'/0'``
=========================  ==========  =================================

Identities of each algorithm are numbered 0, 1, 2… in the order they are made, so the
phrase alone brings every identity back in that order. The BIP-39 seed uses an empty
BIP-39 passphrase; the vault passphrase is separate and never enters the derivation.
"""

from __future__ import annotations

import secrets
import unicodedata

from mnemonic import Mnemonic

from core.errors import InvalidInput
from core.keys import (
    HARDENED,
    Ed25519PrivateKey,
    P256PrivateKey,
    PrivateKey,
    slip10_derive,
)

PHRASE_WORDS = 24
PURPOSE = 7823
_BIP39 = Mnemonic("english")


def new_recovery_phrase(entropy: bytes | None = None) -> str:
    """A fresh 24-word phrase (256 bits of entropy from the OS unless given)."""
    entropy = entropy if entropy is not None else secrets.token_bytes(32)
    if len(entropy) != 32:
        raise InvalidInput("a 24-word phrase needs 32 bytes of entropy")
    return str(_BIP39.to_mnemonic(entropy))


def normalize_phrase(phrase: str) -> str:
    """Lower-case, single-spaced, checked phrase.

    Raises InvalidInput(invalid_recovery_phrase) for a wrong word count, an unknown word
    (named by its position only: the phrase is a secret) or a failed checksum.
    """
    words = unicodedata.normalize("NFKD", phrase).lower().split()
    if len(words) != PHRASE_WORDS:
        raise InvalidInput(
            f"a recovery phrase has {PHRASE_WORDS} words; this one has {len(words)}",
            code="invalid_recovery_phrase",
        )
    known = set(_BIP39.wordlist)
    for position, word in enumerate(words, start=1):
        if word not in known:
            raise InvalidInput(
                f"word {position} is not in the recovery word list (check its spelling)",
                code="invalid_recovery_phrase",
            )
    normalized = " ".join(words)
    if not _BIP39.check(normalized):
        raise InvalidInput(
            "the words do not add up (checksum): one of them is probably wrong or out of order",
            code="invalid_recovery_phrase",
        )
    return normalized


def seed_from_phrase(phrase: str) -> bytes:
    """The 64-byte BIP-39 seed. Raises InvalidInput(invalid_recovery_phrase)."""
    return bytes(_BIP39.to_seed(normalize_phrase(phrase), passphrase=""))


def derive_identity_key(seed: bytes, alg: str, index: int) -> PrivateKey:
    """The private key of identity number ``index`` for ``alg`` ("EdDSA" or "ES256").

    Raises InvalidInput for an unknown algorithm or an index out of range.
    """
    if not 0 <= index < HARDENED:
        raise InvalidInput("identity index out of range")
    path = [PURPOSE + HARDENED, HARDENED, index + HARDENED]
    if alg == "EdDSA":
        return Ed25519PrivateKey(slip10_derive("ed25519", seed, path)[0])
    if alg == "ES256":
        return P256PrivateKey.from_private_bytes(slip10_derive("nist256p1", seed, path)[0])
    raise InvalidInput(f"unsupported key algorithm {alg!r}")


def derive_log_key(seed: bytes) -> Ed25519PrivateKey:
    """The key that signs the activity log."""
    path = [PURPOSE + HARDENED, 1 + HARDENED, HARDENED]
    return Ed25519PrivateKey(slip10_derive("ed25519", seed, path)[0])
