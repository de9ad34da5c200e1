"""The demo credential issuer: OpenID4VCI 1.0 with the pre-authorized code grant.

Endpoints (``base_url`` is the credential issuer identifier and its own authorization
server; plain http is only for loopback, as :func:`core.did.fetch.check_fetch_url` says):

- ``GET /.well-known/openid-credential-issuer``: credential issuer metadata with three
  SD-JWT VC configurations (:data:`CONFIGURATIONS`);
- ``GET /.well-known/oauth-authorization-server``: the token endpoint and the
  pre-authorized code grant, anonymous access allowed;
- ``GET /.well-known/jwt-vc-issuer``: the issuer's signing key as a JWK set (SD-JWT VC
  issuer metadata), which is how :mod:`core.verifier` finds the key of an http(s) issuer;
- ``POST /demo/offers`` (JSON ``{"credential_configuration_id", "claims"?, "tx_code"?,
  "by_value"?}``): a credential offer; returns ``{"id", "offer_uri", "tx_code"?}``. The
  offer goes by reference (``credential_offer_uri``) unless ``by_value`` is true;
- ``GET /offers/{id}``: the credential offer object;
- ``POST /token`` (form): ``grant_type`` pre-authorized code, ``pre-authorized_code``,
  ``tx_code``. A code is good for one token; a wrong ``tx_code`` is ``invalid_grant``
  and after :data:`MAX_TX_CODE_FAILURES` wrong ones the code is dead;
- ``POST /nonce``: a fresh ``c_nonce``, single use, valid :data:`NONCE_TTL` seconds;
- ``POST /credential`` (bearer token, JSON ``{"credential_configuration_id", "proofs":
  {"jwt": [proof]}}``): checks the proof JWT (``typ`` ``openid4vci-proof+jwt``, ``aud``
  the issuer, a ``nonce`` from ``/nonce`` not used before, ``iat`` recent, signed by the
  key in its ``jwk`` header or named by a did:key / did:jwk ``kid``) and answers
  ``{"credentials": [{"credential": SD_JWT}]}`` bound (``cnf.jwk``) to that key;
- ``GET /status/1``: the issuer's Token Status List (draft-ietf-oauth-status-list) as a
  signed ``statuslist+jwt``, 2 bits per credential (0 valid, 1 invalid, 2 suspended);
- ``POST /demo/offers/{id}/status`` (JSON ``{"status": "valid"|"revoked"|"suspended"}``):
  sets the status of the credential issued for that offer;
- ``GET /``: a page with the latest offer as a QR code (when segno is installed).

Every credential reserves a random entry of the status list at issuance and carries
``status: {"status_list": {"idx", "uri"}}``. (Checking it is the verifier's business:
:class:`core.verifier.VerifierPolicy` takes a ``status_checker``.)

State lives in memory, per app; the clock and the randomness are injectable.
"""

from __future__ import annotations

import base64
import html
import json
import secrets
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import parse_qs, quote, urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from core.clock import Clock, SystemClock
from core.did.resolver import DidResolver
from core.encoding import b64url_encode
from core.errors import TesseraError
from core.jose import parse as parse_jws
from core.jose import sign_json
from core.jose import verify as verify_jws
from core.keys import PrivateKey, PublicKey, public_key_from_jwk
from core.sdjwt.issuer import SdJwtIssuer

PRE_AUTHORIZED_GRANT: Final = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
OFFER_SCHEME: Final = "openid-credential-offer://"
PROOF_TYP: Final = "openid4vci-proof+jwt"
ALGORITHMS: Final = ("EdDSA", "ES256")
TOKEN_TTL: Final = 300
NONCE_TTL: Final = 300
OFFER_TTL: Final = 3600
#: How far a proof's ``iat`` may be from the issuer's clock, in seconds.
PROOF_IAT_SKEW: Final = 300
MAX_TX_CODE_FAILURES: Final = 3
CREDENTIAL_LIFETIME: Final = 365 * 24 * 3600
MAX_BODY_BYTES: Final = 64 * 1024
#: Kept in memory at most (oldest dropped first): offers, tokens, nonces.
MAX_ENTRIES: Final = 10_000
#: Entries in the status list (2 bits each): large enough to hide one credential among many.
STATUS_LIST_SIZE: Final = 16_384
STATUS_BITS: Final = 2
STATUS_VALUES: Final[Mapping[str, int]] = {"valid": 0, "revoked": 1, "suspended": 2}
STATUS_LIST_TTL: Final = 60


@dataclass(frozen=True)
class CredentialConfiguration:
    """One credential the issuer offers: its metadata and demo claims."""

    id: str
    vct: str
    name: str
    description: str
    #: (dotted claim path, display name), in display order.
    claims: tuple[tuple[str, str], ...]
    example: Mapping[str, Any]

    def metadata(self) -> dict[str, Any]:
        """The entry in ``credential_configurations_supported`` (OpenID4VCI 1.0 §12.2.4)."""
        return {
            "format": "dc+sd-jwt",
            "vct": self.vct,
            "scope": self.id,
            "cryptographic_binding_methods_supported": ["jwk", "did:key", "did:jwk"],
            "credential_signing_alg_values_supported": list(ALGORITHMS),
            "proof_types_supported": {
                "jwt": {"proof_signing_alg_values_supported": list(ALGORITHMS)}
            },
            "credential_metadata": {
                "display": [
                    {"name": self.name, "locale": "en-US", "description": self.description}
                ],
                "claims": [
                    {
                        "path": [int(p) if p.isdigit() else p for p in path.split(".")],
                        "display": [{"name": label, "locale": "en-US"}],
                    }
                    for path, label in self.claims
                ],
            },
        }


def mask_iban(iban: str) -> str:
    """``DE89 •••• 3000``: the first four and last four characters, grouped like an IBAN."""
    compact = "".join(iban.split()).upper()
    if len(compact) < 8:
        return "••••"
    return f"{compact[:4]} •••• {compact[-4:]}"


CONFIGURATIONS: Final[tuple[CredentialConfiguration, ...]] = (
    CredentialConfiguration(
        id="identity_credential",
        vct="urn:tessera:demo:identity:1",
        name="Identity credential",
        description="Your name, date of birth, address and nationalities.",
        claims=(
            ("given_name", "Given name"),
            ("family_name", "Family name"),
            ("birthdate", "Date of birth"),
            ("address", "Address"),
            ("address.street_address", "Street"),
            ("address.locality", "City"),
            ("address.postal_code", "Postal code"),
            ("address.country", "Country"),
            ("nationalities", "Nationalities"),
        ),
        example={
            "given_name": "Erika",
            "family_name": "Mustermann",
            "birthdate": "1984-01-26",
            "address": {
                "street_address": "Heidestraße 17",
                "locality": "Köln",
                "postal_code": "51147",
                "country": "DE",
            },
            "nationalities": ["DE"],
        },
    ),
    CredentialConfiguration(
        id="bank_account",
        vct="urn:tessera:demo:bank-account:1",
        name="Bank account",
        description="An account you hold, with its IBAN.",
        claims=(
            ("holder_name", "Account holder"),
            ("iban", "IBAN"),
            ("account_display", "Account"),
            ("bank_name", "Bank"),
            ("bic", "BIC"),
        ),
        example={
            "holder_name": "Erika Mustermann",
            "iban": "DE89370400440532013000",
            "bank_name": "Demo Bank",
            "bic": "COBADEFFXXX",
        },
    ),
    CredentialConfiguration(
        id="membership_card",
        vct="urn:tessera:demo:membership:1",
        name="Membership card",
        description="Membership of a club or association.",
        claims=(
            ("member_name", "Member"),
            ("organization", "Organization"),
            ("member_id", "Member number"),
            ("tier", "Tier"),
            ("member_since", "Member since"),
        ),
        example={
            "member_name": "Erika Mustermann",
            "organization": "Tessera Hiking Club",
            "member_id": "M-100042",
            "tier": "gold",
            "member_since": "2019-05-01",
        },
    ),
)


class _Refusal(Exception):
    """An OAuth-style error answer: ``{"error", "error_description"}`` with ``status``."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status

    def response(self) -> JSONResponse:
        headers = {"Cache-Control": "no-store"}
        if self.status == 401:
            headers["WWW-Authenticate"] = f'Bearer error="{self.error}"'
        return JSONResponse(
            {"error": self.error, "error_description": self.description},
            status_code=self.status,
            headers=headers,
        )


@dataclass
class _Offer:
    id: str
    configuration: CredentialConfiguration
    claims: dict[str, Any]
    pre_authorized_code: str
    tx_code: str | None
    expires_at: float
    uri: str = ""
    failures: int = 0
    used: bool = False
    #: The status list entries of the credentials issued for this offer.
    status_indexes: list[int] = field(default_factory=list)


@dataclass
class _Token:
    offer: _Offer
    expires_at: float
    used: bool = False


@dataclass
class IssuerState:
    """What the issuer remembers (in memory): offers, codes, tokens and nonces."""

    offers: dict[str, _Offer] = field(default_factory=dict)
    codes: dict[str, _Offer] = field(default_factory=dict)
    tokens: dict[str, _Token] = field(default_factory=dict)
    nonces: dict[str, float] = field(default_factory=dict)
    last_offer: _Offer | None = None
    statuses: StatusList = field(default_factory=lambda: StatusList(STATUS_LIST_SIZE))


class StatusList:
    """A Token Status List of ``size`` entries of :data:`STATUS_BITS` bits, all valid.

    Entry ``i`` is in byte ``i * bits // 8``, starting at the least significant bit.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.data = bytearray(size * STATUS_BITS // 8)
        self.reserved: set[int] = set()

    def reserve(self, pick: Callable[[int], int] = secrets.randbelow) -> int:
        """A random free entry (random, so that indexes say nothing about issuance order)."""
        if len(self.reserved) >= self.size:
            raise _Refusal("credential_request_denied", "the status list is full", 503)
        while True:
            index = pick(self.size)
            if index not in self.reserved:
                self.reserved.add(index)
                return index

    def set(self, index: int, value: int) -> None:
        per_byte = 8 // STATUS_BITS
        shift = (index % per_byte) * STATUS_BITS
        mask = ((1 << STATUS_BITS) - 1) << shift
        byte = self.data[index // per_byte]
        self.data[index // per_byte] = (byte & ~mask & 0xFF) | (value << shift)

    def get(self, index: int) -> int:
        per_byte = 8 // STATUS_BITS
        shift = (index % per_byte) * STATUS_BITS
        return (self.data[index // per_byte] >> shift) & ((1 << STATUS_BITS) - 1)

    def encoded(self) -> str:
        """``lst``: the bytes ZLIB-compressed (RFC 1950), base64url without padding."""
        return b64url_encode(zlib.compress(bytes(self.data), 9))


def _put(table: dict[str, Any], key: str, value: Any) -> None:
    while len(table) >= MAX_ENTRIES:
        table.pop(next(iter(table)))
    table[key] = value


def _disclosable(claims: Mapping[str, Any]) -> list[str]:
    """Every top-level claim, every member of an object claim, every array element."""
    paths: list[str] = []
    for name, value in claims.items():
        paths.append(name)
        if isinstance(value, dict):
            paths.extend(f"{name}.{member}" for member in value)
        elif isinstance(value, list):
            paths.extend(f"{name}.{index}" for index in range(len(value)))
    return paths


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _Refusal("invalid_token", "a bearer access token is required", 401)
    return token.strip()


async def _body(request: Request) -> bytes:
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
        raise _Refusal("invalid_request", "the request body is too large", 413)
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise _Refusal("invalid_request", "the request body is too large", 413)
    return body


async def _json_body(request: Request, error: str = "invalid_request") -> dict[str, Any]:
    body = await _body(request)
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _Refusal(error, "the request body is not JSON") from exc
    if not isinstance(value, dict):
        raise _Refusal(error, "the request body must be a JSON object")
    return value


async def _form_body(request: Request) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body; every field at most once."""
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise _Refusal("invalid_request", "the token request must be form-encoded")
    try:
        fields = parse_qs((await _body(request)).decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError) as exc:
        raise _Refusal("invalid_request", "the form is malformed") from exc
    if any(len(values) != 1 for values in fields.values()):
        raise _Refusal("invalid_request", "a form field is repeated")
    return {name: values[0] for name, values in fields.items()}


class _Issuer:
    """The endpoints, sharing one state. Built by :func:`create_issuer_app`."""

    def __init__(
        self,
        base_url: str,
        issuer_key: PrivateKey,
        clock: Clock,
        token: Callable[[], str],
        name: str,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.key = issuer_key
        self.kid = issuer_key.public_key.thumbprint()
        self.clock = clock
        self.token = token
        self.name = name
        self.state = IssuerState()
        self.configurations = {c.id: c for c in CONFIGURATIONS}
        self.sd_jwt = SdJwtIssuer(issuer_key, self.base_url, kid=self.kid, clock=clock)
        self.resolver = DidResolver()

    # --- metadata ----------------------------------------------------------------------

    async def issuer_metadata(self, request: Request) -> Response:
        return JSONResponse(
            {
                "credential_issuer": self.base_url,
                "credential_endpoint": f"{self.base_url}/credential",
                "nonce_endpoint": f"{self.base_url}/nonce",
                "display": [{"name": self.name, "locale": "en-US"}],
                "credential_configurations_supported": {c.id: c.metadata() for c in CONFIGURATIONS},
            }
        )

    async def authorization_server(self, request: Request) -> Response:
        return JSONResponse(
            {
                "issuer": self.base_url,
                "token_endpoint": f"{self.base_url}/token",
                "grant_types_supported": [PRE_AUTHORIZED_GRANT],
                "pre-authorized_grant_anonymous_access_supported": True,
                "response_types_supported": [],
            }
        )

    async def jwt_vc_issuer(self, request: Request) -> Response:
        jwk = {**self.key.public_key.to_jwk(), "kid": self.kid, "use": "sig"}
        return JSONResponse({"issuer": self.base_url, "jwks": {"keys": [jwk]}})

    # --- offers ------------------------------------------------------------------------

    async def create_offer(self, request: Request) -> Response:
        try:
            body = await _json_body(request)
            wanted = body.get("credential_configuration_id")
            configuration = self.configurations.get(wanted) if isinstance(wanted, str) else None
            if configuration is None:
                raise _Refusal(
                    "invalid_request",
                    "credential_configuration_id must be one of " + ", ".join(self.configurations),
                )
            claims = body.get("claims", configuration.example)
            if not isinstance(claims, dict) or not claims:
                raise _Refusal("invalid_request", "claims must be a non-empty JSON object")
            claims = dict(claims)
            if configuration.id == "bank_account" and isinstance(claims.get("iban"), str):
                claims.setdefault("account_display", mask_iban(claims["iban"]))
            tx_code = body.get("tx_code")
            if tx_code is not None and (
                not isinstance(tx_code, str) or not tx_code.isdigit() or not 4 <= len(tx_code) <= 12
            ):
                raise _Refusal("invalid_request", "tx_code must be 4 to 12 digits")
            by_value = body.get("by_value", False)
            if not isinstance(by_value, bool):
                raise _Refusal("invalid_request", "by_value must be true or false")
            # Fail now, not at the credential endpoint, when the claims cannot be issued.
            self.sd_jwt.issue(claims, disclosable=_disclosable(claims), vct=configuration.vct)
        except _Refusal as refusal:
            return refusal.response()
        except TesseraError as exc:
            return _Refusal("invalid_request", exc.message).response()
        offer = _Offer(
            id=self.token(),
            configuration=configuration,
            claims=claims,
            pre_authorized_code=self.token(),
            tx_code=tx_code,
            expires_at=self.clock.now() + OFFER_TTL,
        )
        if by_value:
            encoded = json.dumps(self.offer_object(offer), separators=(",", ":"))
            offer.uri = (
                OFFER_SCHEME + "?" + urlencode({"credential_offer": encoded}, quote_via=quote)
            )
        else:
            reference = f"{self.base_url}/offers/{offer.id}"
            offer.uri = OFFER_SCHEME + "?" + urlencode({"credential_offer_uri": reference})
        _put(self.state.offers, offer.id, offer)
        _put(self.state.codes, offer.pre_authorized_code, offer)
        self.state.last_offer = offer
        answer: dict[str, Any] = {"id": offer.id, "offer_uri": offer.uri}
        if tx_code is not None:
            answer["tx_code"] = tx_code
        return JSONResponse(answer, status_code=201)

    def offer_object(self, offer: _Offer) -> dict[str, Any]:
        grant: dict[str, Any] = {"pre-authorized_code": offer.pre_authorized_code}
        if offer.tx_code is not None:
            grant["tx_code"] = {
                "input_mode": "numeric",
                "length": len(offer.tx_code),
                "description": "Enter the code the issuer sent you separately.",
            }
        return {
            "credential_issuer": self.base_url,
            "credential_configuration_ids": [offer.configuration.id],
            "grants": {PRE_AUTHORIZED_GRANT: grant},
        }

    async def get_offer(self, request: Request) -> Response:
        offer = self.state.offers.get(request.path_params["offer_id"])
        if offer is None or offer.expires_at <= self.clock.now():
            return JSONResponse({"error": "not_found"}, status_code=404)
        return JSONResponse(self.offer_object(offer), headers={"Cache-Control": "no-store"})

    # --- token and nonce ---------------------------------------------------------------

    async def token_endpoint(self, request: Request) -> Response:
        try:
            return self._token(await _form_body(request))
        except _Refusal as refusal:
            return refusal.response()

    def _token(self, form: Mapping[str, Any]) -> Response:
        if form.get("grant_type") != PRE_AUTHORIZED_GRANT:
            raise _Refusal(
                "unsupported_grant_type", "only the pre-authorized code grant is supported"
            )
        code = form.get("pre-authorized_code")
        if not isinstance(code, str) or not code:
            raise _Refusal("invalid_request", "pre-authorized_code is missing")
        offer = self.state.codes.get(code)
        if offer is None or offer.used or offer.expires_at <= self.clock.now():
            raise _Refusal("invalid_grant", "the pre-authorized code is unknown, used or expired")
        if offer.tx_code is not None:
            given = form.get("tx_code")
            if not isinstance(given, str) or not secrets.compare_digest(
                given.encode(), offer.tx_code.encode()
            ):
                offer.failures += 1
                if offer.failures >= MAX_TX_CODE_FAILURES:
                    offer.used = True
                raise _Refusal("invalid_grant", "the transaction code is wrong")
        offer.used = True
        access_token = self.token()
        _put(self.state.tokens, access_token, _Token(offer, self.clock.now() + TOKEN_TTL))
        return JSONResponse(
            {"access_token": access_token, "token_type": "Bearer", "expires_in": TOKEN_TTL},
            headers={"Cache-Control": "no-store"},
        )

    async def nonce_endpoint(self, request: Request) -> Response:
        nonce = self.token()
        _put(self.state.nonces, nonce, self.clock.now() + NONCE_TTL)
        return JSONResponse({"c_nonce": nonce}, headers={"Cache-Control": "no-store"})

    # --- credential ----------------------------------------------------------------------

    async def credential_endpoint(self, request: Request) -> Response:
        try:
            bearer = _bearer(request)
            body = await _json_body(request, "invalid_credential_request")
            # Looked up after the last await: no other request can use it in between.
            token = self.state.tokens.get(bearer)
            if token is None or token.used or token.expires_at <= self.clock.now():
                raise _Refusal("invalid_token", "the access token is unknown, used or expired", 401)
            requested = body.get("credential_configuration_id")
            if not isinstance(requested, str):
                raise _Refusal(
                    "invalid_credential_request", "credential_configuration_id is missing"
                )
            if requested != token.offer.configuration.id:
                raise _Refusal(
                    "unknown_credential_configuration",
                    "that credential was not offered with this access token",
                )
            holder_key = self._check_proofs(body.get("proofs"))
            offer = token.offer
            index = self.state.statuses.reserve()
            issued = self.sd_jwt.issue(
                offer.claims,
                disclosable=_disclosable(offer.claims),
                holder_key=holder_key,
                vct=offer.configuration.vct,
                expires_in=CREDENTIAL_LIFETIME,
                status={"status_list": {"idx": index, "uri": self.status_list_uri}},
            )
        except _Refusal as refusal:
            return refusal.response()
        token.used = True
        offer.status_indexes.append(index)
        return JSONResponse(
            {"credentials": [{"credential": issued.sd_jwt}]},
            headers={"Cache-Control": "no-store"},
        )

    def _check_proofs(self, proofs: Any) -> PublicKey:
        if not isinstance(proofs, dict) or set(proofs) != {"jwt"}:
            raise _Refusal("invalid_proof", 'proofs must be {"jwt": [one proof JWT]}')
        jwts = proofs["jwt"]
        if not isinstance(jwts, list) or len(jwts) != 1 or not isinstance(jwts[0], str):
            raise _Refusal("invalid_proof", "exactly one proof JWT is accepted")
        try:
            jws = parse_jws(jwts[0])
            header = jws.header
            if header.get("typ") != PROOF_TYP:
                raise _Refusal("invalid_proof", f"the proof's typ must be {PROOF_TYP}")
            key = self._proof_key(header)
            verified = verify_jws(jws, key, algorithms=ALGORITHMS)
            payload = verified.payload_json()
        except TesseraError as exc:
            raise _Refusal(
                "invalid_proof", f"the proof JWT does not verify: {exc.message}"
            ) from exc
        aud = payload.get("aud")
        if aud != self.base_url and not (isinstance(aud, list) and aud == [self.base_url]):
            raise _Refusal("invalid_proof", "the proof's aud is not this credential issuer")
        iat = payload.get("iat")
        now = self.clock.now()
        if (
            not isinstance(iat, int | float)
            or isinstance(iat, bool)
            or abs(iat - now) > PROOF_IAT_SKEW
        ):
            raise _Refusal("invalid_proof", "the proof's iat is missing or not recent")
        nonce = payload.get("nonce")
        expires = self.state.nonces.pop(nonce, None) if isinstance(nonce, str) else None
        if expires is None or expires <= now:
            raise _Refusal("invalid_nonce", "the proof's nonce is not a fresh c_nonce")
        return key

    def _proof_key(self, header: Mapping[str, Any]) -> PublicKey:
        jwk, kid = header.get("jwk"), header.get("kid")
        if (jwk is None) == (kid is None):
            raise _Refusal("invalid_proof", "the proof header needs exactly one of jwk and kid")
        if jwk is not None:
            if not isinstance(jwk, dict) or "d" in jwk:
                raise _Refusal("invalid_proof", "the proof's jwk must be a public JWK")
            return public_key_from_jwk(jwk)
        if not isinstance(kid, str) or not kid.startswith(("did:key:", "did:jwk:")):
            raise _Refusal("invalid_proof", "the proof's kid must be a did:key or did:jwk URL")
        return self.resolver.resolve_key(kid)

    # --- status ------------------------------------------------------------------------

    @property
    def status_list_uri(self) -> str:
        return f"{self.base_url}/status/1"

    async def status_list(self, request: Request) -> Response:
        now = int(self.clock.now())
        token = sign_json(
            self.key,
            {
                "sub": self.status_list_uri,
                "iat": now,
                "exp": now + 24 * 3600,
                "ttl": STATUS_LIST_TTL,
                "status_list": {"bits": STATUS_BITS, "lst": self.state.statuses.encoded()},
            },
            header={"typ": "statuslist+jwt", "kid": self.kid},
        )
        return Response(
            token,
            media_type="application/statuslist+jwt",
            headers={"Cache-Control": f"max-age={STATUS_LIST_TTL}"},
        )

    async def set_status(self, request: Request) -> Response:
        try:
            body = await _json_body(request)
            offer = self.state.offers.get(request.path_params["offer_id"])
            if offer is None:
                return JSONResponse({"error": "not_found"}, status_code=404)
            wanted = body.get("status")
            value = STATUS_VALUES.get(wanted) if isinstance(wanted, str) else None
            if value is None:
                raise _Refusal("invalid_request", "status must be valid, revoked or suspended")
            if not offer.status_indexes:
                raise _Refusal("invalid_request", "no credential was issued for this offer yet")
        except _Refusal as refusal:
            return refusal.response()
        for index in offer.status_indexes:
            self.state.statuses.set(index, value)
        return JSONResponse({"id": offer.id, "status": body["status"], "idx": offer.status_indexes})

    # --- the page ------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        offer = self.state.last_offer
        parts = [
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
            f"<title>{html.escape(self.name)}</title></head><body>",
            f"<h1>{html.escape(self.name)}</h1>",
        ]
        if offer is None:
            parts.append("<p>No credential offer yet. Create one with POST /demo/offers.</p>")
        else:
            parts.append(f"<h2>{html.escape(offer.configuration.name)}</h2>")
            image = _qr_data_uri(offer.uri)
            if image is not None:
                parts.append(f"<img alt='credential offer QR code' src='{image}'>")
            parts.append(f"<p><a href='{html.escape(offer.uri)}'>{html.escape(offer.uri)}</a></p>")
            if offer.tx_code is not None:
                parts.append("<p>This offer needs a transaction code, sent separately.</p>")
        parts.append("</body></html>")
        return HTMLResponse("".join(parts))


def _qr_data_uri(text: str) -> str | None:
    """A ``data:`` URI of the QR code for ``text``; None when QR rendering is unavailable."""
    try:
        from core.qr.render import render_png

        png = render_png(text)
    except (ImportError, TesseraError):
        return None
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def create_issuer_app(
    *,
    base_url: str,
    issuer_key: PrivateKey,
    clock: Clock | None = None,
    token: Callable[[], str] | None = None,
    name: str = "Tessera Demo Issuer",
) -> Starlette:
    """The demo issuer as a Starlette app; ``base_url`` is its credential issuer identifier.

    ``token`` makes offer ids, codes, access tokens and nonces (default: 128 random bits).
    """
    issuer = _Issuer(
        base_url,
        issuer_key,
        clock or SystemClock(),
        token or (lambda: secrets.token_urlsafe(16)),
        name,
    )
    routes = [
        Route("/", issuer.home),
        Route("/.well-known/openid-credential-issuer", issuer.issuer_metadata),
        Route("/.well-known/oauth-authorization-server", issuer.authorization_server),
        Route("/.well-known/jwt-vc-issuer", issuer.jwt_vc_issuer),
        Route("/demo/offers", issuer.create_offer, methods=["POST"]),
        Route("/offers/{offer_id}", issuer.get_offer),
        Route("/token", issuer.token_endpoint, methods=["POST"]),
        Route("/nonce", issuer.nonce_endpoint, methods=["POST"]),
        Route("/credential", issuer.credential_endpoint, methods=["POST"]),
        Route("/status/1", issuer.status_list),
        Route("/demo/offers/{offer_id}/status", issuer.set_status, methods=["POST"]),
    ]
    app = Starlette(routes=routes)
    app.state.issuer = issuer
    return app
