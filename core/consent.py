"""Consent records and their withdrawals: signed by the holder, checked with ``core`` alone.

A **consent record** is a compact JWS (``typ`` ``tessera-consent+jwt``, EdDSA or ES256)
signed by the identity key that presented, named by ``kid`` (a DID URL of the holder's
DID). Its payload says who received what, why, and for how long::

    {"jti": "<32 hex>", "iss": "<holder DID>", "iat": <granted at, seconds>,
     "verifier": {"client_id": "<full client_id>", "name": "<its own words>" | null,
                  "verified": true | false},
     "purpose": "<its own words>" | null,
     "shared": [{"credential_id": "<hex>", "vct": … | null, "issuer": … | null,
                 "claims": ["given_name", "address.locality"]}],
     "duration": "once" | "1d" | "30d" | "until_withdrawn",
     "valid_until": <seconds>}            (absent for until_withdrawn)

Claim NAMES (dotted paths) only, never values. ``valid_until`` is ``iat`` for ``once``
(the consent covered that one presentation), ``iat`` + 1 or 30 days, or absent.

A **withdrawal** is a compact JWS (``typ`` ``tessera-consent-withdrawal+jwt``) by the same
key: ``{"iss", "iat": <withdrawn at>, "consent_id", "consent_hash", "verifier"}`` where
``consent_hash`` is base64url SHA-256 of the consent JWS exactly as issued.

Verifying (:func:`verify_consent`, :func:`verify_withdrawal`) resolves the ``kid`` with a
:class:`core.did.DidResolver` (did:key and did:jwk offline), requires the ``kid``'s DID
to be ``iss``, and returns a frozen verified object or raises VerificationError:
``malformed`` (not a JWS, wrong ``typ``, a payload that breaks the shape above, a
withdrawal that names another consent), ``unsupported_alg``, ``unresolvable_key``,
``untrusted_issuer`` (signed by a key that is not ``iss``'s, or a withdrawal not by the
consent's holder), ``bad_signature``.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal

from core import jose
from core.did import DidResolver, parse_did_url
from core.encoding import b64url_encode, parse_json_object
from core.errors import InvalidInput, ResolutionError, VerificationError
from core.keys import PrivateKey

CONSENT_TYP: Final = "tessera-consent+jwt"
WITHDRAWAL_TYP: Final = "tessera-consent-withdrawal+jwt"
ALGORITHMS: Final = frozenset({"EdDSA", "ES256"})
#: Consent records are small; anything larger is refused before it is decoded.
MAX_TOKEN_CHARS: Final = 64 * 1024
DAY: Final = 86_400
#: How long a consent lasts, in the order the app offers them.
DURATIONS: Final = ("once", "1d", "30d", "until_withdrawn")
_SECONDS: Final[Mapping[str, int | None]] = {
    "once": 0,
    "1d": DAY,
    "30d": 30 * DAY,
    "until_withdrawn": None,
}
_ID = re.compile(r"[0-9a-f]{32}")
_ID_BYTES: Final = 16

ConsentState = Literal["active", "expired", "withdrawn"]
STATES: Final[tuple[ConsentState, ...]] = ("active", "expired", "withdrawn")


def check_duration(duration: object) -> str:
    """``duration`` if it is one of :data:`DURATIONS`. Raises InvalidInput."""
    if not isinstance(duration, str) or duration not in _SECONDS:
        raise InvalidInput(f"a consent lasts one of {', '.join(DURATIONS)}, not {duration!r}")
    return duration


def valid_until(granted_at: int, duration: str) -> int | None:
    """When a consent granted at ``granted_at`` for ``duration`` ends (None: when it is
    withdrawn). Raises InvalidInput for an unknown duration."""
    seconds = _SECONDS[check_duration(duration)]
    return None if seconds is None else granted_at + seconds


def consent_hash(token: str) -> str:
    """base64url SHA-256 of a consent JWS exactly as issued (what a withdrawal names)."""
    return b64url_encode(hashlib.sha256(token.encode("utf-8")).digest())


# --- the records -------------------------------------------------------------------------


def _text(value: object, what: str, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"{what} must be non-empty text")


def _seconds(value: object, what: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidInput(f"{what} must be a whole number of seconds")


def _holder(value: object) -> None:
    _text(value, "the holder")
    assert isinstance(value, str)
    if not value.startswith("did:"):
        raise InvalidInput("the holder must be a DID", code="invalid_did")


@dataclass(frozen=True)
class SharedCredential:
    """One credential shown under a consent, and the NAMES of the claims it disclosed."""

    credential_id: str
    vct: str | None
    issuer: str | None
    #: Dotted claim paths (``address.locality``), never values.
    claims: tuple[str, ...]

    def __post_init__(self) -> None:
        """Raises InvalidInput for a field of the wrong type or an empty one."""
        _text(self.credential_id, "a credential id")
        _text(self.vct, "a credential type", optional=True)
        _text(self.issuer, "an issuer", optional=True)
        if not isinstance(self.claims, tuple):
            raise InvalidInput("claims must be a tuple of dotted paths")
        for claim in self.claims:
            _text(claim, "a claim path")

    def to_json(self) -> dict[str, Any]:
        return {
            "credential_id": self.credential_id,
            "vct": self.vct,
            "issuer": self.issuer,
            "claims": list(self.claims),
        }

    @classmethod
    def from_json(cls, value: Any) -> SharedCredential:
        """Raises InvalidInput for anything but the shape :meth:`to_json` writes."""
        if not isinstance(value, dict) or set(value) != {
            "credential_id", "vct", "issuer", "claims"
        }:
            raise InvalidInput("a shared credential has exactly credential_id, vct, issuer, claims")
        claims = value["claims"]
        if not isinstance(claims, list):
            raise InvalidInput("claims must be a list of dotted paths")
        return cls(value["credential_id"], value["vct"], value["issuer"], tuple(claims))


@dataclass(frozen=True)
class Consent:
    """A consent record (verified, or just signed by this wallet). ``token`` is the JWS."""

    id: str
    holder: str
    kid: str
    verifier: str
    verifier_name: str | None
    verified: bool
    purpose: str | None
    shared: tuple[SharedCredential, ...]
    granted_at: int
    valid_until: int | None
    duration: str
    token: str = field(repr=False)

    def __post_init__(self) -> None:
        """Raises InvalidInput when the fields do not make a consent (see the module)."""
        if not isinstance(self.id, str) or not _ID.fullmatch(self.id):
            raise InvalidInput("a consent id is 32 lowercase hex digits")
        _holder(self.holder)
        _text(self.kid, "the key id")
        _text(self.verifier, "the verifier")
        _text(self.verifier_name, "the verifier's name", optional=True)
        _text(self.purpose, "the purpose", optional=True)
        if not isinstance(self.verified, bool):
            raise InvalidInput("verified must be true or false")
        if not isinstance(self.shared, tuple) or not self.shared:
            raise InvalidInput("a consent names at least one shared credential")
        if not all(isinstance(item, SharedCredential) for item in self.shared):
            raise InvalidInput("shared must hold SharedCredential values")
        _seconds(self.granted_at, "granted at")
        if self.valid_until is not None:
            _seconds(self.valid_until, "valid until")
        if self.valid_until != valid_until(self.granted_at, self.duration):
            raise InvalidInput(f"valid until does not match the duration {self.duration!r}")
        _text(self.token, "the token")

    @property
    def hash(self) -> str:
        """:func:`consent_hash` of the token: what a withdrawal of it names."""
        return consent_hash(self.token)

    @property
    def verifier_label(self) -> str:
        """The verifier as people know it: the name it gave, else its client_id."""
        return self.verifier_name or self.verifier

    @property
    def claim_names(self) -> tuple[str, ...]:
        """Every shared claim path, credential by credential."""
        return tuple(claim for item in self.shared for claim in item.claims)

    def state(self, at: float, withdrawal: Withdrawal | None = None) -> ConsentState:
        """See :func:`consent_state`."""
        return consent_state(self, withdrawal, at)

    def payload(self) -> dict[str, Any]:
        """The JWS payload (the module docstring's shape)."""
        claims: dict[str, Any] = {
            "jti": self.id,
            "iss": self.holder,
            "iat": self.granted_at,
            "verifier": {
                "client_id": self.verifier,
                "name": self.verifier_name,
                "verified": self.verified,
            },
            "purpose": self.purpose,
            "shared": [item.to_json() for item in self.shared],
            "duration": self.duration,
        }
        if self.valid_until is not None:
            claims["valid_until"] = self.valid_until
        return claims


@dataclass(frozen=True)
class Withdrawal:
    """A withdrawal of consent ``consent_id`` (verified, or just signed by this wallet)."""

    consent_id: str
    consent_hash: str
    holder: str
    kid: str
    verifier: str
    withdrawn_at: int
    token: str = field(repr=False)

    def __post_init__(self) -> None:
        """Raises InvalidInput when the fields do not make a withdrawal."""
        if not isinstance(self.consent_id, str) or not _ID.fullmatch(self.consent_id):
            raise InvalidInput("a consent id is 32 lowercase hex digits")
        _text(self.consent_hash, "the consent hash")
        if len(self.consent_hash) != 43:
            raise InvalidInput("the consent hash is a base64url SHA-256 digest")
        _holder(self.holder)
        _text(self.kid, "the key id")
        _text(self.verifier, "the verifier")
        _seconds(self.withdrawn_at, "withdrawn at")
        _text(self.token, "the token")

    def payload(self) -> dict[str, Any]:
        """The JWS payload (the module docstring's shape)."""
        return {
            "iss": self.holder,
            "iat": self.withdrawn_at,
            "consent_id": self.consent_id,
            "consent_hash": self.consent_hash,
            "verifier": self.verifier,
        }


def consent_state(
    consent: Consent, withdrawal: Withdrawal | None, at: float
) -> ConsentState:
    """``withdrawn`` from the moment of ``withdrawal``; else ``expired`` from
    ``valid_until`` on (at once for a ``once`` consent); else ``active``."""
    if withdrawal is not None and at >= withdrawal.withdrawn_at:
        return "withdrawn"
    if consent.valid_until is not None and at >= consent.valid_until:
        return "expired"
    return "active"


# --- signing -----------------------------------------------------------------------------


def holder_kid(holder_did: str, key: PrivateKey, resolver: DidResolver | None = None) -> str:
    """The DID URL naming ``key`` in ``holder_did``'s document.

    Raises InvalidInput (not a DID, or ``key`` is not that DID's signing key),
    ResolutionError.
    """
    method = (resolver or DidResolver()).resolve_method(
        holder_did, relationship="assertionMethod"
    )
    if method.public_key != key.public_key:
        raise InvalidInput(f"the key given is not the key of {holder_did}", code="invalid_key")
    return method.id


def sign_consent(
    key: PrivateKey,
    holder_did: str,
    *,
    verifier: str,
    verifier_name: str | None,
    verified: bool,
    purpose: str | None,
    shared: Sequence[SharedCredential],
    duration: str,
    granted_at: float,
    resolver: DidResolver | None = None,
    random_bytes: Callable[[int], bytes] = secrets.token_bytes,
) -> Consent:
    """Sign a consent record with ``key``, the key of ``holder_did`` (its ``kid`` is the
    DID URL the DID document gives that key). ``granted_at`` is rounded down to seconds.

    Raises InvalidInput (an unknown duration, nothing shared, an empty field, a key that is
    not ``holder_did``'s), ResolutionError, CryptoError.
    """
    granted = int(granted_at)
    duration = check_duration(duration)
    unsigned = Consent(
        id=random_bytes(_ID_BYTES).hex(),
        holder=holder_did,
        kid="-",
        verifier=verifier,
        verifier_name=verifier_name,
        verified=verified,
        purpose=purpose,
        shared=tuple(shared),
        granted_at=granted,
        valid_until=valid_until(granted, duration),
        duration=duration,
        token="-",
    )
    kid = holder_kid(holder_did, key, resolver)
    token = jose.sign_json(key, unsigned.payload(), header={"typ": CONSENT_TYP, "kid": kid})
    return replace(unsigned, kid=kid, token=token)


def sign_withdrawal(
    key: PrivateKey,
    consent: Consent,
    *,
    withdrawn_at: float,
    resolver: DidResolver | None = None,
) -> Withdrawal:
    """Sign the withdrawal of ``consent`` with ``key``, its holder's key.

    Raises InvalidInput (``key`` is not the holder's, or ``withdrawn_at`` is before the
    consent was granted), ResolutionError, CryptoError.
    """
    withdrawn = int(withdrawn_at)
    if withdrawn < consent.granted_at:
        raise InvalidInput("a consent cannot be withdrawn before it was granted")
    kid = holder_kid(consent.holder, key, resolver)
    unsigned = Withdrawal(
        consent_id=consent.id,
        consent_hash=consent.hash,
        holder=consent.holder,
        kid=kid,
        verifier=consent.verifier,
        withdrawn_at=withdrawn,
        token="-",
    )
    token = jose.sign_json(key, unsigned.payload(), header={"typ": WITHDRAWAL_TYP, "kid": kid})
    return replace(unsigned, token=token)


# --- verifying ---------------------------------------------------------------------------


def _malformed(what: str, exc: InvalidInput | None = None) -> VerificationError:
    detail = f": {exc.message}" if exc is not None else ""
    return VerificationError("malformed", f"{what}{detail}")


def _read(
    token: str, typ: str, what: str, resolver: DidResolver | None, algorithms: Collection[str]
) -> tuple[dict[str, Any], str]:
    """Parse, resolve the signer and check the signature; returns (payload, kid).

    Raises VerificationError as the module docstring says.
    """
    jws = jose.parse(token, max_chars=MAX_TOKEN_CHARS)
    jose.check_algorithm(jws.alg, algorithms)
    if jws.header.get("typ") != typ:
        raise VerificationError("malformed", f"a {what} has typ {typ!r}")
    kid = jws.header.get("kid")
    if not isinstance(kid, str) or "#" not in kid:
        raise VerificationError("unresolvable_key", f"a {what} names its key by a DID URL 'kid'")
    try:
        payload = parse_json_object(jws.payload)
    except InvalidInput as exc:
        raise _malformed(f"{what} payload", exc) from exc
    iss = payload.get("iss")
    if not isinstance(iss, str):
        raise VerificationError("malformed", f"a {what} names its holder in 'iss'")
    try:
        signer = str(parse_did_url(kid).did)
    except InvalidInput as exc:
        raise VerificationError("unresolvable_key", f"kid: {exc.message}") from exc
    if signer != iss:
        raise VerificationError("untrusted_issuer", f"the {what} is not signed by a key of {iss}")
    try:
        key = (resolver or DidResolver()).resolve_key(kid, relationship="assertionMethod")
    except (InvalidInput, ResolutionError) as exc:
        raise VerificationError("unresolvable_key", f"kid: {exc.message}") from exc
    jose.verify(jws, key, algorithms=algorithms)
    return payload, kid


def _members(payload: Mapping[str, Any], required: set[str], optional: set[str], what: str) -> None:
    names = set(payload)
    if not required <= names or not names <= required | optional:
        expected = ", ".join(sorted(required))
        raise VerificationError("malformed", f"a {what} has exactly the members {expected}")


def _consent(payload: Mapping[str, Any], kid: str, token: str) -> Consent:
    """A Consent from a payload. Raises InvalidInput for a wrong shape."""
    verifier = payload["verifier"]
    shared = payload["shared"]
    if not isinstance(verifier, dict) or set(verifier) != {"client_id", "name", "verified"}:
        raise InvalidInput("'verifier' has exactly client_id, name, verified")
    if not isinstance(shared, list):
        raise InvalidInput("'shared' must be a list")
    if "valid_until" in payload and payload["valid_until"] is None:
        raise InvalidInput("'valid_until' is left out, not null, when there is no end")
    return Consent(
        id=payload["jti"],
        holder=payload["iss"],
        kid=kid,
        verifier=verifier["client_id"],
        verifier_name=verifier["name"],
        verified=verifier["verified"],
        purpose=payload["purpose"],
        shared=tuple(SharedCredential.from_json(item) for item in shared),
        granted_at=payload["iat"],
        valid_until=payload.get("valid_until"),
        duration=payload["duration"],
        token=token,
    )


def _withdrawal(payload: Mapping[str, Any], kid: str, token: str) -> Withdrawal:
    return Withdrawal(
        consent_id=payload["consent_id"],
        consent_hash=payload["consent_hash"],
        holder=payload["iss"],
        kid=kid,
        verifier=payload["verifier"],
        withdrawn_at=payload["iat"],
        token=token,
    )


_CONSENT_MEMBERS = {"jti", "iss", "iat", "verifier", "purpose", "shared", "duration"}
_WITHDRAWAL_MEMBERS = {"iss", "iat", "consent_id", "consent_hash", "verifier"}


def verify_consent(
    token: str,
    *,
    resolver: DidResolver | None = None,
    algorithms: Collection[str] = ALGORITHMS,
) -> Consent:
    """Check a consent record's signature and shape; returns what it says.

    Whether it is still in force is :func:`consent_state`'s question, not this one's.
    Raises VerificationError: malformed, unsupported_alg, unresolvable_key,
    untrusted_issuer, bad_signature.
    """
    payload, kid = _read(token, CONSENT_TYP, "consent record", resolver, algorithms)
    _members(payload, _CONSENT_MEMBERS, {"valid_until"}, "consent record")
    try:
        return _consent(payload, kid, token)
    except InvalidInput as exc:
        raise _malformed("consent record", exc) from exc


def verify_withdrawal(
    token: str,
    *,
    consent: Consent | None = None,
    resolver: DidResolver | None = None,
    algorithms: Collection[str] = ALGORITHMS,
) -> Withdrawal:
    """Check a withdrawal's signature and shape; with ``consent`` (verified first, see
    :func:`verify_consent`), also that it withdraws exactly that consent: its holder
    signed it (else ``untrusted_issuer``), and it names the consent's id and hash and
    verifier, and is dated no earlier than the consent (else ``malformed``).

    Raises VerificationError: malformed, unsupported_alg, unresolvable_key,
    untrusted_issuer, bad_signature.
    """
    payload, kid = _read(token, WITHDRAWAL_TYP, "consent withdrawal", resolver, algorithms)
    _members(payload, _WITHDRAWAL_MEMBERS, set(), "consent withdrawal")
    try:
        withdrawal = _withdrawal(payload, kid, token)
    except InvalidInput as exc:
        raise _malformed("consent withdrawal", exc) from exc
    if consent is None:
        return withdrawal
    if withdrawal.holder != consent.holder:
        raise VerificationError(
            "untrusted_issuer", "the withdrawal is not signed by the holder of that consent"
        )
    if withdrawal.consent_id != consent.id or withdrawal.consent_hash != consent.hash:
        raise VerificationError("malformed", "the withdrawal names another consent")
    if withdrawal.verifier != consent.verifier:
        raise VerificationError("malformed", "the withdrawal names another verifier")
    if withdrawal.withdrawn_at < consent.granted_at:
        raise VerificationError("malformed", "the withdrawal is dated before the consent")
    return withdrawal
