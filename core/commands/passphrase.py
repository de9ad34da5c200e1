"""``tessera passphrase change [--kdf K]``: re-wrap the vault's data key.

The current passphrase is TESSERA_PASSPHRASE (or asked), the new one
TESSERA_NEW_PASSPHRASE (or asked twice). Records are not re-encrypted. Without
``--kdf`` the vault keeps its current Argon2id cost, so changing the passphrase never
weakens it silently. A key remembered on this device stays valid (the data key is the
same).
"""

from __future__ import annotations

import argparse

from core.commands import Context, SubParsers, add_group
from core.commands.session import (
    NEW_PASSPHRASE_ENV,
    add_kdf_option,
    kdf_params,
    open_wallet,
    read_new_passphrase,
)


def register(subparsers: SubParsers, common: argparse.ArgumentParser) -> None:
    """Add the ``passphrase`` group."""
    commands = add_group(
        subparsers, common, "passphrase", help="the vault passphrase", description="Passphrase."
    )
    change = commands.add_parser(
        "change",
        parents=[common],
        help="change the vault passphrase",
        description="Change the vault passphrase (TESSERA_PASSPHRASE → TESSERA_NEW_PASSPHRASE).",
    )
    add_kdf_option(change, default=None, what="the new passphrase")
    change.set_defaults(handler=change_command)


def change_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises WrongPassphrase (checked before the new one is asked for), InvalidInput,
    UsageError(passphrase_required), VaultError(no_vault), VaultBusy."""
    with open_wallet(args, ctx, prompt="Current passphrase: ") as (wallet, current):
        new = read_new_passphrase(ctx, NEW_PASSPHRASE_ENV)
        kdf = kdf_params(args.kdf)
        wallet.change_passphrase(current, new, kdf=kdf)
        params = wallet.vault.kdf_params
    if ctx.json:
        ctx.emit_json({"changed": True, "kdf": params.to_json()})
    else:
        ctx.line("Changed the passphrase.")
    return 0
