"""The demo issuer's HTTP layer: OpenID4VCI 1.0 with the pre-authorized code grant.

Endpoints (``base_url`` is the credential issuer identifier and its own authorization
server; plain http is only for loopback, as :func:`core.did.fetch.check_fetch_url` says):

- ``GET /.well-known/openid-credential-issuer``: credential issuer metadata with three
  SD-JWT VC configurations (:data:`~core.services.issuer.configurations.CONFIGURATIONS`);
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
  {"jwt": [proof]}}``): checks the proof (:mod:`core.services.issuer.proofs`) and answers
  ``{"credentials": [{"credential": SD_JWT}]}`` bound (``cnf.jwk``) to the proof's key;
- ``GET /status/1``: the issuer's Token Status List as a signed ``statuslist+jwt``
  (:mod:`core.services.issuer.status_registry`: 2 bits per credential, 0 valid,
  1 revoked, 2 suspended);
- ``POST /demo/offers/{id}/status`` (JSON ``{"status": "valid"|"revoked"|"suspended"}``):
  sets the status of the credentials issued for that offer. Revocation is final: making
  a revoked credential valid or suspended is refused (409, ``invalid_request``);
- ``GET /``: a page with the latest offer as a QR code (when segno is installed).

Every credential gets a random entry of the status list at issuance and carries
``status: {"status_list": {"idx", "uri"}}``. State lives in memory, per app; the clock
and the randomness are injectable.
"""

from __future__ import annotations

import base64
import html
import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import quote, urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from core.clock import Clock, SystemClock
from core.did.resolver import DidResolver
from core.errors import InvalidInput, IssuanceError, TesseraError
from core.keys import PrivateKey
from core.sdjwt.issuer import SdJwtIssuer
from core.services.issuer.configurations import (
    CONFIGURATIONS,
    CredentialConfiguration,
    mask_iban,
)
from core.services.issuer.http_io import Refusal, bearer, form_body, json_body, put_bounded
from core.services.issuer.proofs import check_proofs
from core.services.issuer.status_registry import (
    STATUS_LIST_SIZE,
    STATUS_LIST_TTL,
    STATUS_VALUES,
    StatusRegistry,
)
from core.status import MEDIA_TYPE

PRE_AUTHORIZED_GRANT: Final = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
OFFER_SCHEME: Final = "openid-credential-offer://"
TOKEN_TTL: Final = 300
NONCE_TTL: Final = 300
OFFER_TTL: Final = 3600
MAX_TX_CODE_FAILURES: Final = 3
CREDENTIAL_LIFETIME: Final = 365 * 24 * 3600


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


class _Issuer:
    """The endpoints, sharing one state. Built by :func:`create_issuer_app`."""

    def __init__(
        self,
        base_url: str,
        issuer_key: PrivateKey,
        clock: Clock,
        token: Callable[[], str],
        name: str,
        statuses: StatusRegistry,
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
        self.statuses = statuses

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
            body = await json_body(request)
            wanted = body.get("credential_configuration_id")
            configuration = self.configurations.get(wanted) if isinstance(wanted, str) else None
            if configuration is None:
                raise Refusal(
                    "invalid_request",
                    "credential_configuration_id must be one of " + ", ".join(self.configurations),
                )
            claims = body.get("claims", configuration.example)
            if not isinstance(claims, dict) or not claims:
                raise Refusal("invalid_request", "claims must be a non-empty JSON object")
            claims = dict(claims)
            if configuration.id == "bank_account" and isinstance(claims.get("iban"), str):
                claims.setdefault("account_display", mask_iban(claims["iban"]))
            tx_code = body.get("tx_code")
            if tx_code is not None and (
                not isinstance(tx_code, str) or not tx_code.isdigit() or not 4 <= len(tx_code) <= 12
            ):
                raise Refusal("invalid_request", "tx_code must be 4 to 12 digits")
            by_value = body.get("by_value", False)
            if not isinstance(by_value, bool):
                raise Refusal("invalid_request", "by_value must be true or false")
            # Fail now, not at the credential endpoint, when the claims cannot be issued.
            self.sd_jwt.issue(claims, disclosable=_disclosable(claims), vct=configuration.vct)
        except Refusal as refusal:
            return refusal.response()
        except TesseraError as exc:
            return Refusal("invalid_request", exc.message).response()
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
        put_bounded(self.state.offers, offer.id, offer)
        put_bounded(self.state.codes, offer.pre_authorized_code, offer)
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
            return self._token(await form_body(request))
        except Refusal as refusal:
            return refusal.response()

    def _token(self, form: Mapping[str, Any]) -> Response:
        if form.get("grant_type") != PRE_AUTHORIZED_GRANT:
            raise Refusal(
                "unsupported_grant_type", "only the pre-authorized code grant is supported"
            )
        code = form.get("pre-authorized_code")
        if not isinstance(code, str) or not code:
            raise Refusal("invalid_request", "pre-authorized_code is missing")
        offer = self.state.codes.get(code)
        if offer is None or offer.used or offer.expires_at <= self.clock.now():
            raise Refusal("invalid_grant", "the pre-authorized code is unknown, used or expired")
        if offer.tx_code is not None:
            given = form.get("tx_code")
            if not isinstance(given, str) or not secrets.compare_digest(
                given.encode(), offer.tx_code.encode()
            ):
                offer.failures += 1
                if offer.failures >= MAX_TX_CODE_FAILURES:
                    offer.used = True
                raise Refusal("invalid_grant", "the transaction code is wrong")
        offer.used = True
        access_token = self.token()
        put_bounded(self.state.tokens, access_token, _Token(offer, self.clock.now() + TOKEN_TTL))
        return JSONResponse(
            {"access_token": access_token, "token_type": "Bearer", "expires_in": TOKEN_TTL},
            headers={"Cache-Control": "no-store"},
        )

    async def nonce_endpoint(self, request: Request) -> Response:
        nonce = self.token()
        put_bounded(self.state.nonces, nonce, self.clock.now() + NONCE_TTL)
        return JSONResponse({"c_nonce": nonce}, headers={"Cache-Control": "no-store"})

    # --- credential ----------------------------------------------------------------------

    async def credential_endpoint(self, request: Request) -> Response:
        try:
            access = bearer(request)
            body = await json_body(request, "invalid_credential_request")
            # Looked up after the last await: no other request can use it in between.
            token = self.state.tokens.get(access)
            if token is None or token.used or token.expires_at <= self.clock.now():
                raise Refusal("invalid_token", "the access token is unknown, used or expired", 401)
            requested = body.get("credential_configuration_id")
            if not isinstance(requested, str):
                raise Refusal(
                    "invalid_credential_request", "credential_configuration_id is missing"
                )
            if requested != token.offer.configuration.id:
                raise Refusal(
                    "unknown_credential_configuration",
                    "that credential was not offered with this access token",
                )
            holder_key = check_proofs(
                body.get("proofs"),
                audience=self.base_url,
                now=self.clock.now(),
                nonces=self.state.nonces,
                resolver=self.resolver,
            )
            offer = token.offer
            index = self.statuses.allocate()
            issued = self.sd_jwt.issue(
                offer.claims,
                disclosable=_disclosable(offer.claims),
                holder_key=holder_key,
                vct=offer.configuration.vct,
                expires_in=CREDENTIAL_LIFETIME,
                status={"status_list": {"idx": index, "uri": self.statuses.uri}},
            )
        except Refusal as refusal:
            return refusal.response()
        except IssuanceError as exc:  # the status list is full
            return Refusal(exc.code, exc.message, 503).response()
        token.used = True
        offer.status_indexes.append(index)
        return JSONResponse(
            {"credentials": [{"credential": issued.sd_jwt}]},
            headers={"Cache-Control": "no-store"},
        )

    # --- status ------------------------------------------------------------------------

    async def status_list(self, request: Request) -> Response:
        token = self.statuses.publish(self.key, now=self.clock.now(), kid=self.kid)
        return Response(
            token,
            media_type=MEDIA_TYPE,
            headers={"Cache-Control": f"max-age={STATUS_LIST_TTL}"},
        )

    async def set_status(self, request: Request) -> Response:
        try:
            body = await json_body(request)
            offer = self.state.offers.get(request.path_params["offer_id"])
            if offer is None:
                return JSONResponse({"error": "not_found"}, status_code=404)
            wanted = body.get("status")
            if not isinstance(wanted, str) or wanted not in STATUS_VALUES:
                raise Refusal("invalid_request", "status must be valid, revoked or suspended")
            if not offer.status_indexes:
                raise Refusal("invalid_request", "no credential was issued for this offer yet")
            for index in offer.status_indexes:  # one: a pre-authorized code is used once
                self.statuses.set_status(index, wanted)
        except Refusal as refusal:
            return refusal.response()
        except InvalidInput as exc:  # status_revocation_final
            return Refusal("invalid_request", exc.message, 409).response()
        return JSONResponse({"id": offer.id, "status": wanted, "idx": offer.status_indexes})

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
    status_list_size: int = STATUS_LIST_SIZE,
) -> Starlette:
    """The demo issuer as a Starlette app; ``base_url`` is its credential issuer identifier.

    ``token`` makes offer ids, codes, access tokens and nonces (default: 128 random bits).
    The status list has ``status_list_size`` entries (``app.state.issuer.statuses``).
    Raises InvalidInput(invalid_status_list) for a size below 1.
    """
    statuses = StatusRegistry(f"{base_url.rstrip('/')}/status/1", status_list_size)
    issuer = _Issuer(
        base_url,
        issuer_key,
        clock or SystemClock(),
        token or (lambda: secrets.token_urlsafe(16)),
        name,
        statuses,
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
