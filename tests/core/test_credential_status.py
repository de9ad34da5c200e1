"""The wallet keeps its credentials' status (core.credential_status): the demo issuer on
loopback (uvicorn), real vault files, real HTTP; the schedule with injected randomness."""

from __future__ import annotations

import json
import random
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.clock import FixedClock
from core.credential_status import (
    STATUS_KIND,
    CredentialStatus,
    StatusCheck,
    StatusSchedule,
    StatusState,
    check_statuses,
)
from core.did import did_key_from_public_key
from core.encoding import b64url_encode
from core.errors import InvalidInput, RecordDamaged, RecordNotFound, VerificationError
from core.keys import Ed25519PrivateKey
from core.oid4vci import receive
from core.sdjwt.issuer import SdJwtIssuer
from core.status import MAX_TOKEN_BYTES, StatusList, StatusReference, issue_status_list_token
from core.vault.kdf import KdfParams
from core.wallet import Wallet
from tests.loopback import Route, serving
from tests.services.helpers import running_issuer
from tests.services.helpers import set_status as set_status_at

PASSPHRASE = "correct horse battery staple"
ISSUER_KEY = Ed25519PrivateKey(bytes(range(80, 112)))
HOUR = 3600.0


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    with running_issuer(ISSUER_KEY) as base_url:
        yield base_url


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(time.time())


@pytest.fixture
def wallet(tmp_path: Path, clock: FixedClock) -> Iterator[Wallet]:
    created, _ = Wallet.create(
        tmp_path / "vault", PASSPHRASE, kdf=KdfParams.FAST_INSECURE, clock=clock
    )
    with created:
        yield created


def offer(http: httpx.Client, issuer: str, config: str = "identity_credential") -> tuple[str, str]:
    answer = http.post(f"{issuer}/demo/offers", json={"credential_configuration_id": config})
    assert answer.status_code == 201, answer.text
    return answer.json()["id"], answer.json()["offer_uri"]


def set_status(http: httpx.Client, issuer: str, offer_id: str, status: str) -> None:
    answer = set_status_at(http, issuer, offer_id, status)
    assert answer.status_code == 200, answer.text


def status_log(wallet: Wallet) -> list[dict[str, Any]]:
    return [e.details for e in wallet.ledger.entries() if e.kind == "credential.status_changed"]


# --- against the demo issuer ----------------------------------------------------------------


def test_revoke_then_refresh_is_revoked_and_logged_once(
    issuer: str, http: httpx.Client, wallet: Wallet
) -> None:
    offer_id, uri = offer(http, issuer)
    stored = receive(wallet, uri, http=http)
    [first] = wallet.refresh_credential_status()
    assert (first.state, first.shown, first.error) == (StatusState.VALID, "valid", None)
    assert first.last_success_at == first.checked_at == wallet.clock.now()
    assert status_log(wallet) == []  # valid on first sight is no change

    set_status(http, issuer, offer_id, "revoked")
    [status] = wallet.refresh_credential_status([stored.id[:8]])
    assert (status.state, status.value, status.last_known) == ("revoked", 1, "revoked")
    assert wallet.statuses.get(stored.id) == status
    wallet.refresh_credential_status()  # still revoked: nothing new to log
    assert status_log(wallet) == [
        {"id": stored.id, "vct": stored.vct, "issuer": issuer, "old": "valid", "new": "revoked"}
    ]
    entry = next(e for e in wallet.ledger.entries() if e.kind == "credential.status_changed")
    assert "revoked" in entry.summary and "Erika" not in json.dumps(entry.to_json())
    assert wallet.ledger.verify().count == len(wallet.ledger.entries())


def test_suspend_then_reinstate(issuer: str, http: httpx.Client, wallet: Wallet) -> None:
    offer_id, uri = offer(http, issuer, "membership_card")
    stored = receive(wallet, uri, http=http)
    set_status(http, issuer, offer_id, "suspended")
    [status] = wallet.refresh_credential_status()
    assert (status.state, status.value) == (StatusState.SUSPENDED, 2)
    set_status(http, issuer, offer_id, "valid")
    [status] = wallet.refresh_credential_status([stored.id])
    assert status.state is StatusState.VALID
    assert [(d["old"], d["new"]) for d in status_log(wallet)] == [
        (None, "suspended"), ("suspended", "valid")
    ]


def test_host_down_keeps_the_last_definitive_state(
    http: httpx.Client, wallet: Wallet, clock: FixedClock
) -> None:
    with running_issuer(ISSUER_KEY) as down_soon:
        offer_id, uri = offer(http, down_soon)
        stored = receive(wallet, uri, http=http)
        set_status(http, down_soon, offer_id, "revoked")
        [revoked] = wallet.refresh_credential_status()
    clock.advance(7 * HOUR)
    [offline] = wallet.refresh_credential_status()
    assert offline.state is StatusState.UNAVAILABLE and offline.offline
    assert offline.error == "resolution_failed"
    assert (offline.last_known, offline.shown) == ("revoked", "revoked")
    assert offline.last_success_at == revoked.checked_at < offline.checked_at == clock.now()
    # A failed check is retried sooner than a good one, and never logged.
    assert offline.next_check_at is not None
    assert offline.next_check_at - clock.now() <= StatusSchedule().retry * 1.25
    assert [d["new"] for d in status_log(wallet)] == ["revoked"]
    assert wallet.statuses.get(stored.id) == offline


def test_never_reached_is_unavailable_without_a_known_state(
    http: httpx.Client, wallet: Wallet
) -> None:
    with running_issuer(ISSUER_KEY) as gone:
        receive(wallet, offer(http, gone)[1], http=http)
    [status] = wallet.refresh_credential_status()
    assert (status.state, status.shown, status.last_known, status.last_success_at) == (
        StatusState.UNAVAILABLE, StatusState.UNAVAILABLE, None, None
    )


def test_deleting_a_credential_deletes_its_status(
    issuer: str, http: httpx.Client, wallet: Wallet
) -> None:
    stored = receive(wallet, offer(http, issuer)[1], http=http)
    wallet.refresh_credential_status()
    assert wallet.vault.ids(STATUS_KIND) == [stored.id]
    wallet.delete_credential(stored.id)
    assert wallet.vault.ids(STATUS_KIND) == []
    assert wallet.statuses.get(stored.id) is None


def test_an_outcome_for_a_credential_deleted_meanwhile_is_dropped(
    issuer: str, http: httpx.Client, wallet: Wallet
) -> None:
    stored = receive(wallet, offer(http, issuer)[1], http=http)
    checks = wallet.statuses.plan()
    outcomes = check_statuses(checks, clock=wallet.clock)
    wallet.delete_credential(stored.id)
    assert wallet.record_credential_status(outcomes) == []
    assert wallet.vault.ids(STATUS_KIND) == []


def test_unknown_ids_are_typed_errors(wallet: Wallet) -> None:
    with pytest.raises(RecordNotFound) as caught:
        wallet.refresh_credential_status(["0123456789"])
    assert caught.value.code == "not_found"


# --- the schedule ---------------------------------------------------------------------------


class Draws:
    """A random source that gives the numbers it is told, in order."""

    def __init__(self, *values: float) -> None:
        self.values = list(values)

    def random(self) -> float:
        return self.values.pop(0)


def test_schedule_spreads_checks_and_never_schedules_in_the_past() -> None:
    schedule = StatusSchedule(interval=6 * HOUR, jitter=0.25)
    now = 1_750_000_000.0
    rng = random.Random(7)
    times = [schedule.next_check(now, rng) for _ in range(50)]
    assert times[0] == StatusSchedule().next_check(now, random.Random(7))  # deterministic
    assert len(set(times)) == 50
    assert all(now + 4.5 * HOUR <= t <= now + 7.5 * HOUR for t in times)
    assert max(times) - min(times) > 2 * HOUR  # spread over most of the window
    assert schedule.next_check(now, Draws(0.0)) == now + 4.5 * HOUR > now
    assert schedule.next_check(now, Draws(0.5)) == now + 6 * HOUR
    assert schedule.next_check(now, Draws(0.0), failed=True) == now + 0.75 * HOUR
    assert StatusSchedule(jitter=0).next_check(now, Draws(0.9)) == now + 6 * HOUR


@pytest.mark.parametrize(
    "settings",
    [{"interval": 0}, {"interval": -5}, {"retry": float("inf")}, {"jitter": 1.0},
     {"jitter": -0.1}, {"interval": True}, {"jitter": "0.2"}],
)
def test_bad_schedules_are_refused(settings: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput) as caught:
        StatusSchedule(**settings)
    assert caught.value.code == "invalid_input"


@pytest.mark.parametrize("draw", [1.0, -0.5, float("nan")])
def test_a_bad_random_source_is_refused(draw: float) -> None:
    with pytest.raises(InvalidInput):
        StatusSchedule().next_check(0.0, Draws(draw))


def test_checks_in_the_vault_are_jittered_per_credential(
    issuer: str, http: httpx.Client, wallet: Wallet, clock: FixedClock
) -> None:
    ids = [receive(wallet, offer(http, issuer)[1], http=http).id for _ in range(3)]
    assert sorted(wallet.statuses.due()) == sorted(ids)  # never checked: due now
    start = clock.now()
    wallet.refresh_credential_status(rng=Draws(0.0, 0.5, 0.99))
    statuses = wallet.statuses.all()
    wanted = {start + 4.5 * HOUR, start + 6 * HOUR, start + (6 + 0.98 * 1.5) * HOUR}
    assert sorted(s.next_check_at or 0 for s in statuses.values()) == pytest.approx(sorted(wanted))
    assert wallet.statuses.due() == []
    earliest = min(statuses.values(), key=lambda s: s.next_check_at or 0)
    assert wallet.statuses.due(start + 5 * HOUR) == [earliest.credential_id]
    assert sorted(wallet.statuses.due(start + 8 * HOUR)) == sorted(ids)
    clock.advance(5 * HOUR)
    [again] = wallet.refresh_credential_status(due_only=True, rng=Draws(0.5))
    assert again.credential_id == earliest.credential_id
    assert again.next_check_at == pytest.approx(clock.now() + 6 * HOUR)


# --- a did:key issuer whose list is served by hand: bad lists -------------------------------

LIST_PATH = "/lists/1"
OTHER_KEY = Ed25519PrivateKey(bytes(range(1, 33)))


class HandIssuer:
    """A did:key issuer signing credentials whose status list sits on a loopback server."""

    def __init__(self) -> None:
        self.key = Ed25519PrivateKey(bytes(range(120, 152)))
        self.did = did_key_from_public_key(self.key.public_key)
        self.kid = f"{self.did}#{self.did.split(':')[2]}"

    def credential(self, wallet: Wallet, status: dict[str, Any] | None) -> str:
        first = wallet.identities.all()[0]
        holder = wallet.identities.private_key(first.did).public_key
        issuer = SdJwtIssuer(self.key, self.did, kid=self.kid, clock=wallet.clock)
        return issuer.issue(
            {"given_name": "Erika"}, disclosable=["given_name"], holder_key=holder,
            vct="urn:example:hand", expires_in=365 * 86400, status=status,
        ).sd_jwt

    def token(self, uri: str, status_list: StatusList, *, key: Ed25519PrivateKey | None = None,
              now: float) -> bytes:
        return issue_status_list_token(
            key or self.key, sub=uri, status_list=status_list, iat=int(now), kid=self.kid,
        ).encode("ascii")


def _bomb(uri: str, hand: HandIssuer, now: float) -> bytes:
    lst = b64url_encode(zlib.compress(bytes(17 * 1024 * 1024), 9))
    from core.jose import sign_json

    return sign_json(
        hand.key,
        {"sub": uri, "iat": int(now), "status_list": {"bits": 2, "lst": lst}},
        header={"typ": "statuslist+jwt", "kid": hand.kid},
    ).encode("ascii")


def _list(*values: int, bits: int = 2, size: int = 16) -> StatusList:
    status_list = StatusList(bits, size)
    for index, value in enumerate(values):
        status_list.set(index, value)
    return status_list


@pytest.mark.parametrize(
    ("body", "state", "error"),
    [
        (lambda uri, hand, now: hand.token(uri, _list(0, 3), now=now), "unknown", None),
        (lambda uri, hand, now: b"not a token", "unavailable", "malformed"),
        (lambda uri, hand, now: hand.token(uri, _list(0, 1), key=OTHER_KEY, now=now),
         "unavailable", "bad_signature"),
        (lambda uri, hand, now: hand.token(uri + "x", _list(0, 1), now=now),
         "unavailable", "malformed"),
        (lambda uri, hand, now: hand.token(uri, _list(bits=8, size=1), now=now),
         "unavailable", "status_index_out_of_range"),
        (_bomb, "unavailable", "status_list_too_large"),
        (lambda uri, hand, now: b"x" * (MAX_TOKEN_BYTES + 1), "unavailable", "resolution_failed"),
        (lambda uri, hand, now: None, "unavailable", "did_not_found"),
    ],
    ids=["value-3", "garbage", "other-key", "wrong-sub", "index-past-end", "bomb", "oversized",
         "missing"],
)
def test_bad_lists_are_stored_as_unavailable_with_their_code(
    wallet: Wallet, body: Any, state: str, error: str | None
) -> None:
    hand = HandIssuer()
    served: dict[str, bytes | None] = {}

    def lookup(path: str) -> Route | None:
        data = served.get(path)
        return None if data is None else (200, {"Content-Type": "application/statuslist+jwt"}, data)

    with serving(lookup) as port:
        uri = f"http://127.0.0.1:{port}{LIST_PATH}"
        stored = wallet.import_credential(
            hand.credential(wallet, {"status_list": {"idx": 1, "uri": uri}})
        )
        served[LIST_PATH] = hand.token(uri, _list(0, 0), now=wallet.clock.now())
        [good] = wallet.refresh_credential_status()
        assert good.state is StatusState.VALID
        served[LIST_PATH] = body(uri, hand, wallet.clock.now())
        [status] = wallet.refresh_credential_status()
    assert (status.state, status.error) == (state, error)
    if state == "unavailable":
        assert (status.last_known, status.shown) == ("valid", "valid")
    else:
        assert status.value == 3 and [d["new"] for d in status_log(wallet)] == ["unknown"]
    assert wallet.statuses.get(stored.id) == status


def test_no_reference_and_malformed_reference(wallet: Wallet) -> None:
    hand = HandIssuer()
    plain = wallet.import_credential(hand.credential(wallet, None))
    odd = wallet.import_credential(
        hand.credential(wallet, {"status_list": {"idx": -1, "uri": "http://127.0.0.1:9/x"}})
    )
    by_id = {s.credential_id: s for s in wallet.refresh_credential_status()}
    assert (by_id[plain.id].state, by_id[plain.id].next_check_at) == (StatusState.NO_STATUS, None)
    assert (by_id[odd.id].state, by_id[odd.id].error) == (StatusState.UNAVAILABLE, "malformed")
    later = wallet.clock.now() + 30 * 86400
    assert wallet.statuses.due(later) == [odd.id]  # no reference: never due again


def test_one_failing_list_is_fetched_once_per_run(wallet: Wallet) -> None:
    requests: list[str] = []
    with serving(lambda path: None, on_request=lambda headers: requests.append("x")) as port:
        uri = f"http://127.0.0.1:{port}{LIST_PATH}"
        checks = [StatusCheck(f"c{i}", "did:example:x", StatusReference(i, uri)) for i in range(3)]
        outcomes = check_statuses(checks, clock=wallet.clock)
    assert [o.error for o in outcomes] == ["did_not_found"] * 3 and len(requests) == 1


def test_status_reference_is_validated_when_built() -> None:
    for idx, uri in [(-1, "https://x"), (True, "https://x"), (1, ""), ("1", "https://x")]:
        with pytest.raises(VerificationError) as caught:
            StatusReference(idx, uri)  # type: ignore[arg-type]
        assert caught.value.code == "malformed"


# --- records ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "record",
    [
        [],
        {"credential_id": "a"},
        {"credential_id": "a", "state": "gone", "checked_at": 1, "next_check_at": None,
         "last_known": None, "last_success_at": None, "error": None, "value": None},
        {"credential_id": "a", "state": "valid", "checked_at": "1", "next_check_at": None,
         "last_known": None, "last_success_at": None, "error": None, "value": None},
        {"credential_id": "a", "state": "unavailable", "checked_at": 1, "next_check_at": None,
         "last_known": "unavailable", "last_success_at": 1, "error": None, "value": None},
        {"credential_id": "a", "state": "valid", "checked_at": 1, "next_check_at": None,
         "last_known": "valid", "last_success_at": None, "error": None, "value": None},
    ],
)
def test_damaged_records_are_typed_errors(wallet: Wallet, record: Any) -> None:
    with pytest.raises(InvalidInput):
        CredentialStatus.from_json(record)
    wallet.vault.put_json(STATUS_KIND, "a", record)
    with pytest.raises(RecordDamaged) as caught:
        wallet.statuses.get("a")
    assert (caught.value.code, caught.value.kind) == ("record_damaged", STATUS_KIND)
    assert wallet.statuses.all() == {}


def test_records_round_trip() -> None:
    status = CredentialStatus(
        "a", StatusState.UNAVAILABLE, 5.0, 9.0, StatusState.REVOKED, 2.0, "resolution_failed"
    )
    assert CredentialStatus.from_json(json.loads(json.dumps(status.to_json()))) == status
    assert status.shown is StatusState.REVOKED and status.offline and status.due(9.0)
