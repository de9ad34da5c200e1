"""``tessera present ID [--disclose PATH...] --nonce N --aud A [--transaction-data B64URL...]``.

Builds an SD-JWT+KB of the stored credential ID (full id or a unique prefix of 6+
characters) showing exactly the claims at the dotted PATHs (``address.locality``,
``nationalities.1``), the disclosures of the claims around them, and what the
credential always shows; the KB-JWT carries the verifier's ``nonce`` and ``aud``
(and the SHA-256 of each ``--transaction-data`` string as given) and is signed with
the bound identity's key. Transaction data must be of a type Tessera knows
(:mod:`core.payments`); what is signed is printed to standard error first.
``--disclose`` with no PATH discloses nothing selectively; an SD-JWT VC needs
``--disclose`` (UsageError, exit 2, without it).

A W3C credential (``jwt_vc_json``, ``ldp_vc``) has no selective disclosure: without
``--disclose`` it is presented whole, in a Verifiable Presentation signed by the identity
it is about (a VP-JWT; for ``ldp_vc`` the presentation's JSON with an eddsa-jcs-2022
proof, ``challenge`` = nonce, ``domain`` = audience). ``--disclose`` with one is
InvalidInput(shared_whole); one about none of the wallet's identities cannot be presented:
InvalidInput(unbound_credential).

The presentation goes to standard output (one line), or to ``--out FILE``. ``--json``:
``{"id", "audience", "presentation"}`` (``"file"`` instead of ``presentation`` with
``--out``). The activity log records the credential, the audience and the disclosed
claim names, never their values.

Errors: RecordNotFound (no such credential, or its identity was deleted),
InvalidInput (a path the credential does not have, ambiguous_id, malformed_base64url
for transaction data), PresentationRequestError (unsupported_transaction_data,
invalid_transaction_data), VaultError(io_error) for ``--out``; UsageError for an empty
``--nonce`` or ``--aud``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from core.commands import Context, SubParsers, UsageError
from core.commands.claims import require_text, transaction_data, write_text_file
from core.commands.respond import add_consent_option, transaction_lines
from core.commands.session import open_wallet
from core.credentials import StoredCredential
from core.errors import InvalidInput
from core.payments import parse_transaction_data


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
        default=None,
        help="dotted claim paths to show (address.locality, nationalities.1); an SD-JWT VC "
        "needs it, a W3C credential is shared whole without it",
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
    add_consent_option(present)
    present.add_argument("--out", metavar="FILE", help="write the presentation here")
    present.set_defaults(handler=present_command)


def present_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises as the module docstring says, and what :func:`open_wallet` raises."""
    nonce = require_text(args.nonce, "--nonce")
    audience = require_text(args.aud, "--aud")
    data = transaction_data(args.transaction_data)
    for entry in data:  # a wallet signs only transaction data it knows and can show
        checked = parse_transaction_data(entry)
        if not ctx.json:
            for line in transaction_lines(checked):
                ctx.stderr.write(line + "\n")
    created = False
    if args.out is not None:  # fail on an unwritable FILE before anything is built and logged
        created = not Path(args.out).exists()
        write_text_file(Path(args.out), "", mode="a")
    try:
        with open_wallet(args, ctx) as (wallet, _):
            credential = wallet.credentials.get(args.id)
            text = wallet.present_credential(
                credential.id, _paths(args.disclose, credential), nonce=nonce,
                audience=audience, transaction_data=data, consent=args.consent,
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
    write_text_file(path, text + "\n", mode="w")
    if ctx.json:
        ctx.emit_json({**result, "file": str(path)})
    else:
        ctx.line(f"Wrote the presentation to {path}")
    return 0


def _paths(disclose: list[str] | None, credential: StoredCredential) -> list[str]:
    """Raises InvalidInput(shared_whole) for ``--disclose`` with a W3C credential,
    UsageError for an SD-JWT VC without it."""
    if credential.shared_whole:
        if disclose is not None:
            raise InvalidInput(
                f"{credential.kind or 'this credential'} is a W3C credential ({credential.format}"
                "), which is shared whole: every claim goes. Leave out --disclose to present it.",
                code="shared_whole",
            )
        return []
    if disclose is None:
        raise UsageError(
            "--disclose is needed for an SD-JWT VC: list the claims to show, or give it with "
            "no PATH to show only what the credential always shows"
        )
    return disclose
