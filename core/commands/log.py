"""``tessera log verify [--file FILE|-]`` and ``tessera log export [FILE|-]``.

``log verify`` checks the vault's whole activity log: numbering, hash chain, every
signature by the wallet's log key, and the stored head (so entries cut off at the end
show too). With ``--file`` it checks an exported JSON-lines file with :mod:`core` alone,
no vault and no passphrase; a bare file cannot show that entries were cut off at its
end, so compare the printed head hash with one you trust. Success prints
``N entries, chain and signatures verify`` (``--json``: ``{"valid": true, "entries",
"signer", "head"}``); failure is LedgerBroken, ``[malformed|bad_signature]`` naming the
first bad entry (``entry 17: …``), exit 1.

``log export`` writes the log as JSON lines (JCS, one entry a line) to FILE, or to
standard output without FILE or with ``-``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from core.commands import Context, SubParsers, add_group
from core.commands.session import open_wallet
from core.errors import InvalidInput, VaultError
from core.ledger import LedgerReport, export_jsonl, verify_jsonl

#: The largest exported log file ``log verify --file`` reads.
MAX_LOG_BYTES = 256 * 1024 * 1024


def register(subparsers: SubParsers, common: argparse.ArgumentParser) -> None:
    """Add the ``log`` group."""
    commands = add_group(
        subparsers, common, "log", help="the signed activity log", description="Activity log."
    )
    verify = commands.add_parser(
        "verify",
        parents=[common],
        help="check the activity log's chain and signatures",
        description="Check the vault's activity log, or an exported file with --file.",
    )
    verify.add_argument(
        "--file", metavar="FILE", help="check this exported JSON-lines file ('-': stdin)"
    )
    verify.set_defaults(handler=verify_command)
    export = commands.add_parser(
        "export",
        parents=[common],
        help="write the activity log as JSON lines",
        description="Write the activity log as JSON lines, one signed entry a line.",
    )
    export.add_argument("file", metavar="FILE", nargs="?", default="-", help="default: stdout")
    export.set_defaults(handler=export_command)


def verify_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises LedgerBroken; VaultError(io_error) for an unreadable file; what
    :func:`open_wallet` raises when checking the vault."""
    if args.file is not None:
        report = verify_jsonl(_read_text(args.file, ctx))
    else:
        with open_wallet(args, ctx) as (wallet, _):
            report = wallet.ledger.verify()
    _report(ctx, report)
    return 0


def _read_text(name: str, ctx: Context) -> str:
    try:
        if name == "-":
            text = ctx.stdin.read(MAX_LOG_BYTES + 1)
        else:
            with Path(name).open(encoding="utf-8", newline="") as handle:
                text = handle.read(MAX_LOG_BYTES + 1)
    except OSError as exc:
        raise VaultError(f"{name}: {exc.strerror or exc}", code="io_error") from exc
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{name} is not UTF-8 text") from exc
    if len(text) > MAX_LOG_BYTES:
        raise InvalidInput(f"{name} is larger than a log Tessera reads", code="input_too_large")
    return text


def _report(ctx: Context, report: LedgerReport) -> None:
    if ctx.json:
        ctx.emit_json(
            {
                "valid": True,
                "entries": report.count,
                "signer": report.signer,
                "head": report.head,
            }
        )
        return
    noun = "entry" if report.count == 1 else "entries"
    ctx.line(f"{report.count} {noun}, chain and signatures verify")
    if report.signer:
        ctx.line(f"signed by  {report.signer}")
    ctx.line(f"head       {report.head}")


def export_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises VaultError(io_error), and what :func:`open_wallet` raises."""
    with open_wallet(args, ctx) as (wallet, _):
        entries = wallet.ledger.entries()
    text = export_jsonl(entries)
    if args.file == "-":
        ctx.stdout.write(text)
        return 0
    path = Path(args.file)
    try:
        path.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise VaultError(f"{path}: {exc.strerror or exc}", code="io_error") from exc
    if ctx.json:
        ctx.emit_json({"entries": len(entries), "file": str(path)})
    else:
        noun = "entry" if len(entries) == 1 else "entries"
        ctx.line(f"Wrote {len(entries)} {noun} to {path}")
    return 0
