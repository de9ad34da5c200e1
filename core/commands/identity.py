"""``tessera did new|list|jwk|label|delete``: the holder's identities.

These join the ``did`` group of :mod:`core.commands.did` (which calls
:func:`add_commands`). All but ``did jwk`` open and unlock the vault.

- ``did new [--method key|jwk] [--alg EdDSA|ES256] [--label L]``: the next key of that
  algorithm, derived from the recovery seed; ``--json`` gives the identity.
- ``did list``: every identity, oldest first (``--json``: a list).
- ``did jwk DID``: the public JWK of any did:key or did:jwk (or did:web, fetched), no
  vault needed; a DID URL with ``#fragment`` picks a key. ``--json`` adds the key id.
- ``did label DID LABEL``: rename (an empty LABEL clears it).
- ``did delete DID [--yes]``: says which stored credentials are bound to the DID and
  asks first; with no terminal to ask on, ``--yes`` is required
  (UsageError(confirmation_required), exit 2). Answering no is UserCancelled (exit 1).
"""

from __future__ import annotations

import argparse
from typing import Any

from core.commands import Context, SubParsers
from core.commands.session import confirm, open_wallet, require_confirmer, short_time
from core.did import DidResolver
from core.errors import UserCancelled
from core.identity import ALGORITHMS, METHODS, Identity
from core.ledger import format_time


def add_commands(commands: SubParsers, common: argparse.ArgumentParser) -> None:
    """Add the identity subcommands to the ``did`` group's subparsers."""
    new = commands.add_parser(
        "new",
        parents=[common],
        help="create an identity (a DID and its key)",
        description="Create an identity: a DID whose key is derived from the recovery seed.",
    )
    new.add_argument("--method", choices=METHODS, default="key", help="DID method (default key)")
    new.add_argument("--alg", choices=ALGORITHMS, default="EdDSA", help="key type (default EdDSA)")
    new.add_argument("--label", default="", help="a name for it, shown in lists")
    new.set_defaults(handler=new_command)

    listing = commands.add_parser(
        "list", parents=[common], help="list your identities", description="List identities."
    )
    listing.set_defaults(handler=list_command)

    jwk = commands.add_parser(
        "jwk",
        parents=[common],
        help="print the public JWK of a DID",
        description="Print the public key of a DID (or DID URL) as a JWK. Needs no vault.",
    )
    jwk.add_argument("did", metavar="DID", help="a DID or DID URL")
    jwk.set_defaults(handler=jwk_command)

    label = commands.add_parser(
        "label", parents=[common], help="name an identity", description="Rename an identity."
    )
    label.add_argument("did", metavar="DID")
    label.add_argument("label", metavar="LABEL", help="the new name ('' clears it)")
    label.set_defaults(handler=label_command)

    delete = commands.add_parser(
        "delete",
        parents=[common],
        help="delete an identity (asks first)",
        description="Delete an identity. Says which stored credentials are bound to it and "
        "asks first, unless --yes is given.",
    )
    delete.add_argument("did", metavar="DID")
    delete.add_argument("--yes", action="store_true", help="do not ask")
    delete.set_defaults(handler=delete_command)


def identity_json(identity: Identity) -> dict[str, Any]:
    """The identity as JSON, with its creation time also in RFC 3339."""
    return {**identity.to_json(), "created": format_time(identity.created_at)}


def new_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises InvalidInput (bad label), and what :func:`open_wallet` raises."""
    with open_wallet(args, ctx) as (wallet, _):
        identity = wallet.create_identity(args.method, args.alg, args.label)
    if ctx.json:
        ctx.emit_json(identity_json(identity))
    else:
        ctx.line(identity.did)
    return 0


def list_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises what :func:`open_wallet` raises."""
    with open_wallet(args, ctx) as (wallet, _):
        identities = wallet.identities.all()
    if ctx.json:
        ctx.emit_json([identity_json(identity) for identity in identities])
        return 0
    if not identities:
        ctx.line("No identities yet; create one with 'tessera did new'.")
        return 0
    width = max(len("LABEL"), *(len(i.label) for i in identities))
    ctx.line(f"{'CREATED (UTC)':<16}  {'METHOD':<6}  {'ALG':<5}  {'LABEL':<{width}}  DID")
    for i in identities:
        created = short_time(i.created_at)
        ctx.line(f"{created:<16}  {i.method:<6}  {i.alg:<5}  {i.label:<{width}}  {i.did}")
    return 0


def jwk_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises InvalidInput, ResolutionError (as :meth:`DidResolver.resolve_method`)."""
    method = DidResolver().resolve_method(args.did)
    jwk = method.public_key.to_jwk()
    if ctx.json:
        ctx.emit_json({"did": args.did.split("#", 1)[0], "kid": method.id, "jwk": jwk})
    else:
        ctx.emit_json(jwk)
    return 0


def label_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises RecordNotFound, InvalidInput, and what :func:`open_wallet` raises."""
    with open_wallet(args, ctx) as (wallet, _):
        identity = wallet.relabel_identity(args.did, args.label)
    if ctx.json:
        ctx.emit_json(identity_json(identity))
    elif identity.label:
        ctx.line(f"{identity.did} is now called {identity.label!r}")
    else:
        ctx.line(f"{identity.did} has no label now")
    return 0


def delete_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises UsageError(confirmation_required), UserCancelled, RecordNotFound, and what
    :func:`open_wallet` raises."""
    if not args.yes:
        require_confirmer(ctx)  # before the passphrase prompt, not after it
    with open_wallet(args, ctx) as (wallet, _):
        identity = wallet.identities.get(args.did)
        bound = wallet.identities.bound_credentials(identity.did)
        if not args.yes:
            name = f"{identity.label!r} ({identity.did})" if identity.label else identity.did
            ctx.stderr.write(f"Delete the identity {name}?\n")
            if bound:
                ctx.stderr.write(
                    f"{len(bound)} stored credential(s) are bound to its key and could no "
                    f"longer be presented: {', '.join(bound)}\n"
                )
            else:
                ctx.stderr.write("No stored credentials are bound to its key.\n")
            if not confirm(ctx, "Delete it?"):
                raise UserCancelled("nothing was deleted")
        wallet.delete_identity(identity.did)
    if ctx.json:
        ctx.emit_json({"deleted": identity.did, "bound_credentials": bound})
    else:
        ctx.line(f"Deleted {identity.did}")
        if bound:
            ctx.line(f"{len(bound)} stored credential(s) were bound to it: {', '.join(bound)}")
    return 0
