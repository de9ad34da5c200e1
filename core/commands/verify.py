"""``tessera verify FILE|- --nonce N --aud A [--trust ISSUER...] [--issuer-jwks FILE]
[--transaction-data B64URL...]``: check an SD-JWT VC presentation, or a W3C one (a
VP-JWT or a Data Integrity presentation: see :mod:`core.commands.verify_w3c`, whose
``--json`` adds ``format``, ``types`` and ``holder``). Needs no vault.

The checks are :class:`core.verifier.Verifier`'s, in its order (issuer signature with
EdDSA or ES256, ``typ``, issuer trust, times, disclosures, then the KB-JWT: present
when the credential is bound, signed by ``cnf.jwk``, with this ``nonce`` and ``aud``,
made within the last five minutes, ``sd_hash``, transaction data hashes).

- ``--trust ISSUER`` (repeatable): accept only these ``iss`` values. Without it, any
  issuer whose key can be found is accepted, and the summary says so.
- ``--issuer-jwks FILE``: a JWK set (``{"keys": [...]}``) for the presentation's issuer,
  named by its ``iss`` (which must still pass ``--trust``); otherwise keys come from a
  DID ``iss`` (did:key, did:jwk offline; did:web fetched) or from the JWT VC Issuer
  Metadata of an https ``iss`` (fetched).
- ``--transaction-data``: the request's strings, exactly as sent; the KB-JWT must
  carry their hashes in order.

Output contract (DESIGN.md "The tessera command"):

- valid: exit 0. A human summary on stdout, or with ``--json`` exactly
  ``{"valid": true, "issuer": …, "vct": …, "claims": {…}}`` (``claims`` is the verified
  claim set: what was disclosed plus what the credential always shows).
- refused: exit 1, and the usual single error line on stderr
  (``tessera: error [CODE]: message``, or ``{"error": CODE, "message": …}`` with
  ``--json``). With ``--json`` stdout ALSO carries ``{"valid": false, "error": CODE,
  "message": …}``, so a script can read the verdict from stdout alone. Every exit-1
  outcome does this: CODE is a VerificationError code (``malformed``, ``bad_signature``,
  ``untrusted_issuer``, ``kb_missing``, ``nonce_mismatch``, ``audience_mismatch``,
  ``kb_stale``, ...) for anything about the presentation, including input that is not
  text or too large (``malformed``); the verifier's own inputs fail with their codes
  (``io_error`` for an unreadable FILE, ``invalid_jwk``/``malformed_json`` for
  ``--issuer-jwks``, ``malformed_base64url`` for ``--transaction-data``).
- usage errors (missing ``--nonce``/``--aud``, an empty one, two inputs from ``-``):
  exit 2, the error line only, nothing on stdout.
"""

from __future__ import annotations

import argparse
from typing import Any

from core.commands import Context, SubParsers
from core.commands.claims import (
    MAX_SD_JWT_INPUT,
    dotted,
    fields,
    only_one_stdin,
    printable,
    read_issuer_jwks,
    read_source,
    require_text,
    show_value,
    table,
    transaction_data,
    walk_claims,
    when,
)
from core.commands.verify_w3c import is_w3c, verify_w3c, w3c_json, w3c_summary
from core.did import DidResolver, HttpxFetcher
from core.errors import InvalidInput, TesseraError, VerificationError
from core.sdjwt.paths import is_prefix
from core.vc import VerifiedW3cPresentation
from core.verifier import VerifiedPresentation, Verifier, VerifierPolicy

#: Claims the summary shows in its header rather than in the claim table.
_HEADER_CLAIMS = frozenset({"iss", "vct", "iat", "exp", "nbf", "cnf"})


def register(subparsers: SubParsers, common: argparse.ArgumentParser) -> None:
    """Add the ``verify`` command."""
    verify = subparsers.add_parser(
        "verify",
        parents=[common],
        help="verify a presentation (no vault needed)",
        description="Verify an SD-JWT VC or W3C presentation for the given nonce and audience.",
    )
    verify.add_argument("file", metavar="FILE", help="the presentation ('-': standard input)")
    verify.add_argument("--nonce", required=True, help="the nonce you sent the holder")
    verify.add_argument("--aud", required=True, metavar="A", help="your own identifier")
    verify.add_argument(
        "--trust",
        metavar="ISSUER",
        nargs="+",
        action="extend",
        help="accept only these issuers (iss values)",
    )
    verify.add_argument("--issuer-jwks", metavar="FILE", help="a JWK set with the issuer's keys")
    verify.add_argument(
        "--transaction-data",
        metavar="B64URL",
        nargs="+",
        action="extend",
        help="the transaction data strings of the request, exactly as sent",
    )
    verify.set_defaults(handler=verify_command)


def verify_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises UsageError; on a refusal, prints ``{"valid": false, …}`` (``--json``) and
    re-raises the TesseraError (VerificationError, InvalidInput, VaultError(io_error),
    see the module docstring)."""
    nonce = require_text(args.nonce, "--nonce")
    audience = require_text(args.aud, "--aud")
    only_one_stdin(args.file, args.issuer_jwks)
    try:
        result = _verify(args, ctx, nonce, audience)
    except TesseraError as exc:
        if ctx.json:
            ctx.emit_json({"valid": False, "error": exc.code, "message": exc.message})
        raise
    if isinstance(result, VerifiedW3cPresentation):
        if ctx.json:
            ctx.emit_json(w3c_json(result))
        else:
            w3c_summary(ctx, result, trusted=bool(args.trust))
        return 0
    if ctx.json:
        ctx.emit_json(
            {"valid": True, "issuer": result.issuer, "vct": result.vct, "claims": result.claims}
        )
    else:
        _summary(ctx, result, trusted=bool(args.trust))
    return 0


def _verify(
    args: argparse.Namespace, ctx: Context, nonce: str, audience: str
) -> VerifiedPresentation | VerifiedW3cPresentation:
    data = transaction_data(args.transaction_data) if args.transaction_data else None
    try:
        text = read_source(args.file, ctx, limit=MAX_SD_JWT_INPUT, what="presentation")
    except InvalidInput as exc:  # not text, or far too large: not a presentation at all
        raise VerificationError("malformed", exc.message) from exc
    if is_w3c(text):
        return verify_w3c(args, text, nonce, audience)
    issuer_keys = read_issuer_jwks(args.issuer_jwks, text, ctx) or {}
    policy = VerifierPolicy(
        trusted_issuers=frozenset(args.trust) if args.trust else None, issuer_keys=issuer_keys
    )
    fetcher = HttpxFetcher()
    verifier = Verifier(policy, resolver=DidResolver(fetcher), fetcher=fetcher)
    return verifier.verify(text, nonce=nonce, audience=audience, transaction_data=data)


def _summary(ctx: Context, result: VerifiedPresentation, *, trusted: bool) -> None:
    trust = "listed with --trust" if trusted else "NOT checked against a trust list (no --trust)"
    holder = (
        "proved possession of the bound key (KB-JWT with your nonce and audience)"
        if result.key_binding is not None
        else "not bound to a key: whoever holds it can present it"
    )
    claims: dict[str, Any] = result.claims
    fields(ctx, (
        ("RESULT", "valid presentation"),
        ("ISSUER", f"{printable(result.issuer or '-')}  ({trust})"),
        ("TYPE", printable(result.vct or "-")),
        ("HOLDER", holder),
        ("ISSUED", when(_time(claims.get("iat")), never="-")),
        ("EXPIRES", when(_time(claims.get("exp")))),
    ))
    ctx.line()
    disclosed = [tuple(p.path) for p in result.disclosures]
    rows = [
        (
            dotted(path),
            "disclosed" if any(is_prefix(d, path) for d in disclosed) else "always",
            show_value(value),
        )
        for path, value in walk_claims(claims)
        if path[0] not in _HEADER_CLAIMS
    ]
    if rows:
        table(ctx, ("CLAIM", "SHOWN", "VALUE"), rows)
    else:
        ctx.line("No claims besides the credential's own metadata.")


def _time(value: Any) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None
