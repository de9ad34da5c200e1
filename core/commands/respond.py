"""``tessera respond REQUEST_URI [--disclose PATH...] [--approve]``: answer a verifier (OpenID4VP).

Follows an ``openid4vp://`` link (:func:`core.oid4vp.respond`): fetches and checks the
request, matches its DCQL query against the stored credentials, prints who asks
(and whether that is verified), the purpose and exactly which claims of which
credential would be shared, then, once approved, presents them and posts the
response to the verifier.

``--disclose PATH...`` lists the dotted claim paths the person agrees to share
(default: what the verifier asks for); the verifier's most preferred combination
within them is shared. ``--consent once|1d|30d|until_withdrawn`` (default ``once``) is
how long the verifier may use it: a signed consent record per presenting identity is
kept (``tessera consent list``). ``--approve`` agrees without asking; without it the command
asks on the terminal, and with no terminal it stops with
UsageError(confirmation_required), exit 2, having shared nothing. ``--json`` prints
``{"verifier", "verified", "verifier_name", "purpose", "shared": [{"query_id",
"credential_id", "vct", "claims", "shared_whole"}], "status", "redirect_uri", "consent",
"transactions": [{"type", "title", "amount", "currency", "payee", "payee_id", "fields",
"hash"}]}`` once done.

Transaction data (a payment, a text to sign) is printed field by field with the hash the
presentation will confirm, before the question (which becomes "Sign and share?");
declining is logged as ``payment.declined`` / ``transaction.declined``.

Errors (exit 1, nothing posted unless the verifier itself refused):
PresentationRequestError (``invalid_request_uri``, ``unsupported_client_id_prefix``,
``invalid_request``, ``insecure_url``, ``verifier_unreachable``,
``request_fetch_failed``, ``unsupported_transaction_data``, ``invalid_transaction_data``,
``no_matching_credential``
with the reasons in plain words, ``claims_withheld``, ``claim_not_requested``,
``response_rejected``), InvalidInput(invalid_dcql), VerificationError and
ResolutionError for a signed request, UserCancelled when the person says no.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from core.commands import Context, SubParsers
from core.commands.session import confirm, open_wallet
from core.consent import DURATIONS
from core.consents import DURATION_WORDS

if TYPE_CHECKING:
    from core.oid4vp import AuthorizationRequest, Share
    from core.payments import TransactionData


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
    add_consent_option(respond)
    respond.set_defaults(handler=respond_command)


def add_consent_option(parser: argparse.ArgumentParser) -> None:
    """``--consent once|1d|30d|until_withdrawn`` (``tessera respond`` and ``present``)."""
    parser.add_argument(
        "--consent",
        choices=DURATIONS,
        default="once",
        help="how long the verifier may use what you share (default: once); a signed "
        "consent record is kept ('tessera consent list')",
    )


def review_lines(request: AuthorizationRequest, shares: tuple[Share, ...]) -> list[str]:
    """Who asks, why, and what would be shared, for people."""
    lines = [f"Verifier: {request.describe_verifier()}"]
    if request.purpose:
        lines.append(f"Purpose (the verifier's words): {request.purpose}")
    lines.append("Would share:")
    for share in shares:
        claims = ", ".join(share.dotted) or "(only what the credential always shows)"
        if share.shared_whole:
            claims = f"all of it, shared whole ({share.format} cannot withhold claims)"
        lines.append(
            f"  {share.vct or 'untyped credential'} ({share.credential_id[:12]}): {claims}"
        )
    for entry in request.transactions:
        lines.extend(transaction_lines(entry))
    return lines


def transaction_lines(entry: TransactionData) -> list[str]:
    """One transaction to sign, field by field, exactly as it will be signed."""
    view = entry.view
    lines = [f"Would sign: {view.title}"]
    if view.amount is not None:
        lines.append(f"  Amount: {view.amount} {view.currency}")
        lines.append(f"  Payee: {view.party_name} ({view.party_id})")
    lines.extend(f"  {item.label}: {item.value}" for item in view.fields)
    if view.text is not None:
        lines.append("  Text:")
        lines.extend(f"    {line}" for line in view.text.splitlines())
    lines.append(f"  Confirmed by the SHA-256 hash {entry.hash}")
    return lines


def transaction_json(entry: TransactionData) -> dict[str, Any]:
    """A transaction for ``--json`` output."""
    view = entry.view
    return {
        "type": entry.type,
        "title": view.title,
        "amount": view.amount,
        "currency": view.currency,
        "payee": view.party_name,
        "payee_id": view.party_id,
        "fields": {item.label: item.value for item in view.fields},
        "hash": entry.hash,
    }


def respond_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises as the module docstring says, and what :func:`open_wallet` raises."""
    from core.oid4vp import parse_request_uri, respond

    parse_request_uri(args.request_uri)  # a broken link fails before the vault is opened

    def approve(request: AuthorizationRequest, shares: tuple[Share, ...]) -> bool:
        if not ctx.json:
            for line in review_lines(request, shares):
                ctx.line(line)
            ctx.line(f"Consent: {DURATION_WORDS[args.consent]}")
            ctx.stdout.flush()
        question = "Sign and share?" if request.transactions else "Share these claims?"
        return bool(args.approve) or confirm(ctx, question, flag="--approve")

    with open_wallet(args, ctx) as (wallet, _):
        result = respond(
            wallet, args.request_uri, disclose=args.disclose, approve=approve,
            consent=args.consent,
        )
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
                        "shared_whole": share.shared_whole,
                    }
                    for share in result.shares
                ],
                "status": result.status_code,
                "redirect_uri": result.redirect_uri,
                "consent": args.consent,
                "transactions": [transaction_json(entry) for entry in request.transactions],
            }
        )
    else:
        done = "Signed and shared" if request.transactions else "Shared"
        ctx.line(f"{done} with {request.verifier}; the verifier accepted the response.")
        if result.redirect_uri:
            ctx.line(f"The verifier asks you to continue at {result.redirect_uri}")
    return 0
