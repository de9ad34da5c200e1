"""``tessera respond REQUEST_URI [--disclose PATH...] [--approve]``: answer a verifier (OpenID4VP).

Follows an ``openid4vp://`` link (:func:`core.oid4vp.respond`): fetches and checks the
request, matches its DCQL query against the stored credentials, prints who asks
(and whether that is verified), the purpose and exactly which claims of which
credential would be shared, then, once approved, presents them and posts the
response to the verifier.

``--disclose PATH...`` lists the dotted claim paths the person agrees to share
(default: what the verifier asks for); the verifier's most preferred combination
within them is shared. ``--approve`` agrees without asking; without it the command
asks on the terminal, and with no terminal it stops with
UsageError(confirmation_required), exit 2, having shared nothing. ``--json`` prints
``{"verifier", "verified", "verifier_name", "purpose", "shared": [{"query_id",
"credential_id", "vct", "claims"}], "status", "redirect_uri"}`` once done.

Errors (exit 1, nothing posted unless the verifier itself refused):
PresentationRequestError (``invalid_request_uri``, ``unsupported_client_id_prefix``,
``invalid_request``, ``insecure_url``, ``verifier_unreachable``,
``request_fetch_failed``, ``unsupported_transaction_data``, ``no_matching_credential``
with the reasons in plain words, ``claims_withheld``, ``claim_not_requested``,
``response_rejected``), InvalidInput(invalid_dcql), VerificationError and
ResolutionError for a signed request, UserCancelled when the person says no.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from core.commands import Context, SubParsers
from core.commands.session import confirm, open_wallet

if TYPE_CHECKING:
    from core.oid4vp import AuthorizationRequest, Share


def register(subparsers: SubParsers, common: argparse.ArgumentParser) -> None:
    """Add the ``respond`` command."""
    respond = subparsers.add_parser(
        "respond",
        parents=[common],
        help="answer a verifier's request (OpenID4VP)",
        description="Follow an openid4vp:// request link, show what would be shared and, "
        "once approved, send the presentation to the verifier.",
    )
    respond.add_argument("request_uri", metavar="REQUEST_URI", help="the openid4vp:// link")
    respond.add_argument(
        "--disclose",
        metavar="PATH",
        nargs="*",
        action="extend",
        default=None,
        help="dotted claim paths you agree to share (default: what the verifier asks for)",
    )
    respond.add_argument(
        "--approve", action="store_true", help="share without asking for confirmation"
    )
    respond.set_defaults(handler=respond_command)


def review_lines(request: AuthorizationRequest, shares: tuple[Share, ...]) -> list[str]:
    """Who asks, why, and what would be shared, for people."""
    lines = [f"Verifier: {request.describe_verifier()}"]
    if request.purpose:
        lines.append(f"Purpose (the verifier's words): {request.purpose}")
    lines.append("Would share:")
    for share in shares:
        claims = ", ".join(share.dotted) or "(only what the credential always shows)"
        lines.append(
            f"  {share.vct or 'untyped credential'} ({share.credential_id[:12]}): {claims}"
        )
    return lines


def respond_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises as the module docstring says, and what :func:`open_wallet` raises."""
    from core.oid4vp import parse_request_uri, respond

    parse_request_uri(args.request_uri)  # a broken link fails before the vault is opened

    def approve(request: AuthorizationRequest, shares: tuple[Share, ...]) -> bool:
        if not ctx.json:
            for line in review_lines(request, shares):
                ctx.line(line)
            ctx.stdout.flush()
        return bool(args.approve) or confirm(ctx, "Share these claims?", flag="--approve")

    with open_wallet(args, ctx) as (wallet, _):
        result = respond(wallet, args.request_uri, disclose=args.disclose, approve=approve)
    request = result.request
    if ctx.json:
        ctx.emit_json(
            {
                "verifier": request.client_id,
                "verified": request.verified,
                "verifier_name": request.verifier_name,
                "purpose": request.purpose,
                "shared": [
                    {
                        "query_id": share.query_id,
                        "credential_id": share.credential_id,
                        "vct": share.vct,
                        "claims": list(share.dotted),
                    }
                    for share in result.shares
                ],
                "status": result.status_code,
                "redirect_uri": result.redirect_uri,
            }
        )
    else:
        ctx.line(f"Shared with {request.verifier}; the verifier accepted the response.")
        if result.redirect_uri:
            ctx.line(f"The verifier asks you to continue at {result.redirect_uri}")
    return 0
