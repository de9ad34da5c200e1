"""``tessera credential list`` (its status column) and ``tessera credential status [ID]
[--refresh]`` against the demo issuer on loopback, on a real vault."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from core.keys import Ed25519PrivateKey
from core.oid4vci import receive
from core.vault.kdf import KdfParams
from core.wallet import Wallet
from tests.core.test_cli_credentials import PASSPHRASE, Runner, error_line
from tests.core.w3c_build import W3cIssuer, valid_around
from tests.services.helpers import running_issuer
from tests.services.helpers import set_status as set_status_at

ISSUER_KEY = Ed25519PrivateKey(bytes(range(160, 192)))


def runner(mode: str, vault: Path, monkeypatch: pytest.MonkeyPatch,
           capsys: pytest.CaptureFixture[str]) -> Runner:
    return Runner(mode, vault, monkeypatch, capsys)


def offer(http: httpx.Client, issuer: str, config: str) -> tuple[str, str]:
    answer = http.post(f"{issuer}/demo/offers", json={"credential_configuration_id": config})
    return answer.json()["id"], answer.json()["offer_uri"]


def set_status(http: httpx.Client, issuer: str, offer_id: str, status: str) -> None:
    answer = set_status_at(http, issuer, offer_id, status)
    assert answer.status_code == 200, answer.text


def test_list_column_status_command_and_refresh(
    tmp_path: Path, http: httpx.Client, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    vault = tmp_path / "vault"
    run = runner("in-process", vault, monkeypatch, capsys)
    with running_issuer(ISSUER_KEY) as issuer:
        wallet, _ = Wallet.create(vault, PASSPHRASE, kdf=KdfParams.FAST_INSECURE)
        with wallet:
            pid_offer, pid_uri = offer(http, issuer, "identity_credential")
            card_offer, card_uri = offer(http, issuer, "membership_card")
            pid = receive(wallet, pid_uri, http=http).id
            card = receive(wallet, card_uri, http=http).id

        listing = run(["credential", "list"])
        assert listing.code == 0 and listing.out.splitlines()[0].split()[-1] == "STATUS"
        assert listing.out.count("not checked") == 2
        assert {c["status"]["state"] for c in run(["credential", "list", "--json"]).json()} == {
            None
        }
        assert "not checked" in run(["credential", "status"]).out

        set_status(http, issuer, pid_offer, "revoked")
        refreshed = run(["credential", "status", "--refresh", "--json"]).json()
        assert [(s["id"], s["state"], s["shown"]) for s in refreshed] == [
            (pid, "revoked", "revoked"), (card, "valid", "valid")
        ]

        # Listing reads what is stored: the suspension below is not seen until a refresh.
        set_status(http, issuer, card_offer, "suspended")
        rows = {line.split()[0]: line for line in run(["credential", "list"]).out.splitlines()}
        assert rows[pid[:10]].endswith("revoked") and rows[card[:10]].endswith("valid")
        one = run(["credential", "status", card[:8], "--refresh", "--json"]).json()
        assert (one["id"], one["state"], one["value"], one["offline"]) == (
            card, "suspended", 2, False
        )
        human = Runner("subprocess", vault, monkeypatch, capsys)(["credential", "status"])
        assert human.code == 0 and "suspended" in human.out and "next check after" in human.out

    # The issuer is gone: a refresh is reported as offline and keeps what the list said.
    offline = run(["credential", "status", "--refresh"])
    assert offline.code == 0 and offline.err == ""
    rows = {line.split()[0]: line for line in offline.out.splitlines()}
    assert "revoked (offline)" in rows[pid[:10]] and "[resolution_failed]" in rows[pid[:10]]
    assert "suspended (offline)" in rows[card[:10]]
    state = run(["credential", "status", pid, "--json"]).json()
    assert (state["state"], state["shown"], state["error"], state["offline"]) == (
        "unavailable", "revoked", "resolution_failed", True
    )
    assert state["last_success_at"] < state["checked_at"]
    assert "revoked (offline)" in run(["credential", "list"]).out


def test_status_of_unknown_ids_and_an_empty_wallet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = tmp_path / "vault"
    Wallet.create(vault, PASSPHRASE, kdf=KdfParams.FAST_INSECURE)[0].close()
    run = runner("in-process", vault, monkeypatch, capsys)
    assert run(["credential", "status", "--refresh", "--json"]).json() == []
    assert "No credentials yet" in run(["credential", "status"]).out
    error_line(run(["credential", "status", "0123456789"]), "not_found")
    error_line(run(["credential", "status", "ab", "--refresh"]), "not_found")
    bad = run(["credential", "status", "--refresh", "extra", "args"])
    error_line(bad, "usage", exit_code=2)


def test_status_names_a_w3c_credential_by_its_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = tmp_path / "vault"
    wallet, _ = Wallet.create(vault, PASSPHRASE, kdf=KdfParams.FAST_INSECURE)
    with wallet:
        did = wallet.identities.all()[0].did
        stored = wallet.import_credential(
            W3cIssuer.new().issue("jwt_vc_json", did, **valid_around(time.time()))
        )
    shown = runner("in-process", vault, monkeypatch, capsys)(["credential", "status"])
    (row,) = [line for line in shown.out.splitlines() if line.startswith(stored.id[:10])]
    assert str(stored.kind) in row
