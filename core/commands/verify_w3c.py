"""``tessera verify`` for W3C presentations: a VP-JWT (``jwt_vc_json``) or a Data
Integrity presentation (``ldp_vc``, JSON), checked by
:func:`core.vc.verify_w3c_presentation` (each credential's issuer signature, trust and
dates, then the holder's signature, nonce/challenge, audience/domain, freshness and that
the holder is the credential's subject).

``--json``: ``{"valid": true, "format", "issuer", "vct": null, "types", "holder",
"claims"}`` with ``claims`` the first credential's ``credentialSubject`` as received (and
``"credentials": [{"issuer", "types", "claims"}, …]`` when it carries several).
"""

from __future__ import annotations

import argparse
from typing import Any

from core.commands import Context
from core.commands.claims import dotted, fields, printable, show_value, table, walk_claims, when
from core.did import DidResolver, HttpxFetcher
from core.errors import InvalidInput
from core.vc import VerifiedW3cPresentation, verify_w3c_presentation
from core.vc.held import type_name


def is_w3c(text: str) -> bool:
    """Whether a presentation is a W3C one (an SD-JWT presentation always has ``~``)."""
    return "~" not in text


def verify_w3c(
    args: argparse.Namespace, text: str, nonce: str, audience: str
) -> VerifiedW3cPresentation:
    """Raises VerificationError, InvalidInput(unsupported_format) for ``--issuer-jwks`` or
    ``--transaction-data`` (SD-JWT VC only)."""
    if args.issuer_jwks is not None or args.transaction_data:
        raise InvalidInput(
            "--issuer-jwks and --transaction-data are for SD-JWT VC presentations; a W3C "
            "presentation's keys come from DIDs and it confirms no transaction data",
            code="unsupported_format",
        )
    return verify_w3c_presentation(
        text,
        nonce=nonce,
        audience=audience,
        resolver=DidResolver(HttpxFetcher()),
        trusted_issuers=frozenset(args.trust) if args.trust else None,
    )


def w3c_json(result: VerifiedW3cPresentation) -> dict[str, Any]:
    """The ``--json`` verdict (see the module docstring)."""
    first = result.credential
    value: dict[str, Any] = {
        "valid": True,
        "format": result.format,
        "issuer": first.issuer,
        "vct": None,
        "types": list(first.types),
        "holder": result.holder,
        "claims": first.subject,
    }
    if len(result.credentials) > 1:
        value["credentials"] = [
            {"issuer": c.issuer, "types": list(c.types), "claims": c.subject}
            for c in result.credentials
        ]
    return value


def w3c_summary(ctx: Context, result: VerifiedW3cPresentation, *, trusted: bool) -> None:
    """The human verdict: one block per credential."""
    trust = "listed with --trust" if trusted else "NOT checked against a trust list (no --trust)"
    for credential in result.credentials:
        start = credential.valid_from.timestamp() if credential.valid_from else None
        end = credential.valid_until.timestamp() if credential.valid_until else None
        fields(ctx, (
            ("RESULT", f"valid presentation ({result.format}, W3C: the whole credential)"),
            ("ISSUER", f"{printable(credential.issuer)}  ({trust})"),
            ("TYPE", printable(type_name(credential.types) or "-")),
            ("HOLDER", f"{printable(result.holder)} (signed it with your nonce and audience)"),
            ("VALID FROM", when(start, never="-")),
            ("EXPIRES", when(end)),
        ))
        ctx.line()
        rows = [
            (dotted(path), show_value(value))
            for path, value in walk_claims({"credentialSubject": credential.subject})
        ]
        table(ctx, ("CLAIM", "VALUE"), rows)
