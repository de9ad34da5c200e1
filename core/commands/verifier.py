"""``tessera verifier serve [--port P] [--prefix redirect_uri|decentralized_identifier]
[--on-status-unavailable reject|accept]``: the demo OpenID4VP verifier on 127.0.0.1.

Prints the base URL (``http://127.0.0.1:PORT``; ``--port 0``, the default, picks a free
port) as the first line on standard output, then serves until interrupted. With
``--prefix decentralized_identifier`` the verifier signs its requests with a fresh
did:key per run. Credential status lists are checked; one that cannot be fetched fails the
presentation (``status_unavailable``) unless ``--on-status-unavailable accept``. The
endpoints and the JSON demo API are described in :mod:`core.services.verifier`. Needs the
``server`` extra (MissingDependency otherwise).
"""

from __future__ import annotations

import argparse

from core.commands import Context, SubParsers, UsageError, add_group


def register(subparsers: SubParsers, common: argparse.ArgumentParser) -> None:
    """Add the ``verifier`` group."""
    commands = add_group(
        subparsers,
        common,
        "verifier",
        help="the demo verifier",
        description="Run the demo OpenID4VP verifier.",
    )
    serve = commands.add_parser(
        "serve",
        parents=[common],
        help="serve the demo verifier on 127.0.0.1",
        description="Serve the demo verifier; the first output line is its base URL.",
    )
    serve.add_argument("--port", type=int, default=0, help="the port (default 0: a free one)")
    serve.add_argument(
        "--prefix",
        choices=("redirect_uri", "decentralized_identifier"),
        default="redirect_uri",
        help="how the verifier identifies itself (client_id prefix; default redirect_uri)",
    )
    serve.add_argument(
        "--on-status-unavailable",
        choices=("reject", "accept"),
        default="reject",
        help="when a credential's status list cannot be fetched (default reject)",
    )
    serve.set_defaults(handler=serve_command)


def serve_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises MissingDependency without the server extra, TesseraError(bind_failed)."""
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be from 0 to 65535, not {args.port}")
    from core.clock import SystemClock
    from core.services.runner import serve
    from core.services.verifier import create_verifier_app

    clock = SystemClock()
    serve(
        lambda base_url: create_verifier_app(
            base_url=base_url,
            clock=clock,
            client_id_prefix=args.prefix,
            on_status_unavailable=args.on_status_unavailable,
        ),
        port=args.port,
        stdout=ctx.stdout,
    )
    return 0
