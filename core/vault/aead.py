"""XChaCha20-Poly1305 sealing with associated data; a random 24-byte nonce per message."""

from __future__ import annotations

import nacl.bindings as sodium
import nacl.exceptions
import nacl.utils

from core.errors import CryptoError

NONCE_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
KEY_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_KEYBYTES


def new_key() -> bytes:
    """A fresh random 32-byte key."""
    return nacl.utils.random(KEY_BYTES)


def seal(key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    """Encrypt and authenticate; returns nonce ‖ ciphertext ‖ tag."""
    nonce = nacl.utils.random(NONCE_BYTES)
    return nonce + sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        plaintext, associated_data, nonce, key
    )


def open_sealed(key: bytes, blob: bytes, associated_data: bytes) -> bytes:
    """Decrypt what :func:`seal` made with the same key and associated data.

    Raises CryptoError if the blob was changed, truncated, moved or sealed under another key.
    """
    if len(blob) < NONCE_BYTES + 16:
        raise CryptoError("sealed data is truncated")
    try:
        return bytes(
            sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
                blob[NONCE_BYTES:], associated_data, blob[:NONCE_BYTES], key
            )
        )
    except nacl.exceptions.CryptoError as exc:
        raise CryptoError("sealed data failed authentication") from exc
