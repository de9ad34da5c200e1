"""``tessera credential status [ID] [--refresh]``: what the wallet knows of its credentials'
status (Token Status List), and the words the ``credential list`` status column uses.

Without ``--refresh`` nothing touches the network: the stored outcome of the last check is
shown (``not checked`` before the first). ``--refresh`` fetches and verifies the lists now
and stores the outcomes; a list that cannot be had is shown as offline with its error code
(exit 0: the wallet did what was asked), keeping the last state the list gave.
``--json``: an object per credential (a list without ID), with ``state`` (the latest
check), ``shown`` (the last definitive state while offline), ``offline``, ``checked_at``,
``last_success_at``, ``last_known``, ``next_check_at``, ``error`` and ``value``.
"""

from __future__ import annotations

import argparse
from typing import Any

from core.commands import Context, SubParsers
from core.commands.claims import SHORT_ID, printable, table, when
from core.commands.session import open_wallet
from core.credential_status import CredentialStatus, StatusState
from core.credentials import StoredCredential


def register_status(commands: SubParsers, common: argparse.ArgumentParser) -> None:
    """Add ``credential status`` to the ``credential`` group."""
    status = commands.add_parser(
        "status",
        parents=[common],
        help="show (or --refresh) the status of credentials",
        description="Show the stored status of one credential or all; --refresh checks now.",
    )
    status.add_argument(
        "id", metavar="ID", nargs="?", help="the id, or a unique prefix of 6+ characters"
    )
    status.add_argument(
        "--refresh", action="store_true", help="fetch and verify the status lists now"
    )
    status.set_defaults(handler=status_command)


def status_text(status: CredentialStatus | None) -> str:
    """One cell: ``valid``, ``revoked (offline)``, ``not checked``, ``no status list``…"""
    if status is None:
        return "not checked"
    if status.state is StatusState.NO_STATUS:
        return "no status list"
    if status.offline:
        return f"{status.last_known.value} (offline)" if status.last_known else "unavailable"
    return status.state.value


def status_json(credential: StoredCredential, status: CredentialStatus | None) -> dict[str, Any]:
    """The ``--json`` object of one credential's status (``state`` None: never checked)."""
    if status is None:
        value = dict.fromkeys(CredentialStatus.__dataclass_fields__)
        shown, offline = None, False
    else:
        value, shown, offline = status.to_json(), status.shown.value, status.offline
    del value["credential_id"]
    return {"id": credential.id, "vct": credential.vct, **value, "shown": shown,
            "offline": offline}


def status_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises RecordNotFound, InvalidInput(ambiguous_id), and what :func:`open_wallet`
    raises; a list that cannot be fetched is reported, not raised."""
    with open_wallet(args, ctx) as (wallet, _):
        if args.id is None:
            credentials = wallet.credentials.all()
        else:
            credentials = [wallet.credentials.get(args.id)]
        if args.refresh and credentials:
            wallet.refresh_credential_status([c.id for c in credentials])
        statuses = wallet.statuses.all()
    if ctx.json:
        objects = [status_json(c, statuses.get(c.id)) for c in credentials]
        ctx.emit_json(objects[0] if args.id is not None else objects)
        return 0
    if not credentials:
        ctx.line("No credentials yet; add one with 'tessera credential import FILE'.")
        return 0
    rows = []
    for credential in credentials:
        status = statuses.get(credential.id)
        rows.append((
            credential.id[:SHORT_ID],
            printable(credential.kind or "-"),
            status_text(status),
            when(status.last_success_at, never="-") if status else "-",
            _note(status),
        ))
    table(ctx, ("ID", "TYPE", "STATUS", "LAST ANSWER (UTC)", "NOTE"), rows)
    return 0


def _note(status: CredentialStatus | None) -> str:
    if status is None:
        return "run with --refresh to check now"
    if status.offline:
        return f"offline at {when(status.checked_at)} [{status.error or 'unavailable'}]"
    if status.state is StatusState.NO_STATUS:
        return "the issuer gives no status for it"
    return f"next check after {when(status.next_check_at)}"
