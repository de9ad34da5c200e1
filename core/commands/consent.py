"""``tessera consent list|show|withdraw|verify-withdrawal``: signed consent records.

A consent record is kept for every disclosure (``tessera respond --consent …``): who
received which claims (names, not values), why, when and for how long, signed by the
identity that presented (:mod:`core.consent`).

- ``consent list [--all]``: active consents (``--all``: expired and withdrawn ones too):
  id prefix, state, verifier, claims, granted, until. ``--json``: a list of objects
  (``{"id", "state", "holder", "verifier", "verifier_name", "verified", "purpose",
  "duration", "granted_at", "valid_until", "withdrawn_at", "shared"}``).
- ``consent show ID``: the record, then the consent JWS (and the withdrawal JWS); with
  ``--json`` the same object plus ``"consent"`` and ``"withdrawal"`` (the tokens).
- ``consent withdraw ID [--out FILE]``: sign the withdrawal, log it, and print it (one
  line) or write it to FILE. Withdrawing again gives the same withdrawal. An expired
  consent cannot be withdrawn: InvalidInput(consent_expired).
- ``consent verify-withdrawal FILE|- [--consent FILE]``: for verifiers, no vault: check
  the withdrawal's signature with ``core`` alone (the holder's DID key), and with
  ``--consent`` that it withdraws exactly that consent record. Valid: exit 0 (``--json``:
  ``{"valid": true, "consent_id", "consent_hash", "holder", "verifier", "withdrawn_at",
  "consent_checked"}``). Refused: exit 1 with the VerificationError code (``malformed``,
  ``unsupported_alg``, ``unresolvable_key``, ``untrusted_issuer``, ``bad_signature``) and,
  with ``--json``, ``{"valid": false, "error", "message"}`` on stdout as well.

ID is the full consent id or a unique prefix of at least 6 characters (RecordNotFound,
InvalidInput(ambiguous_id)).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from core.commands import Context, SubParsers, add_group
from core.commands.claims import (
    SHORT_ID,
    fields,
    only_one_stdin,
    printable,
    read_source,
    table,
    when,
    write_text_file,
)
from core.commands.session import open_wallet
from core.consent import MAX_TOKEN_CHARS, Consent, Withdrawal, verify_consent, verify_withdrawal
from core.consents import DURATION_WORDS, StoredConsent
from core.errors import InvalidInput, TesseraError, VerificationError

#: Characters of the id shown in lists (enough to name it in ``show``/``withdraw``).
_MAX_INPUT = MAX_TOKEN_CHARS + 4096


def register(subparsers: SubParsers, common: argparse.ArgumentParser) -> None:
    """Add the ``consent`` group."""
    commands = add_group(
        subparsers,
        common,
        "consent",
        help="signed consent records and withdrawals",
        description="List, show and withdraw the consents you gave verifiers.",
    )
    listing = commands.add_parser(
        "list",
        parents=[common],
        help="list active consents",
        description="List active consents (--all: expired and withdrawn ones too).",
    )
    listing.add_argument("--all", action="store_true", help="include ended consents")
    listing.set_defaults(handler=list_command)

    show = commands.add_parser(
        "show",
        parents=[common],
        help="show a consent and its signed record",
        description="Show a consent and print its signed record (and withdrawal).",
    )
    show.add_argument("id", metavar="ID", help="the id, or a unique prefix of 6+ characters")
    show.set_defaults(handler=show_command)

    withdraw = commands.add_parser(
        "withdraw",
        parents=[common],
        help="withdraw a consent and print the signed withdrawal",
        description="Withdraw a consent; the signed withdrawal is printed or written to --out.",
    )
    withdraw.add_argument("id", metavar="ID", help="the id, or a unique prefix of 6+ characters")
    withdraw.add_argument("--out", metavar="FILE", help="write the signed withdrawal here")
    withdraw.set_defaults(handler=withdraw_command)

    check = commands.add_parser(
        "verify-withdrawal",
        parents=[common],
        help="check a signed withdrawal (no vault needed)",
        description="Check a consent withdrawal's signature, and with --consent that it "
        "withdraws that consent record.",
    )
    check.add_argument("file", metavar="FILE", help="the withdrawal ('-': standard input)")
    check.add_argument("--consent", metavar="FILE", help="the consent record it must withdraw")
    check.set_defaults(handler=verify_withdrawal_command)


def consent_json(stored: StoredConsent) -> dict[str, Any]:
    """Everything about a stored consent except its tokens."""
    consent = stored.consent
    return {
        "id": consent.id,
        "state": stored.state,
        "holder": consent.holder,
        "verifier": consent.verifier,
        "verifier_name": consent.verifier_name,
        "verified": consent.verified,
        "purpose": consent.purpose,
        "duration": consent.duration,
        "granted_at": consent.granted_at,
        "valid_until": consent.valid_until,
        "withdrawn_at": stored.withdrawal.withdrawn_at if stored.withdrawal else None,
        "shared": [item.to_json() for item in consent.shared],
    }


def _verifier(consent: Consent) -> str:
    name = printable(consent.verifier_label)
    return name if len(name) <= 40 else f"{name[:39]}…"


def _until(consent: Consent) -> str:
    if consent.duration == "once":
        return "this once"
    return when(consent.valid_until, never="until withdrawn")


def list_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises what :func:`open_wallet` raises."""
    with open_wallet(args, ctx) as (wallet, _):
        consents = wallet.consents()
    shown = consents if args.all else [c for c in consents if c.state == "active"]
    if ctx.json:
        ctx.emit_json([consent_json(c) for c in shown])
        return 0
    if not shown:
        more = "" if args.all else f" ({len(consents)} ended; '--all' lists them)"
        ctx.line(f"No {'' if args.all else 'active '}consents{more if consents else ''}.")
        return 0
    rows = [
        (
            c.id[:SHORT_ID],
            c.state,
            _verifier(c.consent),
            printable(", ".join(c.consent.claim_names)),
            when(c.consent.granted_at),
            _until(c.consent),
        )
        for c in shown
    ]
    table(ctx, ("ID", "STATE", "VERIFIER", "CLAIMS", "GRANTED (UTC)", "UNTIL (UTC)"), rows)
    return 0


def show_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises RecordNotFound, InvalidInput(ambiguous_id), RecordDamaged, and what
    :func:`open_wallet` raises."""
    with open_wallet(args, ctx) as (wallet, _):
        stored = wallet.consent(args.id)
    consent, withdrawal = stored.consent, stored.withdrawal
    if ctx.json:
        ctx.emit_json({
            **consent_json(stored),
            "consent": consent.token,
            "withdrawal": withdrawal.token if withdrawal else None,
        })
        return 0
    trust = "verified" if consent.verified else "not verified: the name is its own words"
    name = f"{printable(consent.verifier_name)} " if consent.verifier_name else ""
    fields(ctx, (
        ("ID", consent.id),
        ("STATE", stored.state),
        ("VERIFIER", f"{name}({printable(consent.verifier)}; {trust})"),
        ("PURPOSE", printable(consent.purpose or "(none given)")),
        ("HOLDER", consent.holder),
        ("GRANTED", when(consent.granted_at)),
        ("UNTIL", f"{_until(consent)} ({DURATION_WORDS[consent.duration]})"),
        ("WITHDRAWN", when(withdrawal.withdrawn_at) if withdrawal else "-"),
    ))
    ctx.line()
    for item in consent.shared:
        kind = printable(item.vct or "untyped credential")
        ctx.line(f"Shared from {kind} ({item.credential_id[:12]}): "
                 f"{printable(', '.join(item.claims)) or '(nothing selectable)'}")
    ctx.line()
    ctx.line("Consent record (signed JWS):")
    ctx.line(consent.token)
    if withdrawal is not None:
        ctx.line("Withdrawal (signed JWS):")
        ctx.line(withdrawal.token)
    return 0


def withdraw_command(args: argparse.Namespace, ctx: Context) -> int:
    """Raises InvalidInput(consent_expired | ambiguous_id), RecordNotFound, RecordDamaged,
    VaultError(io_error) for ``--out``, and what :func:`open_wallet` raises."""
    with open_wallet(args, ctx) as (wallet, _):
        stored = wallet.consent(args.id)
        already = stored.withdrawal is not None
        withdrawal = wallet.withdraw_consent(stored.id)
    result: dict[str, Any] = {
        "id": stored.id,
        "verifier": stored.consent.verifier,
        "withdrawn_at": withdrawal.withdrawn_at,
        "already_withdrawn": already,
    }
    if args.out is None:
        if ctx.json:
            ctx.emit_json({**result, "withdrawal": withdrawal.token})
        else:
            ctx.line(withdrawal.token)
        return 0
    path = Path(args.out)
    write_text_file(path, withdrawal.token + "\n", mode="w")
    if ctx.json:
        ctx.emit_json({**result, "file": str(path)})
    else:
        verb = "Was already withdrawn" if already else "Withdrew"
        ctx.line(f"{verb}: the consent given to {_verifier(stored.consent)}. "
                 f"The signed withdrawal is in {path}")
    return 0


def verify_withdrawal_command(args: argparse.Namespace, ctx: Context) -> int:
    """On a refusal, prints ``{"valid": false, …}`` (``--json``) and re-raises the
    TesseraError (VerificationError, VaultError(io_error) for an unreadable FILE)."""
    only_one_stdin(args.file, args.consent)
    try:
        withdrawal, consent = _verify(args, ctx)
    except TesseraError as exc:
        if ctx.json:
            ctx.emit_json({"valid": False, "error": exc.code, "message": exc.message})
        raise
    if ctx.json:
        ctx.emit_json({
            "valid": True,
            "consent_id": withdrawal.consent_id,
            "consent_hash": withdrawal.consent_hash,
            "holder": withdrawal.holder,
            "verifier": withdrawal.verifier,
            "withdrawn_at": withdrawal.withdrawn_at,
            "consent_checked": consent is not None,
        })
        return 0
    checked = (
        f"it withdraws the consent in {args.consent} (granted {when(consent.granted_at)} "
        f"UTC: {printable(', '.join(consent.claim_names))})"
        if consent is not None
        else "not checked against a consent record (no --consent)"
    )
    fields(ctx, (
        ("RESULT", "valid withdrawal, signed by the holder's key"),
        ("CONSENT", withdrawal.consent_id),
        ("HOLDER", withdrawal.holder),
        ("VERIFIER", printable(withdrawal.verifier)),
        ("WITHDRAWN", f"{when(withdrawal.withdrawn_at)} UTC"),
        ("MATCH", checked),
    ))
    return 0


def _read_token(name: str, ctx: Context, what: str) -> str:
    """Raises VerificationError(malformed) for text that is not UTF-8 or far too large,
    VaultError(io_error)."""
    try:
        return read_source(name, ctx, limit=_MAX_INPUT, what=what).strip()
    except InvalidInput as exc:
        raise VerificationError("malformed", exc.message) from exc


def _verify(args: argparse.Namespace, ctx: Context) -> tuple[Withdrawal, Consent | None]:
    consent = None
    if args.consent is not None:
        consent = verify_consent(_read_token(args.consent, ctx, "consent record"))
    token = _read_token(args.file, ctx, "withdrawal")
    return verify_withdrawal(token, consent=consent), consent
