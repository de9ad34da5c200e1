"""At rest: the vault's files never hold a secret in the clear.

Secret-bearing records (a 32-byte seed, Ed25519 and P-256 private JWKs) are stored,
overwritten and deleted; then the raw bytes of every file in the vault directory
(vault.sqlite3, its -wal and -shm, the lock) are searched, while the vault is open
(the WAL then holds the recent writes) and after it is closed, for the seed, the private
keys, the passphrase, the data key and the Argon2id key, in every encoding they could
plausibly be written in. Backups are covered by the backup tests.
"""

from __future__ import annotations

import base64
import json
import secrets
from pathlib import Path

import pytest

from core.encoding import b64url_encode
from core.keys import Ed25519PrivateKey, P256PrivateKey
from core.vault import KdfParams, Vault
from core.vault.store import DB_NAME

PASSPHRASE = "Tessera at-rest passphrase \u00e9\u00e8 " + secrets.token_hex(8)


def encodings(secret: bytes) -> dict[str, bytes]:
    """The ways a secret could land in a file."""
    return {
        "raw": secret,
        "hex": secret.hex().encode(),
        "HEX": secret.hex().upper().encode(),
        "base64url": b64url_encode(secret).encode(),
        "base64": base64.b64encode(secret).rstrip(b"="),
    }


def leaks(directory: Path, secrets_by_name: dict[str, bytes]) -> list[str]:
    """Which (file, secret, encoding) combinations occur in the files of ``directory``."""
    found = []
    for path in sorted(directory.iterdir()):
        data = path.read_bytes()
        for name, secret in secrets_by_name.items():
            for form, needle in encodings(secret).items():
                if needle in data:
                    found.append(f"{path.name}: {name} ({form})")
        if PASSPHRASE.encode("utf-8") in data:
            found.append(f"{path.name}: passphrase (UTF-8)")
        if PASSPHRASE.encode("utf-16-le") in data:
            found.append(f"{path.name}: passphrase (UTF-16)")
    return found


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    return tmp_path / "vault"


def test_no_secret_in_the_vault_files_open_or_closed(vault_dir: Path) -> None:
    seed = secrets.token_bytes(32)
    ed = Ed25519PrivateKey.generate()
    p256 = P256PrivateKey.generate()
    ed_jwk, p256_jwk = ed.private_jwk(), p256.private_jwk()
    assert ed_jwk["d"] == b64url_encode(ed.seed()) and p256_jwk["d"] == b64url_encode(
        p256.private_bytes()
    )

    vault = Vault.create(vault_dir, PASSPHRASE, kdf=KdfParams.FAST_INSECURE)
    try:
        data_key = vault.data_key()
        kek = vault.derive_kek(PASSPHRASE)
        vault.put("seed", "master", seed)
        vault.put_json("seed", "master-json", {"seed": seed.hex(), "b64": b64url_encode(seed)})
        vault.put_json("identity", "ed", {"did": "did:example:ed", "private_jwk": ed_jwk})
        vault.put_json("identity", "p256", {"did": "did:example:p", "private_jwk": p256_jwk})
        vault.put_json("settings", "passphrase-hint", {"echo": PASSPHRASE})  # worst case
        # Old versions of records linger in WAL frames and free pages: make some.
        vault.put_json("identity", "old", {"private_jwk": ed_jwk, "pad": "x" * 5000})
        vault.put_json("identity", "old", {"replaced": True})
        vault.delete("identity", "old")
        for i in range(50):
            vault.put_json("credential", f"c{i}", {"holder_key": p256_jwk, "n": i})

        watched = {
            "seed": seed,
            "ed25519 private key": ed.seed(),
            "p-256 private key": p256.private_bytes(),
            "data key": data_key,
            "argon2id key": kek,
        }
        wal = vault_dir / f"{DB_NAME}-wal"
        assert wal.is_file() and wal.stat().st_size > 0, "expected a WAL while open"
        assert leaks(vault_dir, watched) == []
    finally:
        vault.close()

    assert (vault_dir / DB_NAME).is_file()
    assert leaks(vault_dir, watched) == []

    # The records really are in there, and readable with the passphrase.
    with Vault.open(vault_dir) as reopened:
        reopened.unlock(PASSPHRASE)
        assert reopened.get("seed", "master").data == seed
        assert reopened.get("identity", "ed").json()["private_jwk"] == ed_jwk
        assert json.loads(reopened.get("credential", "c7").data)["holder_key"] == p256_jwk
    assert leaks(vault_dir, watched) == []


def test_the_search_would_find_a_leak(vault_dir: Path) -> None:
    """The detector works: a secret written in the clear is found in every form."""
    vault_dir.mkdir()
    secret = secrets.token_bytes(32)
    for form, needle in encodings(secret).items():
        (vault_dir / "leaky").write_bytes(b"prefix" + needle + b"suffix")
        assert f"leaky: s ({form})" in leaks(vault_dir, {"s": secret})
    (vault_dir / "leaky").write_bytes(PASSPHRASE.encode())
    assert leaks(vault_dir, {}) == ["leaky: passphrase (UTF-8)"]
