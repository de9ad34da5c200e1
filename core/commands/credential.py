"""``tessera credential import|list|show|delete``: the credentials in the vault.

- ``credential import FILE|- [--issuer-jwks FILE]``: check an SD-JWT VC (issuer
  signature, type, times, every disclosure) or a W3C credential (a VC-JWT,
  ``jwt_vc_json``, or VC 2.0 JSON with an ``eddsa-jcs-2022`` proof, ``ldp_vc``; the
  format is read from the text) and store it. The issuer's key comes from
  its DID (did:key, did:jwk offline; did:web fetched), from its JWT VC Issuer Metadata
  for an https issuer (fetched), or from ``--issuer-jwks``: a JWK set given for the
  credential's issuer (``-`` reads it from standard input when FILE is a file). A
  credential bound (``cnf.jwk``) to a key that is none of this wallet's identities is
  refused: InvalidInput(not_bound_to_wallet). One without ``cnf`` is stored with a note
  that anyone holding it can present it. A W3C credential whose ``credentialSubject.id``
  is one of the wallet's identities is bound to it; any other is stored unbound, with a
  note that it cannot be presented (its issuer key always comes from its DID:
  ``--issuer-jwks`` is InvalidInput(unsupported_format)). Importing the same credential
  again changes nothing (``--json``: ``"already_stored": true``). A failed check stores
  nothing: exit 1 with the VerificationError code (``malformed``, ``bad_signature``,
  ``expired``, ...).
- ``credential list``: id prefix, format, type, issuer, holder DID, expiry and the stored
  status (no network; ``--json``: a list, each with ``format`` and ``status``).
- ``credential status [ID] [--refresh]``: see :mod:`core.commands.credential_status`.
- ``credential show ID``: every claim by its dotted path, with whether it can be
  withheld (``yes``; ``with P`` when only by withholding the claim P around it; ``no``
  when every presentation shows it; a W3C credential is shared whole, so ``no`` for
  all). ``--json``: the credential, ``claims``, ``shared_whole`` and ``paths``
  (``{"path", "can_withhold", "selectively_disclosable"}``).
- ``credential delete ID [--yes]``: asks first; with no terminal, ``--yes`` is required
  (UsageError(confirmation_required), exit 2); answering no is UserCancelled (exit 1).

ID is the full id or a unique prefix of at least 6 characters (RecordNotFound,
InvalidInput(ambiguous_id)).
"""

from __future__ import annotations

import argparse
from typing import Any

from core.commands import Context, SubParsers, add_group
from core.commands.claims import (
    MAX_SD_JWT_INPUT,
    SHORT_ID,
    dotted,
    fields,
    only_one_stdin,
    printable,
    read_issuer_jwks,
    read_source,
    show_value,
    table,
    walk_claims,
    when,
)
from core.commands.credential_status import register_status, status_json, status_text
from core.commands.session import confirm, open_wallet, require_confirmer
from core.credentials import StoredCredential
from core.errors import UserCancelled
from core.sdjwt.holder import HeldCredential
from core.sdjwt.paths import is_prefix
from core.sdjwt.process import ClaimPath, format_path
from core.vc import HeldW3cCredential

#: Characters of the id shown in lists (enough to name it in ``show``/``present``).


def register(subparsers: SubParsers, common: argparse.ArgumentParser) -> None:
    """Add the ``credential`` group."""
    commands = add_group(
        subparsers,
        common,
        "credential",
        help="credentials in the wallet",
        description="Import, list, show and delete credentials.",
    )
    imports = commands.add_parser(
        "import",
        parents=[common],
        help="check and store an SD-JWT VC",
        description="Check an SD-JWT VC (from FILE, or standard input with '-') and store it.",
    )
    imports.add_argument("file", metavar="FILE", help="the credential ('-': standard input)")
    imports.add_argument(
        "--issuer-jwks",
        metavar="FILE",
        help="a JWK set with the issuer's keys, for an issuer that is not a DID",
    )
    imports.set_defaults(handler=import_command)

    listing = commands.add_parser(
        "list", parents=[common], help="list stored credentials", description="List credentials."
    )
    listing.set_defaults(handler=list_command)
    register_status(commands, common)

    show = commands.add_parser(
        "show",
        parents=[common],
        help="show a credential's claims",
        description="Show every claim of a credential and whether it can be withheld.",
    )
    show.add_argument("id", metavar="ID", help="the id, or a unique prefix of 6+ characters")
    show.set_defaults(handler=show_command)

    delete = commands.add_parser(
        "delete",
        parents=[common],
        help="delete a credential (asks first)",
        description="Delete a credential from the wallet, asking first unless --yes is given.",
    )
    delete.add_argument("id", metavar="ID", help="the id, or a unique prefix of 6+ characters")
    delete.add_argument("--yes", action="store_true", help="do not ask")
    delete.set_defaults(handler=delete_command)


def credential_json(credential: StoredCredential) -> dict[str, Any]:
    """Everything about a stored credential except its text."""
    value = credential.to_json()
    del value["text"]
    return value


def short_did(did: str | None, *, none: str = "-") -> str:
    """``did:key:z6Mkabc…wxyz`` for tables."""
    if did is None:
        return none
    return printable(did if len(did) <= 28 else f"{did[:18]}…{did[-6:]}")


def import_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises VerificationError, InvalidInput (not_bound_to_wallet, invalid_jwk,
    malformed_json, input_too_large), VaultError(io_error), and what
    :func:`open_wallet` raises."""
    only_one_stdin(args.file, args.issuer_jwks)
    text = read_source(args.file, ctx, limit=MAX_SD_JWT_INPUT, what="credential")
    issuer_keys = read_issuer_jwks(args.issuer_jwks, text, ctx)
    with open_wallet(args, ctx) as (wallet, _):
        already = wallet.credentials.find(text) is not None
        credential = wallet.import_credential(text, issuer_keys=issuer_keys)
    if ctx.json:
        ctx.emit_json({**credential_json(credential), "already_stored": already})
        return 0
    kind = printable(credential.kind or "untyped credential")
    issuer = printable(credential.issuer or "an unnamed issuer")
    verb = "Already in the wallet" if already else "Imported"
    ctx.line(f"{verb}: {credential.id[:SHORT_ID]}  {kind} from {issuer}")
    if credential.shared_whole:
        ctx.line(f"Format: {credential.format} (W3C): it is shared whole, every claim each time.")
    if credential.holder_did is not None:
        ctx.line(f"Bound to {credential.holder_did}")
    elif credential.shared_whole:
        ctx.line("Note: it is about none of your identities, so it can be kept and shown but "
                 "not presented.")
    else:
        ctx.line("Note: it is not bound to a key, so it is presented without proof of possession.")
    return 0


def list_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises what :func:`open_wallet` raises."""
    with open_wallet(args, ctx) as (wallet, _):
        credentials = wallet.credentials.all()
        statuses = wallet.statuses.all()
    if ctx.json:
        ctx.emit_json([
            {**credential_json(c), "status": status_json(c, statuses.get(c.id))}
            for c in credentials
        ])
        return 0
    if not credentials:
        ctx.line("No credentials yet; add one with 'tessera credential import FILE'.")
        return 0
    rows = [
        (
            c.id[:SHORT_ID],
            c.format,
            printable(c.kind or "-"),
            short_did(c.issuer),
            short_did(c.holder_did, none="(not bound)"),
            when(c.expires_at),
            status_text(statuses.get(c.id)),
        )
        for c in credentials
    ]
    table(ctx, ("ID", "FORMAT", "TYPE", "ISSUER", "HOLDER", "EXPIRES (UTC)", "STATUS"), rows)
    return 0


def withholding(held: HeldCredential | HeldW3cCredential) -> dict[ClaimPath, ClaimPath | None]:
    """For every claim path: itself if it has a disclosure of its own, else the nearest
    enclosing claim that has one (withholding that hides it too), else None."""
    own = {item.path for item in held.items}
    result: dict[ClaimPath, ClaimPath | None] = {}
    for path, _value in walk_claims(held.claims):
        if path in own:
            result[path] = path
            continue
        enclosing = [p for p in own if len(p) < len(path) and is_prefix(p, path)]
        result[path] = max(enclosing, key=len) if enclosing else None
    return result


def show_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises RecordNotFound, InvalidInput(ambiguous_id), and what :func:`open_wallet`
    raises."""
    with open_wallet(args, ctx) as (wallet, _):
        credential = wallet.credentials.get(args.id)
    held = credential.parsed()
    marks = withholding(held)
    if ctx.json:
        paths = [
            {
                "path": format_path(path),
                "can_withhold": by is not None,
                "selectively_disclosable": by == path,
            }
            for path, by in marks.items()
        ]
        ctx.emit_json({**credential_json(credential), "claims": held.claims,
                       "shared_whole": credential.shared_whole, "paths": paths})
        return 0
    holder = (
        f"{credential.holder_did} (presenting proves possession of its key)"
        if credential.holder_did is not None
        else "none: about none of your identities, so it cannot be presented"
        if credential.shared_whole
        else "none: presented without proof of possession"
    )
    shape = "SD-JWT VC: claims marked yes can be withheld"
    if credential.shared_whole:
        shape = "W3C: shared whole, every claim goes with every presentation"
    fields(ctx, (
        ("ID", credential.id),
        ("FORMAT", f"{credential.format} ({shape})"),
        ("TYPE", printable(credential.kind or "-")),
        ("ISSUER", printable(credential.issuer or "-")),
        ("HOLDER", holder),
        ("ISSUED", when(credential.issued_at, never="-")),
        ("EXPIRES", when(credential.expires_at)),
        ("IMPORTED", when(credential.imported_at)),
    ))
    ctx.line()
    values = dict(walk_claims(held.claims))
    rows = [
        (
            dotted(path),
            "no" if by is None else "yes" if by == path else f"with {dotted(by)}",
            show_value(values[path]),
        )
        for path, by in marks.items()
    ]
    table(ctx, ("CLAIM", "CAN WITHHOLD", "VALUE"), rows)
    return 0


def delete_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises UsageError(confirmation_required), UserCancelled, RecordNotFound,
    InvalidInput(ambiguous_id), and what :func:`open_wallet` raises."""
    if not args.yes:
        require_confirmer(ctx)  # before the passphrase prompt, not after it
    with open_wallet(args, ctx) as (wallet, _):
        credential = wallet.credentials.get(args.id)
        if not args.yes:
            kind = printable(credential.kind or "untyped credential")
            ctx.stderr.write(f"Delete the credential {credential.id} ({kind})?\n")
            if not confirm(ctx, "Delete it?"):
                raise UserCancelled("nothing was deleted")
        wallet.delete_credential(credential.id)
    if ctx.json:
        ctx.emit_json({"deleted": credential.id})
    else:
        ctx.line(f"Deleted {credential.id}")
    return 0
