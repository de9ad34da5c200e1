"""What the composition root hands to the window: settings that exist before any vault does."""

from __future__ import annotations

import importlib.metadata
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

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
    """The platform's per-user data directory for Tessera (not created here)."""
    return Path(platformdirs.user_data_dir(APP_NAME, ORGANIZATION))


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
    """Everything the window needs from outside; core services join here as they arrive."""

    vault_dir: Path
    version: str

    @property
    def vault_exists(self) -> bool:
        """Whether the vault directory is already on disk."""
        return self.vault_dir.is_dir()
