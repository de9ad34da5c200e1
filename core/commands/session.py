"""What the vault commands share: where the vault is, how secrets are read, an open wallet.

Secrets never come from the command line (argv shows in ``ps`` and shell history):

- the vault passphrase: ``TESSERA_PASSPHRASE``, else a hidden prompt on the terminal;
- a new passphrase (``init``, ``passphrase change``): ``TESSERA_PASSPHRASE`` for
  ``init``, ``TESSERA_NEW_PASSPHRASE`` for ``passphrase change``, else asked twice;
- a backup passphrase: ``TESSERA_BACKUP_PASSPHRASE``, else the vault passphrase;
- the recovery phrase (``init --recover``): ``TESSERA_RECOVERY_PHRASE``, else a hidden
  prompt on a terminal, else standard input.

An empty variable counts as unset. Without the variable and without a terminal on
standard input there is nobody to ask: UsageError(passphrase_required), exit 2.
"""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.commands import Context, UsageError
from core.errors import InvalidInput, UserCancelled, VaultError
from core.vault.kdf import KdfParams
from core.wallet import Wallet, default_vault_dir

PASSPHRASE_ENV = "TESSERA_PASSPHRASE"
NEW_PASSPHRASE_ENV = "TESSERA_NEW_PASSPHRASE"
BACKUP_PASSPHRASE_ENV = "TESSERA_BACKUP_PASSPHRASE"
RECOVERY_PHRASE_ENV = "TESSERA_RECOVERY_PHRASE"
KDF_CHOICES: dict[str, KdfParams] = {
    "interactive": KdfParams.INTERACTIVE,
    "moderate": KdfParams.MODERATE,
    "sensitive": KdfParams.SENSITIVE,
}
#: The most a piped recovery phrase may be (24 words of at most 8 letters, with slack).
_MAX_PHRASE_CHARS = 4096


# --- options -----------------------------------------------------------------------------


def add_vault_option(parser: argparse.ArgumentParser, *, default: Any) -> None:
    """``--vault DIR`` (the top-level parser sets the default, subparsers SUPPRESS)."""
    parser.add_argument(
        "--vault",
        metavar="DIR",
        default=default,
        help="the vault directory (default: $TESSERA_VAULT, else the user data dir)",
    )


def add_kdf_option(parser: argparse.ArgumentParser, *, default: str | None, what: str) -> None:
    """``--kdf interactive|moderate|sensitive``: the Argon2id cost for ``what``."""
    parser.add_argument(
        "--kdf",
        choices=tuple(KDF_CHOICES),
        default=default,
        help=f"Argon2id cost for {what} (default: {default or 'unchanged'})",
    )


def kdf_params(name: str | None) -> KdfParams | None:
    """The parameters a ``--kdf`` value names, or None when it was not given."""
    return None if name is None else KDF_CHOICES[name]


def vault_dir(args: argparse.Namespace) -> Path:
    """``--vault DIR``, else :func:`core.wallet.default_vault_dir`."""
    chosen = getattr(args, "vault", None)
    return Path(chosen).expanduser() if chosen else default_vault_dir()


# --- asking ------------------------------------------------------------------------------


def is_terminal(ctx: Context) -> bool:
    """Whether standard input is a terminal someone can answer on."""
    isatty = getattr(ctx.stdin, "isatty", None)
    return bool(isatty and isatty())


def _ask_hidden(ctx: Context, prompt: str) -> str:
    try:
        return getpass.getpass(prompt, stream=ctx.stderr)
    except EOFError as exc:
        raise UserCancelled("no answer was given") from exc


def _required(ctx: Context, variable: str, what: str) -> None:
    if not is_terminal(ctx):
        raise UsageError(
            f"{what} is needed: set {variable} or run the command in a terminal",
            code="passphrase_required",
        )


def read_passphrase(ctx: Context, *, prompt: str = "Vault passphrase: ") -> str:
    """The vault passphrase (see the module docstring).

    Raises UsageError(passphrase_required), UserCancelled, InvalidInput (empty).
    """
    value = ctx.env.get(PASSPHRASE_ENV)
    if not value:
        _required(ctx, PASSPHRASE_ENV, "the vault passphrase")
        value = _ask_hidden(ctx, prompt)
    if not value:
        raise InvalidInput("the passphrase must not be empty")
    return value


def read_new_passphrase(ctx: Context, variable: str, *, what: str = "new passphrase") -> str:
    """A new passphrase from ``variable``, else asked twice on the terminal.

    Raises UsageError(passphrase_required), UserCancelled, InvalidInput (empty, or the
    two answers differ).
    """
    value = ctx.env.get(variable)
    if value:
        return value
    _required(ctx, variable, f"a {what}")
    first = _ask_hidden(ctx, f"Choose a {what}: ")
    if not first:
        raise InvalidInput("the passphrase must not be empty")
    if _ask_hidden(ctx, f"Repeat the {what}: ") != first:
        raise InvalidInput("the two passphrases differ; nothing was changed")
    return first


def read_backup_passphrase(ctx: Context, vault_passphrase: str) -> str:
    """``TESSERA_BACKUP_PASSPHRASE``, else the vault passphrase."""
    return ctx.env.get(BACKUP_PASSPHRASE_ENV) or vault_passphrase


def read_recovery_phrase(ctx: Context) -> str:
    """The recovery phrase (never from argv). Raises UsageError(phrase_required)."""
    value = ctx.env.get(RECOVERY_PHRASE_ENV)
    if not value:
        if is_terminal(ctx):
            value = _ask_hidden(ctx, "Recovery phrase (24 words, separated by spaces): ")
        else:
            value = ctx.stdin.read(_MAX_PHRASE_CHARS + 1)
    if not value or not value.strip():
        raise UsageError(
            f"no recovery phrase: set {RECOVERY_PHRASE_ENV} or pass it on standard input",
            code="phrase_required",
        )
    if len(value) > _MAX_PHRASE_CHARS:
        raise InvalidInput(
            "that is far too long for a recovery phrase", code="invalid_recovery_phrase"
        )
    return value


def require_confirmer(ctx: Context, *, flag: str = "--yes") -> None:
    """Raises UsageError(confirmation_required) when there is no terminal to ask on."""
    if not is_terminal(ctx):
        raise UsageError(
            f"standard input is not a terminal, so nobody can confirm; add {flag} to go ahead",
            code="confirmation_required",
        )


def confirm(ctx: Context, question: str, *, flag: str = "--yes") -> bool:
    """Ask a yes/no question on the terminal (default no).

    Raises UsageError(confirmation_required) when there is no terminal to ask on.
    """
    require_confirmer(ctx, flag=flag)
    ctx.stderr.write(f"{question} [y/N] ")
    ctx.stderr.flush()
    answer = ctx.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


# --- the wallet --------------------------------------------------------------------------


def require_vault(directory: Path) -> None:
    """Raises VaultError(no_vault) with a hint when ``directory`` holds no vault."""
    if not Wallet.exists(directory):
        raise VaultError(
            f"there is no vault in {directory}; create one with 'tessera init' "
            "or point --vault (or TESSERA_VAULT) at an existing one",
            code="no_vault",
        )


@contextmanager
def open_wallet(
    args: argparse.Namespace, ctx: Context, *, prompt: str = "Vault passphrase: "
) -> Iterator[tuple[Wallet, str]]:
    """The wallet in ``--vault``, unlocked, and the passphrase that unlocked it (asked
    with ``prompt`` when it is not in the environment).

    The vault is opened (and so locked against other processes) before the passphrase
    is asked for. Raises VaultError(no_vault), VaultBusy, UnsupportedVersion,
    WrongPassphrase, UsageError(passphrase_required).
    """
    directory = vault_dir(args)
    require_vault(directory)
    with Wallet.open(directory) as wallet:
        passphrase = read_passphrase(ctx, prompt=prompt)
        wallet.unlock(passphrase)
        yield wallet, passphrase


def short_time(epoch: float) -> str:
    """``2025-01-31 12:00`` (UTC) for tables."""
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%d %H:%M")
