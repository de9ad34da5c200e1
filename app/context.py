"""What the composition root hands to the windows: paths, settings and core services.

Nothing here is global: ``app/__main__.py`` builds one :class:`AppContext` with the real
services, and tests build their own (a temporary vault, ``MemoryKeyStore``, a fast KDF).
"""

from __future__ import annotations

import importlib.metadata
import os
import random
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from core.clock import Clock, SystemClock
from core.vault.kdf import KdfParams
from core.vault.keystore import DeviceKeyStore, OsKeyringStore
from core.vault.store import Vault

APP_NAME = "Tessera"
ORGANIZATION = "Tessera"
DISTRIBUTION = "tessera-wallet"
VAULT_ENV = "TESSERA_VAULT"


def app_version() -> str:
    """The installed distribution's version, or "dev" when running from a source tree."""
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return "dev"


def default_vault_dir() -> Path:
    """The vault the ``tessera`` command uses too: the platform's per-user data
    directory, ``vault`` inside it (not created here)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "vault"


def resolve_vault_dir(cli_value: str | None, environ: dict[str, str] | None = None) -> Path:
    """Pick the vault directory: ``--vault`` first, then ``TESSERA_VAULT``, then the default.

    Nothing is created or checked on disk.
    """
    env = os.environ if environ is None else environ
    chosen = cli_value or env.get(VAULT_ENV) or None
    if chosen:
        return Path(chosen).expanduser().resolve()
    return default_vault_dir()


@dataclass(frozen=True)
class AppContext:
    """Everything the windows need from outside.

    ``key_store`` keeps the vault key for "remember on this device"; ``kdf`` is the
    Argon2id cost for new passphrases (vaults, changed passphrases, backups); ``clock``
    times every log entry; ``idle_lock_ms`` overrides the auto-lock minutes from the
    preferences (tests); ``rng`` picks the recovery words to check.
    """

    vault_dir: Path
    version: str
    key_store: DeviceKeyStore = field(default_factory=OsKeyringStore)
    kdf: KdfParams = KdfParams.MODERATE
    clock: Clock = field(default_factory=SystemClock)
    idle_lock_ms: int | None = None
    rng: random.Random = field(default_factory=secrets.SystemRandom)

    @property
    def vault_exists(self) -> bool:
        """Whether a vault file is already on disk."""
        return Vault.exists(self.vault_dir)

    @property
    def preferences_path(self) -> Path:
        """Where this device's choices for the vault (auto-lock, remember) are kept."""
        return self.vault_dir / "preferences.json"
