"""``tessera present ID --disclose PATH... --nonce N --aud A [--transaction-data B64URL...]``.

Builds an SD-JWT+KB of the stored credential ID (full id or a unique prefix of 6+
characters) showing exactly the claims at the dotted PATHs (``address.locality``,
``nationalities.1``), the disclosures of the claims around them, and what the
credential always shows; the KB-JWT carries the verifier's ``nonce`` and ``aud``
(and the SHA-256 of each ``--transaction-data`` string as given) and is signed with
the bound identity's key. ``--disclose`` with no PATH discloses nothing selectively.

The presentation goes to standard output (one line), or to ``--out FILE``. ``--json``:
``{"id", "audience", "presentation"}`` (``"file"`` instead of ``presentation`` with
``--out``). The activity log records the credential, the audience and the disclosed
claim names, never their values.

Errors: RecordNotFound (no such credential, or its identity was deleted),
InvalidInput (a path the credential does not have, ambiguous_id, malformed_base64url
for transaction data), VaultError(io_error) for ``--out``; UsageError for an empty
``--nonce`` or ``--aud``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from core.commands import Context, SubParsers
from core.commands.claims import require_text, transaction_data
from core.commands.session import open_wallet
from core.errors import VaultError


def register(subparsers: SubParsers, common: argparse.ArgumentParser) -> None:
    """Add the ``present`` command."""
    present = subparsers.add_parser(
        "present",
        parents=[common],
        help="build a presentation of chosen claims",
        description="Build a presentation of a stored credential showing only the chosen "
        "claims, bound to the verifier's nonce and audience.",
    )
    present.add_argument("id", metavar="ID", help="the credential (id or 6+ character prefix)")
    present.add_argument(
        "--disclose",
        metavar="PATH",
        nargs="*",
        action="extend",
        required=True,
        help="dotted claim paths to show (address.locality, nationalities.1)",
    )
    present.add_argument("--nonce", required=True, help="the verifier's nonce")
    present.add_argument(
        "--aud", required=True, metavar="A", help="the verifier (its client_id or URL)"
    )
    present.add_argument(
        "--transaction-data",
        metavar="B64URL",
        nargs="+",
        action="extend",
        default=[],
        help="transaction data strings from the request, exactly as received",
    )
    present.add_argument("--out", metavar="FILE", help="write the presentation here")
    present.set_defaults(handler=present_command)


def present_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises as the module docstring says, and what :func:`open_wallet` raises."""
    nonce = require_text(args.nonce, "--nonce")
    audience = require_text(args.aud, "--aud")
    data = transaction_data(args.transaction_data)
    created = False
    if args.out is not None:  # fail on an unwritable FILE before anything is built and logged
        created = not Path(args.out).exists()
        _write(Path(args.out), "", mode="a")
    try:
        with open_wallet(args, ctx) as (wallet, _):
            credential = wallet.credentials.get(args.id)
            text = wallet.present_credential(
                credential.id, args.disclose, nonce=nonce, audience=audience, transaction_data=data
            )
    except BaseException:
        if created:
            Path(args.out).unlink(missing_ok=True)
        raise
    result: dict[str, str] = {"id": credential.id, "audience": audience}
    if args.out is None:
        if ctx.json:
            ctx.emit_json({**result, "presentation": text})
        else:
            ctx.line(text)
        return 0
    path = Path(args.out)
    _write(path, text + "\n", mode="w")
    if ctx.json:
        ctx.emit_json({**result, "file": str(path)})
    else:
        ctx.line(f"Wrote the presentation to {path}")
    return 0


def _write(path: Path, text: str, *, mode: str) -> None:
    """Raises VaultError(io_error)."""
    try:
        with path.open(mode, encoding="ascii") as handle:
            handle.write(text)
    except OSError as exc:
        raise VaultError(f"{path}: {exc.strerror or exc}", code="io_error") from exc
