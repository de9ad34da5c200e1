"""Consents end to end over loopback HTTP: ``tessera respond --consent 30d`` against the demo
verifier (uvicorn on 127.0.0.1), then ``consent withdraw`` and a vault-less
``consent verify-withdrawal``; and the in-process ``respond(consent=…)``."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from core.consent import DAY, verify_consent, verify_withdrawal
from core.encoding import b64url_decode, b64url_encode, compact_json
from core.errors import InvalidInput
from core.oid4vp import respond
from core.services.verifier import DemoVerifier
from core.wallet import Wallet
from tests.services.helpers import tessera
from tests.services.test_oid4vp import (  # noqa: F401 - fixtures used by name
    SHARED,
    new_request,
    status,
    vault,
    verifier,
    wallet,
)

VALUES = ("Erika", "Berlin", "Mustermann", "Heidestrasse")


def payload(token: str) -> str:
    return b64url_decode(token.split(".")[1]).decode()


def test_respond_for_30_days_then_withdraw_and_verify(
    vault: Path, verifier: tuple[str, DemoVerifier], tmp_path: Path  # noqa: F811
) -> None:
    base_url, _ = verifier
    created = new_request(base_url, purpose="Deliver your order")
    done = tessera(vault, "respond", created["request_uri"], "--approve", "--consent", "30d")
    assert done.returncode == 0, done.stderr
    assert "Consent: for 30 days" in done.stdout
    assert status(base_url, created["id"])["claims"] == SHARED

    listed = tessera(vault, "consent", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    [consent] = json.loads(listed.stdout)
    assert consent["state"] == "active" and consent["duration"] == "30d"
    assert consent["verifier"] == f"redirect_uri:{base_url}/response"
    assert consent["verifier_name"] == "Tessera demo verifier"
    assert consent["verified"] is False and consent["purpose"] == "Deliver your order"
    assert consent["valid_until"] - consent["granted_at"] == 30 * DAY
    [item] = consent["shared"]
    assert item["vct"] == "urn:eudi:pid:1" and item["claims"] == ["given_name", "address.locality"]

    out = tmp_path / "withdrawal.jwt"
    withdrawn = tessera(vault, "consent", "withdraw", consent["id"][:8], "--out", str(out))
    assert withdrawn.returncode == 0, withdrawn.stderr
    shown = json.loads(tessera(vault, "consent", "show", consent["id"], "--json").stdout)
    assert shown["state"] == "withdrawn" and shown["withdrawal"] == out.read_text().strip()
    record = tmp_path / "consent.jwt"
    record.write_text(shown["consent"])

    # The verifier's side: no vault, no passphrase, core alone.
    nowhere = tmp_path / "no-vault"
    checked = tessera(nowhere, "consent", "verify-withdrawal", str(out), "--consent", str(record),
                      "--json")
    assert checked.returncode == 0, checked.stderr
    body = json.loads(checked.stdout)
    assert body["valid"] is True and body["consent_checked"] is True
    assert body["consent_id"] == consent["id"] and body["verifier"] == consent["verifier"]
    assert verify_withdrawal(out.read_text().strip(),
                             consent=verify_consent(shown["consent"])).consent_id == consent["id"]

    head, claims, signature = out.read_text().strip().split(".")
    forged = json.loads(b64url_decode(claims)) | {"iat": 0}  # "withdrawn" long ago
    out.write_text(f"{head}.{b64url_encode(compact_json(forged))}.{signature}")
    tampered = tessera(nowhere, "consent", "verify-withdrawal", str(out))
    assert tampered.returncode == 1
    assert tampered.stderr.startswith("tessera: error [bad_signature]: ")

    # The log has both entries, with claim names and never their values.
    log = tessera(vault, "log", "export").stdout
    entries = [json.loads(line) for line in log.splitlines()]
    kinds = [entry["kind"] for entry in entries]
    assert kinds[-3:] == ["credential.presented", "consent.granted", "consent.withdrawn"]
    granted = entries[-2]
    assert granted["details"]["claims"] == ["given_name", "address.locality"]
    for text in (log, payload(shown["consent"]), payload(shown["withdrawal"])):
        assert not any(value in text for value in VALUES)
    assert tessera(vault, "log", "verify").returncode == 0


def test_default_consent_is_this_once(
    vault: Path, verifier: tuple[str, DemoVerifier]  # noqa: F811
) -> None:
    base_url, _ = verifier
    created = new_request(base_url)
    done = tessera(vault, "respond", created["request_uri"], "--approve", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["consent"] == "once"
    assert json.loads(tessera(vault, "consent", "list", "--json").stdout) == []
    [ended] = json.loads(tessera(vault, "consent", "list", "--all", "--json").stdout)
    assert ended["state"] == "expired" and ended["valid_until"] == ended["granted_at"]
    refused = tessera(vault, "consent", "withdraw", ended["id"])
    assert refused.returncode == 1
    assert refused.stderr.startswith("tessera: error [consent_expired]: ")


def test_unknown_duration_is_a_usage_error(vault: Path) -> None:  # noqa: F811
    result = tessera(vault, "respond", "openid4vp://?client_id=x&request_uri=y", "--consent", "7d")
    assert result.returncode == 2 and result.stderr.startswith("tessera: error [usage]: ")


def test_in_process_respond_records_the_chosen_duration(
    wallet: Wallet, verifier: tuple[str, DemoVerifier], http: httpx.Client  # noqa: F811
) -> None:
    base_url, _ = verifier
    created = new_request(base_url, purpose="Age check")
    respond(wallet, created["request_uri"], http=http, approve=lambda *_: True,
            consent="until_withdrawn")
    [stored] = wallet.consents()
    assert stored.state == "active" and stored.consent.valid_until is None
    assert stored.consent.purpose == "Age check"
    holder = wallet.credentials.all()[0].holder_did
    assert stored.consent.holder == holder

    other = new_request(base_url)
    before = len(wallet.ledger.entries())
    with pytest.raises(InvalidInput):
        respond(wallet, other["request_uri"], http=http, approve=lambda *_: True,
                consent="forever")
    assert len(wallet.ledger.entries()) == before  # nothing presented, nothing logged
    assert status(base_url, other["id"])["status"] == "pending"
