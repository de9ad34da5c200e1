"""Recovery phrase handling and deterministic key derivation."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from core.keys import Ed25519PrivateKey, P256PrivateKey
from core.vault.recovery import (
    derive_identity_key,
    derive_log_key,
    new_recovery_phrase,
    normalize_phrase,
    seed_from_phrase,
)

# BIP-39 test vector (entropy 0x00 * 32, empty passphrase rather than "TREZOR").
ZERO_PHRASE = " ".join(["abandon"] * 23 + ["art"])


def test_new_phrase_has_24_valid_words() -> None:
    phrase = new_recovery_phrase()
    assert len(phrase.split()) == 24
    assert normalize_phrase(phrase) == phrase


def test_phrase_from_fixed_entropy_is_the_bip39_vector() -> None:
    assert new_recovery_phrase(bytes(32)) == ZERO_PHRASE


def test_seed_ignores_case_and_spacing() -> None:
    messy = "  " + ZERO_PHRASE.upper().replace(" ", "   \n") + " "
    assert seed_from_phrase(messy) == seed_from_phrase(ZERO_PHRASE)
    assert len(seed_from_phrase(ZERO_PHRASE)) == 64


@pytest.mark.parametrize(
    ("phrase", "fragment"),
    [
        (" ".join(["abandon"] * 23), "24 words"),
        (" ".join(["abandon"] * 25), "24 words"),
        (" ".join(["abandon"] * 23 + ["artt"]), "word 24"),
        (" ".join(["abandon"] * 24), "checksum"),
        ("", "24 words"),
    ],
)
def test_bad_phrases_are_refused_without_echoing_words(phrase: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as info:
        normalize_phrase(phrase)
    assert info.value.code == "invalid_recovery_phrase"
    assert fragment in str(info.value)
    assert "artt" not in str(info.value)


def test_identity_keys_are_deterministic_and_distinct() -> None:
    seed = seed_from_phrase(ZERO_PHRASE)
    ed = [derive_identity_key(seed, "EdDSA", n) for n in range(3)]
    p256 = [derive_identity_key(seed, "ES256", n) for n in range(3)]
    assert all(isinstance(key, Ed25519PrivateKey) for key in ed)
    assert all(isinstance(key, P256PrivateKey) for key in p256)
    again = [derive_identity_key(seed, "EdDSA", n) for n in range(3)]
    assert [k.public_key for k in ed] == [k.public_key for k in again]
    publics = {k.public_key.thumbprint() for k in ed + p256}
    publics.add(derive_log_key(seed).public_key.thumbprint())
    assert len(publics) == 7


def test_unknown_algorithm_and_bad_index() -> None:
    seed = seed_from_phrase(ZERO_PHRASE)
    with pytest.raises(InvalidInput):
        derive_identity_key(seed, "RS256", 0)
    with pytest.raises(InvalidInput):
        derive_identity_key(seed, "EdDSA", -1)
