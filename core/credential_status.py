"""Keeping the status of stored credentials fresh (Token Status List), in the vault.

A stored SD-JWT VC that carries ``status.status_list {idx, uri}`` is checked now and
then: its Status List Token is fetched and verified by :class:`core.status.StatusListChecker`
(signed by the credential's issuer; bounded; a fresh cache per run, so one list serves
every credential on it in that run) and the entry is read. The outcome is stored as a
record of kind ``credential-status`` keyed by the credential id (:class:`CredentialStatus`):
the state of the latest check, when it ran, the last state the list actually gave and
when, and the error code when it could not be had. A check that fails (offline, a bad
list) keeps the last definitive state: "revoked, last checked at X; offline now".

States: ``valid`` (0), ``revoked`` (1), ``suspended`` (2), ``unknown`` (any other value:
application specific or reserved), ``unavailable`` (the list could not be fetched or
verified, or the reference is malformed), ``no_status`` (the credential has no reference).

Three steps, so that the network never runs where the vault is used (the GUI does step 2
on a worker thread and steps 1 and 3 on its own):

1. :meth:`CredentialStatuses.plan` reads the vault: which credentials, which references;
2. :func:`check_statuses` fetches and verifies: one :class:`StatusOutcome` per check;
3. :meth:`CredentialStatuses.record` writes the new records and returns the changes of
   state, which :class:`core.wallet.Wallet` logs in the same transaction.

Schedule (:class:`StatusSchedule`): each credential's next check is the interval after
its last one, plus or minus a random jitter drawn per credential from an injected source,
so checks of different credentials do not line up and the list host cannot tell when the
person opens the wallet or uses a credential from when its lists are fetched.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any, Final, Protocol

from core.clock import Clock
from core.credentials import SD_JWT_FORMAT, Credentials, StoredCredential
from core.did.web import Fetcher
from core.errors import InvalidInput, RecordDamaged, RecordNotFound, TesseraError, UserCancelled
from core.identity import CREDENTIAL_KIND
from core.status import INVALID, SUSPENDED, VALID, StatusListChecker, StatusReference
from core.status import status_reference as read_reference
from core.vault.store import Vault

STATUS_KIND: Final = "credential-status"
HOUR: Final = 3600.0


class StatusState(StrEnum):
    """What the wallet knows about a credential's status."""

    VALID = "valid"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    UNKNOWN = "unknown"
    UNAVAILABLE = "unavailable"
    NO_STATUS = "no_status"


#: States a status list gave (as opposed to "could not be had" or "nothing to check").
DEFINITIVE: Final = frozenset(
    {StatusState.VALID, StatusState.REVOKED, StatusState.SUSPENDED, StatusState.UNKNOWN}
)


def state_of(value: int) -> StatusState:
    """The state a status list entry means (2-bit values and wider)."""
    if value == VALID:
        return StatusState.VALID
    if value == INVALID:
        return StatusState.REVOKED
    if value == SUSPENDED:
        return StatusState.SUSPENDED
    return StatusState.UNKNOWN


class RandomSource(Protocol):
    """Uniform numbers in [0, 1): ``random.Random`` and ``secrets.SystemRandom`` fit."""

    def random(self) -> float: ...


@dataclass(frozen=True)
class StatusSchedule:
    """When to check again: ``interval`` seconds after a check (``retry`` after one that
    failed), times a factor drawn uniformly from [1 - jitter, 1 + jitter].

    Raises InvalidInput for a non-positive interval or retry, or a jitter outside [0, 1).
    """

    interval: float = 6 * HOUR
    retry: float = 1 * HOUR
    jitter: float = 0.25

    def __post_init__(self) -> None:
        for name in ("interval", "retry"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not (
                math.isfinite(value) and value > 0
            ):
                raise InvalidInput(f"the status check {name} must be a positive number of seconds")
        jitter = self.jitter
        if isinstance(jitter, bool) or not isinstance(jitter, int | float) or not 0 <= jitter < 1:
            raise InvalidInput("the status check jitter is a fraction in [0, 1)")

    def next_check(self, now: float, rng: RandomSource, *, failed: bool = False) -> float:
        """The time of the next check after one at ``now``: always later than ``now``.

        Raises InvalidInput when ``rng`` gives a number outside [0, 1).
        """
        draw = rng.random()
        if isinstance(draw, bool) or not isinstance(draw, int | float) or not 0 <= draw < 1:
            raise InvalidInput("the random source must give numbers in [0, 1)")
        base = self.retry if failed else self.interval
        return now + base * (1 + self.jitter * (2 * draw - 1))


@dataclass(frozen=True)
class StatusCheck:
    """One credential to check: its issuer and status reference (None: it has none), or
    ``problem``, the error code of a reference that could not be read."""

    credential_id: str
    issuer: str | None
    reference: StatusReference | None
    problem: str | None = None


@dataclass(frozen=True)
class StatusOutcome:
    """What one check found. ``error`` is the error code when ``state`` is unavailable;
    ``value`` the raw list entry when the list answered."""

    credential_id: str
    state: StatusState
    checked_at: float
    error: str | None = None
    value: int | None = None


def _number(value: Any, name: str, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInput(f"credential status '{name}' must be a number")


@dataclass(frozen=True)
class CredentialStatus:
    """The stored status of one credential (see the module doc).

    ``state`` is the latest check's outcome; ``last_known`` the last definitive state and
    ``last_success_at`` when the list gave it; ``next_check_at`` None means never again
    (no reference). Raises InvalidInput when built with values of the wrong kind.
    """

    credential_id: str
    state: StatusState
    checked_at: float
    next_check_at: float | None
    last_known: StatusState | None = None
    last_success_at: float | None = None
    error: str | None = None
    value: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.credential_id, str) or not self.credential_id:
            raise InvalidInput("credential status needs a credential id")
        if not isinstance(self.state, StatusState):
            raise InvalidInput("credential status 'state' is not a known state")
        if self.last_known is not None and self.last_known not in DEFINITIVE:
            raise InvalidInput("credential status 'last_known' must be a definitive state")
        if (self.last_known is None) != (self.last_success_at is None):
            raise InvalidInput("credential status 'last_known' and 'last_success_at' go together")
        _number(self.checked_at, "checked_at")
        _number(self.next_check_at, "next_check_at", optional=True)
        _number(self.last_success_at, "last_success_at", optional=True)
        if self.error is not None and not isinstance(self.error, str):
            raise InvalidInput("credential status 'error' must be a code")
        if self.value is not None and (isinstance(self.value, bool) or not isinstance(
            self.value, int
        )):
            raise InvalidInput("credential status 'value' must be an integer")

    @property
    def offline(self) -> bool:
        """Whether the latest check could not reach or verify the list."""
        return self.state is StatusState.UNAVAILABLE

    @property
    def shown(self) -> StatusState:
        """The state to show: the last definitive one while offline, else the latest."""
        if self.offline and self.last_known is not None:
            return self.last_known
        return self.state

    def due(self, now: float) -> bool:
        return self.next_check_at is not None and self.next_check_at <= now

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, value: Any) -> CredentialStatus:
        """Raises InvalidInput for a record that is not a credential status."""
        if not isinstance(value, dict):
            raise InvalidInput("a credential status is a JSON object")
        try:
            fields = {name: value[name] for name in cls.__dataclass_fields__}
            fields["state"] = StatusState(fields["state"])
            if fields["last_known"] is not None:
                fields["last_known"] = StatusState(fields["last_known"])
        except (KeyError, ValueError) as exc:
            raise InvalidInput("stored credential status is incomplete or unknown") from exc
        return cls(**fields)


@dataclass(frozen=True)
class StatusChange:
    """A credential whose definitive state changed (what the activity log records)."""

    credential_id: str
    vct: str | None
    issuer: str | None
    old: StatusState | None
    new: StatusState

    @property
    def summary(self) -> str:
        was = f" (was {self.old.value})" if self.old is not None else ""
        return f"A credential ({self.vct or 'untyped'}) is now {self.new.value}{was}."

    def details(self) -> dict[str, Any]:
        """Names and states only, never claim values."""
        return {
            "id": self.credential_id,
            "vct": self.vct,
            "issuer": self.issuer,
            "old": self.old.value if self.old is not None else None,
            "new": self.new.value,
        }


def check_statuses(
    checks: Sequence[StatusCheck],
    *,
    clock: Clock,
    fetcher: Fetcher | None = None,
    cancel_event: threading.Event | None = None,
) -> list[StatusOutcome]:
    """Fetch, verify and read the status of each check; touches no vault.

    A list that cannot be fetched or verified gives ``unavailable`` with the error's code
    (each failing list is tried once per call). ``fetcher`` GETs the tokens and issuer
    metadata (default: httpx; https, or http to loopback). Raises UserCancelled when
    ``cancel_event`` is set between two checks.
    """
    checker = StatusListChecker(fetcher, clock=clock)
    failed: dict[tuple[str | None, str], str] = {}
    outcomes: list[StatusOutcome] = []
    for check in checks:
        if cancel_event is not None and cancel_event.is_set():
            raise UserCancelled("the status check was cancelled")
        outcomes.append(_check_one(check, checker, failed, clock))
    return outcomes


def _check_one(
    check: StatusCheck,
    checker: StatusListChecker,
    failed: dict[tuple[str | None, str], str],
    clock: Clock,
) -> StatusOutcome:
    def unavailable(code: str) -> StatusOutcome:
        return StatusOutcome(check.credential_id, StatusState.UNAVAILABLE, clock.now(), code)

    if check.problem is not None:
        return unavailable(check.problem)
    ref = check.reference
    if ref is None:
        return StatusOutcome(check.credential_id, StatusState.NO_STATUS, clock.now())
    key = (check.issuer, ref.uri)
    if key in failed:
        return unavailable(failed[key])
    try:
        value = checker.status_value(check.issuer, ref)
    except TesseraError as exc:
        if exc.code != "status_index_out_of_range":  # the list itself is no good
            failed[key] = exc.code
        return unavailable(exc.code)
    return StatusOutcome(check.credential_id, state_of(value), clock.now(), value=value)


class CredentialStatuses:
    """The status records of the credentials in ``vault`` (see the module doc).

    Construction does no work. Nothing here writes the activity log: the Wallet logs the
    changes :meth:`record` returns, in the same transaction.
    """

    def __init__(self, vault: Vault, credentials: Credentials, clock: Clock) -> None:
        self._vault = vault
        self._credentials = credentials
        self._clock = clock

    def get(self, credential_id: str) -> CredentialStatus | None:
        """The stored status of a credential (full id); None if never checked.

        Raises RecordDamaged, VaultLocked.
        """
        try:
            record = self._vault.get(STATUS_KIND, credential_id)
        except RecordNotFound:
            return None
        try:
            return CredentialStatus.from_json(record.json())
        except (InvalidInput, ValueError) as exc:
            raise RecordDamaged(
                f"the stored status of credential {credential_id} is damaged",
                record_id=credential_id,
                kind=STATUS_KIND,
            ) from exc

    def all(self) -> dict[str, CredentialStatus]:
        """Every readable status record by credential id (damaged ones left out).

        Raises VaultLocked.
        """
        records, _damaged = self._vault.list_records(STATUS_KIND)
        statuses: dict[str, CredentialStatus] = {}
        for record in records:
            try:
                statuses[record.id] = CredentialStatus.from_json(record.json())
            except (InvalidInput, ValueError):
                continue
        return statuses

    def due(self, now: float | None = None) -> list[str]:
        """Ids of the credentials to check by ``now`` (default: the clock): never checked,
        or their next check has come. Raises VaultLocked."""
        at = self._clock.now() if now is None else now
        statuses = self.all()
        return [
            credential_id
            for credential_id in self._vault.ids(CREDENTIAL_KIND)
            if credential_id not in statuses or statuses[credential_id].due(at)
        ]

    def plan(
        self, credential_ids: Iterable[str] | None = None, *, due_only: bool = False
    ) -> list[StatusCheck]:
        """What to check: the named credentials (ids or unique prefixes; default: all),
        only those due when ``due_only``. Reads the vault, never the network.

        Raises RecordNotFound, InvalidInput(ambiguous_id), VaultLocked.
        """
        if credential_ids is None:
            chosen = self._credentials.all()
        else:
            chosen = [self._credentials.get(i) for i in credential_ids]
        if due_only:
            due = set(self.due())
            chosen = [c for c in chosen if c.id in due]
        return [_plan_one(credential) for credential in chosen]

    def record(
        self,
        outcomes: Iterable[StatusOutcome],
        *,
        rng: RandomSource,
        schedule: StatusSchedule = StatusSchedule(),
    ) -> list[StatusChange]:
        """Store each outcome, keeping the last definitive state across failed checks, and
        schedule the next check; outcomes of credentials deleted meanwhile are dropped.

        Returns the changes of definitive state (a first check counts as a change only
        when it is not ``valid``: a credential was valid when it was imported). Raises
        VaultLocked, InvalidInput (a bad random source).
        """
        now = self._clock.now()
        stored = set(self._vault.ids(CREDENTIAL_KIND))
        changes: list[StatusChange] = []
        with self._vault.transaction():
            for outcome in outcomes:
                if outcome.credential_id not in stored:
                    continue
                try:
                    previous = self.get(outcome.credential_id)
                except RecordDamaged:
                    previous = None
                status = _updated(previous, outcome, schedule, rng, max(now, outcome.checked_at))
                self._vault.put_json(STATUS_KIND, outcome.credential_id, status.to_json())
                change = self._change(previous, status)
                if change is not None:
                    changes.append(change)
        return changes

    def forget(self, credential_id: str) -> bool:
        """Delete a credential's status record; whether there was one. Raises VaultLocked."""
        self._vault.data_key()
        return self._vault.delete(STATUS_KIND, credential_id)

    def _change(
        self, previous: CredentialStatus | None, status: CredentialStatus
    ) -> StatusChange | None:
        new = status.last_known
        old = previous.last_known if previous is not None else None
        if new is None or new == (old or StatusState.VALID):
            return None
        credential: StoredCredential = self._credentials.get(status.credential_id)
        return StatusChange(credential.id, credential.vct, credential.issuer, old, new)


def _plan_one(credential: StoredCredential) -> StatusCheck:
    if credential.format != SD_JWT_FORMAT:
        return StatusCheck(credential.id, credential.issuer, None)
    try:
        reference = read_reference(credential.held().claims)
    except TesseraError as exc:
        return StatusCheck(credential.id, credential.issuer, None, problem=exc.code)
    return StatusCheck(credential.id, credential.issuer, reference)


def _updated(
    previous: CredentialStatus | None,
    outcome: StatusOutcome,
    schedule: StatusSchedule,
    rng: RandomSource,
    now: float,
) -> CredentialStatus:
    """The record after ``outcome``: a definitive state replaces the last known one; a
    failed check keeps it."""
    if outcome.state in DEFINITIVE:
        last_known: StatusState | None = outcome.state
        last_success: float | None = outcome.checked_at
    elif outcome.state is StatusState.UNAVAILABLE and previous is not None:
        last_known, last_success = previous.last_known, previous.last_success_at
    else:
        last_known, last_success = None, None
    failed = outcome.state is StatusState.UNAVAILABLE
    next_at = (
        None
        if outcome.state is StatusState.NO_STATUS
        else schedule.next_check(now, rng, failed=failed)
    )
    return CredentialStatus(
        credential_id=outcome.credential_id,
        state=outcome.state,
        checked_at=outcome.checked_at,
        next_check_at=next_at,
        last_known=last_known,
        last_success_at=last_success,
        error=outcome.error,
        value=outcome.value,
    )
