"""``tessera did …``: DID commands.

``did resolve DID`` lives here; the holder's identities (``did new|list|jwk|label|delete``)
are in :mod:`core.commands.identity`, added to the same group by :func:`register`.
"""

from __future__ import annotations

import argparse

from core.commands import Context, SubParsers, add_group, identity
from core.did import DidDocument, DidResolver


def register(subparsers: SubParsers, common: argparse.ArgumentParser) -> None:
    """Add the ``did`` group and its subcommands."""
    commands = add_group(
        subparsers, common, "did", help="decentralized identifiers", description="DID commands."
    )
    resolve = commands.add_parser(
        "resolve",
        parents=[common],
        help="resolve a DID to its DID document",
        description="Resolve did:key, did:jwk or did:web and show its DID document.",
    )
    resolve.add_argument("did", metavar="DID", help="the DID to resolve")
    resolve.set_defaults(handler=resolve_command)
    identity.add_commands(commands, common)


def resolve_command(args: argparse.Namespace, ctx: Context) -> int:
    """Resolve ``args.did``; print the document (``--json``) or a summary.

    Raises InvalidInput / ResolutionError from :class:`core.did.DidResolver`.
    """
    document = DidResolver().resolve(args.did)
    if ctx.json:
        ctx.emit_json(document.to_json())
    else:
        _summary(document, ctx)
    return 0


def _summary(document: DidDocument, ctx: Context) -> None:
    ctx.line(f"DID  {document.id}")
    methods = document.all_methods()
    if not methods:
        ctx.line("(no verification methods Tessera can use)")
    for method in methods:
        used_for = ", ".join(document.relationships_of(method.id)) or "-"
        ctx.line(f"verification method  {method.id}")
        ctx.line(f"  type        {method.type}")
        ctx.line(f"  algorithm   {method.public_key.alg}")
        ctx.line(f"  thumbprint  {method.public_key.thumbprint()}")
        ctx.line(f"  used for    {used_for}")
