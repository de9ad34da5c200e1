"""``tessera init [--recover] [--identities N] [--kdf K]``: create (or restore) a vault.

Without ``--recover`` a new recovery phrase is made and printed once, the only time
Tessera ever shows it (``--json``: ``{"did", "dids", "recovery_phrase", "vault"}``).
With ``--recover`` the phrase is read (TESSERA_RECOVERY_PHRASE, a hidden prompt, or
standard input; never argv) and the first N Ed25519 did:key identities are derived
again in the order they were first made (``--json``: ``{"did", "dids", "vault"}``).

The passphrase comes from TESSERA_PASSPHRASE or is asked twice. Nothing is written
before the phrase and the passphrase have been accepted. Refuses with
VaultError(vault_exists) when the directory already holds a vault.
"""

from __future__ import annotations

import argparse

from core.commands import Context, SubParsers
from core.commands.session import (
    PASSPHRASE_ENV,
    add_kdf_option,
    kdf_params,
    read_new_passphrase,
    read_recovery_phrase,
    vault_dir,
)
from core.errors import VaultError
from core.vault.kdf import KdfParams
from core.vault.recovery import normalize_phrase
from core.wallet import Wallet

MAX_IDENTITIES = 1000
PHRASE_COLUMNS = 4
WARNING = (
    "Write these 24 words down, in order, and keep them somewhere safe and offline.",
    "They are shown only this once. Anyone who has them controls your identities;",
    "without them a lost or forgotten vault cannot be restored.",
)


def register(subparsers: SubParsers, common: argparse.ArgumentParser) -> None:
    """Add ``init``."""
    parser = subparsers.add_parser(
        "init",
        parents=[common],
        help="create a vault (or restore one from its recovery phrase)",
        description="Create a vault and print its recovery phrase (once), or restore a "
        "vault from its recovery phrase with --recover.",
    )
    parser.add_argument(
        "--recover",
        action="store_true",
        help="restore from a recovery phrase (TESSERA_RECOVERY_PHRASE or standard input)",
    )
    parser.add_argument(
        "--identities",
        type=_count,
        default=1,
        metavar="N",
        help="how many Ed25519 did:key identities to create or restore (default 1)",
    )
    add_kdf_option(parser, default="moderate", what="the vault passphrase")
    parser.set_defaults(handler=init_command)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_IDENTITIES:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_IDENTITIES}")
    return value


def init_command(args: argparse.Namespace, ctx: Context) -> int:
    """Create or restore the vault in ``--vault``.

    Raises VaultError(vault_exists), InvalidInput(invalid_recovery_phrase),
    UsageError(passphrase_required | phrase_required), VaultBusy.
    """
    directory = vault_dir(args)
    if Wallet.exists(directory):
        raise VaultError(
            f"a vault already exists in {directory}; nothing was changed", code="vault_exists"
        )
    kdf = kdf_params(args.kdf) or KdfParams.MODERATE
    if args.recover:
        phrase = normalize_phrase(read_recovery_phrase(ctx))  # checked before anything else
        passphrase = read_new_passphrase(ctx, PASSPHRASE_ENV, what="vault passphrase")
        with Wallet.recover(
            directory, passphrase, phrase, identities=args.identities, kdf=kdf
        ) as wallet:
            dids = [identity.did for identity in wallet.identities.all()]
        _report_recovered(ctx, directory, dids)
        return 0
    passphrase = read_new_passphrase(ctx, PASSPHRASE_ENV, what="vault passphrase")
    wallet, phrase = Wallet.create(directory, passphrase, kdf=kdf)
    with wallet:
        for _ in range(args.identities - 1):
            wallet.create_identity()
        dids = [identity.did for identity in wallet.identities.all()]
    _report_created(ctx, directory, dids, phrase)
    return 0


def _report_created(ctx: Context, directory: object, dids: list[str], phrase: str) -> None:
    if ctx.json:
        ctx.emit_json(
            {"did": dids[0], "dids": dids, "recovery_phrase": phrase, "vault": str(directory)}
        )
        return
    ctx.line(f"Created a vault in {directory}")
    for did in dids:
        ctx.line(f"Identity  {did}")
    ctx.line()
    ctx.line("Recovery phrase:")
    ctx.line()
    for row in phrase_grid(phrase):
        ctx.line("  " + row)
    ctx.line()
    for line in WARNING:
        ctx.line(line)


def _report_recovered(ctx: Context, directory: object, dids: list[str]) -> None:
    if ctx.json:
        ctx.emit_json({"did": dids[0], "dids": dids, "vault": str(directory)})
        return
    ctx.line(f"Restored a vault in {directory} from its recovery phrase")
    for did in dids:
        ctx.line(f"Identity  {did}")


def phrase_grid(phrase: str, columns: int = PHRASE_COLUMNS) -> list[str]:
    """The words numbered and laid out in rows of ``columns`` (24 words: 6 rows of 4)."""
    words = phrase.split()
    width = max((len(word) for word in words), default=0)
    cells = [f"{number:>2}. {word:<{width}}" for number, word in enumerate(words, start=1)]
    return ["   ".join(cells[i : i + columns]).rstrip() for i in range(0, len(cells), columns)]
