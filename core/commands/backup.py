"""``tessera backup export FILE`` and ``tessera backup import FILE``.

The backup passphrase is TESSERA_BACKUP_PASSPHRASE, else the vault passphrase.

- ``export FILE [--kdf K]`` writes one encrypted file (atomically; an existing FILE is
  replaced) holding every record: the seed, identities, credentials, consents, the log.
- ``import FILE`` merges a backup into the vault in ``--vault`` without duplicates; a
  tampered, truncated or foreign backup is refused and the vault is left untouched
  (BackupInvalid, WrongPassphrase, VaultError(other_wallet)). When ``--vault`` holds no
  vault yet, a new one is made from the backup, protected by the vault passphrase
  (TESSERA_PASSPHRASE, or asked twice) with ``--kdf`` cost; the backup is checked before
  anything is written.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from core.commands import Context, SubParsers, add_group
from core.commands.session import (
    KDF_CHOICES,
    PASSPHRASE_ENV,
    add_kdf_option,
    open_wallet,
    read_backup_passphrase,
    read_new_passphrase,
    vault_dir,
)
from core.vault.backup import ImportSummary
from core.wallet import Wallet


def register(subparsers: SubParsers, common: argparse.ArgumentParser) -> None:
    """Add the ``backup`` group."""
    commands = add_group(
        subparsers, common, "backup", help="encrypted backups", description="Backups."
    )
    export = commands.add_parser(
        "export",
        parents=[common],
        help="write an encrypted backup file",
        description="Write everything in the vault to one encrypted backup file.",
    )
    export.add_argument("file", metavar="FILE")
    add_kdf_option(export, default="moderate", what="the backup passphrase")
    export.set_defaults(handler=export_command)
    restore = commands.add_parser(
        "import",
        parents=[common],
        help="restore or merge a backup file",
        description="Merge a backup into the vault, or make the vault from it if there "
        "is none yet.",
    )
    restore.add_argument("file", metavar="FILE")
    add_kdf_option(restore, default="moderate", what="a vault made from the backup")
    restore.set_defaults(handler=import_command)


def export_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises VaultError(io_error), RecordDamaged, and what ``open_wallet`` raises."""
    kdf = KDF_CHOICES[args.kdf]  # --kdf has a default
    with open_wallet(args, ctx) as (wallet, passphrase):
        summary = wallet.export_backup(
            Path(args.file), read_backup_passphrase(ctx, passphrase), kdf=kdf
        )
    if ctx.json:
        ctx.emit_json(
            {
                "file": str(summary.path),
                "records": summary.records,
                "size": summary.size,
                "created_at": summary.created_at,
                "kinds": dict(summary.kinds),
            }
        )
    else:
        ctx.line(f"Wrote a backup of {summary.records} records to {summary.path}")
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(summary.kinds.items()))
        ctx.line(f"({kinds}; {summary.size} bytes)")
    return 0


def import_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises WrongPassphrase, BackupInvalid, UnsupportedVersion, VaultError(other_wallet |
    io_error), and what ``open_wallet`` raises."""
    directory = vault_dir(args)
    path = Path(args.file)
    if Wallet.exists(directory):
        with open_wallet(args, ctx) as (wallet, passphrase):
            summary = wallet.import_backup(path, read_backup_passphrase(ctx, passphrase))
            dids = [identity.did for identity in wallet.identities.all()]
        created = False
    else:
        passphrase = read_new_passphrase(ctx, PASSPHRASE_ENV, what="vault passphrase")
        kdf = KDF_CHOICES[args.kdf]  # --kdf has a default
        wallet, summary = Wallet.restore_backup(
            directory, passphrase, path, read_backup_passphrase(ctx, passphrase), kdf=kdf
        )
        with wallet:
            dids = [identity.did for identity in wallet.identities.all()]
        created = True
    _report(ctx, directory, created, summary, dids)
    return 0


def _report(
    ctx: Context, directory: Path, created: bool, summary: ImportSummary, dids: list[str]
) -> None:
    counts: dict[str, Any] = {
        "added": summary.added,
        "skipped": summary.skipped,
        "updated": summary.updated,
        "kept_local": summary.kept_local,
        "archived": summary.archived,
    }
    if ctx.json:
        ctx.emit_json(
            {
                "vault": str(directory),
                "created": created,
                **counts,
                "log": summary.log,
                "identities": dids,
            }
        )
        return
    verb = "Restored a new vault in" if created else "Imported the backup into"
    ctx.line(f"{verb} {directory}")
    ctx.line(", ".join(f"{n} {what.replace('_', ' ')}" for what, n in counts.items()))
    ctx.line(f"activity log: {_LOG_OUTCOMES.get(summary.log, summary.log)}")
    ctx.line(f"{len(dids)} identities")


_LOG_OUTCOMES = {
    "absent": "the backup held none",
    "same": "already up to date",
    "extended": "brought up to date from the backup",
    "diverged": "differs from the backup's; the backup's entries were archived",
}
