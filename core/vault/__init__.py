"""The encrypted vault: one SQLite file, records sealed under a data key that a passphrase
(Argon2id) or the OS keyring unwraps. See :mod:`core.vault.store` for the format."""

from core.vault.kdf import KdfParams
from core.vault.store import DamagedRecord, Record, Vault

__all__ = ["DamagedRecord", "KdfParams", "Record", "Vault"]
