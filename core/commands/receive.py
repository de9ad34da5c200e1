"""``tessera receive OFFER_URI [--tx-code CODE] [--did DID]``: receive a credential (OpenID4VCI).

Follows an ``openid-credential-offer://`` link with the pre-authorized code flow
(:func:`core.oid4vci.receive`): the credential is bound to the identity ``--did``
(default: the oldest identity whose key type the issuer accepts), checked and stored.
Prints the stored credential's id, type and issuer; ``--json``: ``{"id", "vct",
"issuer", "holder_did"}``.

Errors (exit 1, nothing stored): InvalidInput (``invalid_offer``, ``insecure_url``, a
missing transaction code), IssuanceError with the issuer's code (``invalid_grant`` for
a wrong transaction code or a used offer, ``invalid_proof``, ``invalid_nonce``, ...,
``issuer_unreachable``), and what importing a credential raises.
"""

from __future__ import annotations

import argparse

from core.commands import Context, SubParsers
from core.commands.session import open_wallet


def register(subparsers: SubParsers, common: argparse.ArgumentParser) -> None:
    """Add the ``receive`` command."""
    receive = subparsers.add_parser(
        "receive",
        parents=[common],
        help="receive a credential from an issuer (OpenID4VCI)",
        description="Follow a credential offer link and store the credential it gives.",
    )
    receive.add_argument(
        "offer_uri", metavar="OFFER_URI", help="the openid-credential-offer:// link"
    )
    receive.add_argument("--tx-code", metavar="CODE", help="the transaction code the issuer sent")
    receive.add_argument("--did", metavar="DID", help="the identity to bind the credential to")
    receive.set_defaults(handler=receive_command)


def receive_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises as the module docstring says, and what :func:`open_wallet` raises."""
    from core.oid4vci import receive

    with open_wallet(args, ctx) as (wallet, _):
        credential = receive(wallet, args.offer_uri, tx_code=args.tx_code, did=args.did)
    if ctx.json:
        ctx.emit_json(
            {
                "id": credential.id,
                "vct": credential.vct,
                "issuer": credential.issuer,
                "holder_did": credential.holder_did,
            }
        )
    else:
        ctx.line(f"Stored {credential.id} ({credential.vct or 'untyped'}) from {credential.issuer}")
    return 0
