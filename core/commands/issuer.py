"""``tessera issuer serve [--port P]``: the demo credential issuer on 127.0.0.1.

Prints the base URL (``http://127.0.0.1:PORT``; ``--port 0``, the default, picks a free
port) as the first line on standard output, then serves until interrupted. The issuer
signs with a fresh Ed25519 key per run, published at ``/.well-known/jwt-vc-issuer``.
The endpoints and the JSON demo API are described in :mod:`core.services.issuer`.
Needs the ``server`` extra (MissingDependency otherwise).
"""

from __future__ import annotations

import argparse

from core.commands import Context, SubParsers, UsageError, add_group


def register(subparsers: SubParsers, common: argparse.ArgumentParser) -> None:
    """Add the ``issuer`` group."""
    commands = add_group(
        subparsers,
        common,
        "issuer",
        help="the demo credential issuer",
        description="Run the demo OpenID4VCI credential issuer.",
    )
    serve = commands.add_parser(
        "serve",
        parents=[common],
        help="serve the demo issuer on 127.0.0.1",
        description="Serve the demo issuer; the first output line is its base URL.",
    )
    serve.add_argument("--port", type=int, default=0, help="the port (default 0: a free one)")
    serve.set_defaults(handler=serve_command)


def serve_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises MissingDependency without the server extra, TesseraError(bind_failed)."""
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be from 0 to 65535, not {args.port}")
    from core.keys import Ed25519PrivateKey
    from core.services.issuer import create_issuer_app
    from core.services.runner import serve

    key = Ed25519PrivateKey.generate()
    serve(
        lambda base_url: create_issuer_app(base_url=base_url, issuer_key=key),
        port=args.port,
        stdout=ctx.stdout,
    )
    return 0
