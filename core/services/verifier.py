"""The demo verifier (OpenID4VP 1.0, cross-device, ``direct_post``) as a Starlette app.

    app = create_verifier_app(base_url="http://127.0.0.1:8000", clock=SystemClock())

Routes:

- ``POST /demo/requests`` ``{"dcql_query", "transaction_data"?, "purpose"?}`` →
  ``{"id", "request_uri"}``: a new request with a fresh ``nonce`` and ``state``;
  ``request_uri`` is the ``openid4vp://?client_id=…&request_uri=…`` link to show.
- ``GET /requests/{id}``: the request object (``application/oauth-authz-req+jwt``).
  With the ``redirect_uri`` prefix it is unsigned (``alg`` ``none``, as OpenID4VP 1.0
  §5.9.3 demands); with ``decentralized_identifier`` it is signed by the verifier's
  did:key, ``kid`` naming the key.
- ``POST /response``: the wallet's form-encoded ``vp_token`` and ``state``. Every
  presentation is checked by :class:`core.verifier.Verifier` against the request's
  nonce, the full ``client_id`` (prefix included) as audience and the transaction
  data naming its query, and must answer its DCQL credential query (a W3C query,
  ``jwt_vc_json`` or ``ldp_vc``, takes a VP-JWT or a Data Integrity presentation:
  :mod:`core.services.verifier_w3c`). A request is
  answered once: a second response (a replay) is refused and changes nothing.
- ``GET /demo/requests/{id}`` → ``{"status": "pending"|"verified"|"failed", "claims",
  "error"}``: ``claims`` (when verified) maps each credential query id to a list with
  the disclosed claims of each presentation (registered JWT claims such as ``iss``,
  ``cnf`` and ``vct`` left out); ``error`` (when failed) is a code: a
  :class:`core.errors.VerificationError` code, ``invalid_response`` or
  ``query_not_answered``.
- ``GET /requests/{id}/page``: an HTML page with the QR code of the link and the result.
- ``/shop``, ``/shop/checkout``, ``/shop/orders/{id}``, ``POST /demo/checkout``: a
  merchant checkout asking for a payment authorization (:mod:`core.services.merchant`).

``transaction_data`` given to ``POST /demo/requests`` must be what a wallet accepts
(:mod:`core.payments`); a presentation answering a query it names must confirm it.

Credentials carrying ``status.status_list`` are checked against their issuer's Token
Status List (:class:`core.status.StatusListChecker`, fetched over https or loopback
http): ``revoked`` and ``suspended`` fail. A list that cannot be fetched or verified
fails with ``status_unavailable`` unless ``on_status_unavailable="accept"``.

State lives in memory, in this app object only.
"""

from __future__ import annotations

import base64
import html
import json
import secrets
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal
from urllib.parse import parse_qsl, urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from core import jose
from core.clock import Clock
from core.dcql import Candidate, CredentialQuery, DcqlQuery, match, parse_dcql
from core.did import DidResolver, did_key_from_public_key
from core.did.web import Fetcher
from core.encoding import b64url_encode, compact_json, parse_json_object
from core.errors import (
    InvalidInput,
    MissingDependency,
    PresentationRequestError,
    VerificationError,
)
from core.keys import Ed25519PrivateKey, PrivateKey
from core.oid4vp import REQUEST_TYP
from core.payments import TransactionData, parse_all
from core.sdjwt.issuer import REGISTERED_CLAIMS
from core.services.merchant import Shop, shop_routes
from core.services.verifier_w3c import W3C_VP_FORMATS, verify_w3c_answer
from core.status import StatusListChecker
from core.vc.held import LDP_VC_FORMAT, W3C_FORMATS
from core.verifier import Verifier, VerifierPolicy

PREFIXES: Final = ("redirect_uri", "decentralized_identifier")
REQUEST_LIFETIME: Final = 600
MAX_BODY_BYTES: Final = 1024 * 1024


@dataclass
class _Request:
    id: str
    nonce: str
    state: str
    dcql: DcqlQuery
    transaction_data: tuple[str, ...]
    #: The credential query ids each ``transaction_data`` entry names, in the same order.
    confirming_queries: tuple[tuple[str, ...], ...]
    request_object: str
    link: str
    status: str = "pending"
    answered: bool = False
    claims: dict[str, list[dict[str, Any]]] | None = None
    error: str | None = None

    def summary(self) -> dict[str, Any]:
        return {"status": self.status, "claims": self.claims, "error": self.error}


class _Refused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class DemoVerifier:
    """The verifier's state and logic; :func:`create_verifier_app` puts HTTP around it.

    ``status_fetcher`` GETs status list tokens (default: :class:`core.did.fetch.HttpxFetcher`);
    ``on_status_unavailable`` is "reject" (default) or "accept". Raises InvalidInput for an
    unknown ``client_id_prefix`` or ``on_status_unavailable``.
    """

    def __init__(
        self,
        *,
        base_url: str,
        clock: Clock,
        client_id_prefix: str = "redirect_uri",
        verifier_key: PrivateKey | None = None,
        trusted_issuers: Sequence[str] | None = None,
        resolver: DidResolver | None = None,
        status_fetcher: Fetcher | None = None,
        on_status_unavailable: Literal["reject", "accept"] = "reject",
    ) -> None:
        if client_id_prefix not in PREFIXES:
            raise InvalidInput(f"client_id_prefix must be one of {', '.join(PREFIXES)}")
        status_checker = StatusListChecker(
            status_fetcher, clock=clock, on_unavailable=on_status_unavailable
        )
        self.base_url = base_url.rstrip("/")
        self.clock = clock
        self.response_uri = f"{self.base_url}/response"
        self.key = verifier_key
        self.did: str | None = None
        self.kid: str | None = None
        if client_id_prefix == "redirect_uri":
            self.client_id = f"redirect_uri:{self.response_uri}"
        else:
            self.key = verifier_key or Ed25519PrivateKey.generate()
            self.did = did_key_from_public_key(self.key.public_key)
            self.kid = f"{self.did}#{self.did.removeprefix('did:key:')}"
            self.client_id = f"decentralized_identifier:{self.did}"
        self.prefix = client_id_prefix
        self._resolver = resolver or DidResolver()  # W3C presentations use it too
        self._trusted = None if trusted_issuers is None else frozenset(trusted_issuers)
        policy = VerifierPolicy(trusted_issuers=self._trusted, status_checker=status_checker)
        self.verifier = Verifier(policy, clock=clock, resolver=self._resolver)
        self._requests: dict[str, _Request] = {}
        self._lock = threading.Lock()

    # --- requests ---------------------------------------------------------------------------

    def create(
        self, dcql_query: Any, transaction_data: Any = None, purpose: Any = None
    ) -> _Request:
        """A new request. Raises InvalidInput (invalid_dcql, bad transaction data)."""
        dcql = parse_dcql(dcql_query)
        entries = self._check_transaction_data(transaction_data, dcql)
        data = tuple(entry.raw for entry in entries)
        if purpose is not None and not isinstance(purpose, str):
            raise InvalidInput("purpose must be text")
        request_id = secrets.token_urlsafe(16)
        nonce, state = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        now = int(self.clock.now())
        claims: dict[str, Any] = {
            "client_id": self.client_id,
            "response_type": "vp_token",
            "response_mode": "direct_post",
            "response_uri": self.response_uri,
            "nonce": nonce,
            "state": state,
            "dcql_query": dcql_query,
            "client_metadata": {
                "client_name": "Tessera demo verifier",
                "vp_formats_supported": {
                    "dc+sd-jwt": {
                        "sd-jwt_alg_values": ["EdDSA", "ES256"],
                        "kb-jwt_alg_values": ["EdDSA", "ES256"],
                    },
                    **W3C_VP_FORMATS,
                },
            },
            "iat": now,
            "exp": now + REQUEST_LIFETIME,
        }
        if data:
            claims["transaction_data"] = list(data)
        if purpose:
            claims["purpose"] = purpose
        request_uri = f"{self.base_url}/requests/{request_id}"
        query = urlencode({"client_id": self.client_id, "request_uri": request_uri})
        link = f"openid4vp://?{query}"
        queries = tuple(entry.credential_ids for entry in entries)
        record = _Request(request_id, nonce, state, dcql, data, queries, self._sign(claims), link)
        with self._lock:
            self._requests[request_id] = record
        return record

    def _sign(self, claims: Mapping[str, Any]) -> str:
        if self.key is None or self.kid is None:
            # OpenID4VP 1.0 §5.9.3: redirect_uri requests MUST NOT be signed.
            header = {"alg": "none", "typ": REQUEST_TYP}
            return f"{b64url_encode(compact_json(header))}.{b64url_encode(compact_json(claims))}."
        return jose.sign_json(self.key, claims, header={"typ": REQUEST_TYP, "kid": self.kid})

    @staticmethod
    def _check_transaction_data(value: Any, dcql: DcqlQuery) -> tuple[TransactionData, ...]:
        """The entries, checked as a wallet will check them (a verifier should not ask for
        what no wallet may sign); each keeps its string exactly as given. Raises
        InvalidInput."""
        if value is None:
            return ()
        try:
            return parse_all(value, (query.id for query in dcql.credentials))
        except PresentationRequestError as exc:
            raise InvalidInput(exc.message) from exc

    def get(self, request_id: str) -> _Request | None:
        with self._lock:
            return self._requests.get(request_id)

    # --- responses --------------------------------------------------------------------------

    def receive(self, form: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
        """Handle one authorization response; (HTTP status, JSON body)."""
        with self._lock:
            record = next(
                (r for r in self._requests.values() if r.state == form.get("state")), None
            )
            if record is None:
                return 400, _error("no pending request has this state")
            if record.answered:
                return 400, _error("this request has already been answered (replay refused)")
            record.answered = True
        try:
            claims = self._verify(record, form.get("vp_token"))
        except _Refused as refused:
            with self._lock:
                record.status, record.error = "failed", refused.code
            return 400, _error(f"{refused.code}: {refused.message}")
        with self._lock:
            record.status, record.claims = "verified", claims
        return 200, {}

    def _verify(self, record: _Request, raw: str | None) -> dict[str, list[dict[str, Any]]]:
        try:
            token = parse_json_object(raw or "")
        except InvalidInput as exc:
            raise _Refused("invalid_response", "vp_token is not a JSON object") from exc
        answered = self._check_shape(record.dcql, token)
        claims: dict[str, list[dict[str, Any]]] = {}
        for query_id in answered:
            query = record.dcql.credential(query_id)
            data = [
                raw
                for raw, ids in zip(record.transaction_data, record.confirming_queries, strict=True)
                if query_id in ids
            ]
            for presentation in token[query_id]:
                if query.format in W3C_FORMATS:
                    claims.setdefault(query_id, []).append(
                        self._verify_w3c(presentation, query, record.nonce)
                    )
                    continue
                try:
                    result = self.verifier.verify(
                        presentation,
                        nonce=record.nonce,
                        audience=self.client_id,
                        transaction_data=data or None,
                    )
                except VerificationError as exc:
                    raise _Refused(exc.code, exc.message) from exc
                candidate = Candidate(
                    query_id, "dc+sd-jwt", result.vct, result.claims, result.key_binding is not None
                )
                if not match(DcqlQuery((query,)), [candidate]).satisfied:
                    raise _Refused(
                        "query_not_answered", f"the presentation does not answer '{query_id}'"
                    )
                shown = {k: v for k, v in result.claims.items() if k not in REGISTERED_CLAIMS}
                claims.setdefault(query_id, []).append(shown)
        return claims

    def _verify_w3c(self, presentation: Any, query: CredentialQuery, nonce: str) -> dict[str, Any]:
        """A W3C presentation (:mod:`core.services.verifier_w3c`). Raises _Refused."""
        try:
            answered, shown = verify_w3c_answer(
                presentation, query, nonce=nonce, audience=self.client_id,
                resolver=self._resolver, clock=self.clock, trusted_issuers=self._trusted,
            )
        except VerificationError as exc:
            raise _Refused(exc.code, exc.message) from exc
        if not answered:
            raise _Refused("query_not_answered", f"the presentation does not answer '{query.id}'")
        return shown

    @staticmethod
    def _check_shape(dcql: DcqlQuery, token: Mapping[str, Any]) -> list[str]:
        ids = [query.id for query in dcql.credentials]
        for query_id, value in token.items():
            if query_id not in ids:
                raise _Refused("invalid_response", f"vp_token answers unknown query {query_id!r}")
            if not isinstance(value, list) or not value:
                raise _Refused("invalid_response", "each vp_token value must be a non-empty array")
            objects = dcql.credential(query_id).format == LDP_VC_FORMAT  # JSON, B.1.3.2
            if not all(isinstance(item, str) or (objects and isinstance(item, dict))
                       for item in value):
                raise _Refused("invalid_response", "presentations must be strings")
            if len(value) > 1 and not dcql.credential(query_id).multiple:
                raise _Refused("invalid_response", f"query {query_id!r} allows one presentation")
        answered = set(token)
        if dcql.credential_sets is None:
            missing = [query_id for query_id in ids if query_id not in answered]
        else:
            missing = [
                "/".join(option[0] for option in each.options)
                for each in dcql.credential_sets
                if each.required and not any(set(option) <= answered for option in each.options)
            ]
        if missing:
            raise _Refused("invalid_response", f"no presentation for {', '.join(missing)}")
        return [query_id for query_id in ids if query_id in answered]


def _error(description: str) -> dict[str, Any]:
    return {"error": "invalid_request", "error_description": description}


# --- HTTP -------------------------------------------------------------------------------------


def _qr_data_uri(text: str) -> str | None:
    from core.qr import render_png

    try:
        return "data:image/png;base64," + base64.b64encode(render_png(text)).decode("ascii")
    except (MissingDependency, InvalidInput):
        return None


def _page(record: _Request) -> str:
    link = html.escape(record.link)
    image = _qr_data_uri(record.link)
    qr = f'<img alt="QR code of the request" src="{image}">' if image else ""
    result = html.escape(json.dumps(record.summary(), indent=2, ensure_ascii=False))
    refresh = '<meta http-equiv="refresh" content="2">' if record.status == "pending" else ""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Tessera demo verifier</title>{refresh}</head><body>"
        "<h1>Tessera demo verifier</h1>"
        "<p>Scan this code with your wallet, or open the link in it.</p>"
        f'{qr}<p><a href="{link}">{link}</a></p>'
        f"<h2>Result: {html.escape(record.status)}</h2><pre>{result}</pre>"
        "</body></html>"
    )


def create_verifier_app(
    *,
    base_url: str,
    clock: Clock,
    client_id_prefix: str = "redirect_uri",
    verifier_key: PrivateKey | None = None,
    trusted_issuers: Sequence[str] | None = None,
    on_status_unavailable: Literal["reject", "accept"] = "reject",
) -> Starlette:
    """The demo verifier app (routes in the module docstring). Raises InvalidInput for an
    unknown ``client_id_prefix`` or ``on_status_unavailable``."""
    verifier = DemoVerifier(
        base_url=base_url,
        clock=clock,
        client_id_prefix=client_id_prefix,
        verifier_key=verifier_key,
        trusted_issuers=trusted_issuers,
        on_status_unavailable=on_status_unavailable,
    )

    async def create(request: Request) -> Response:
        try:
            body = parse_json_object(await request.body())
            record = verifier.create(
                body.get("dcql_query"), body.get("transaction_data"), body.get("purpose")
            )
        except InvalidInput as exc:
            return JSONResponse({"error": exc.code, "message": exc.message}, status_code=400)
        return JSONResponse({"id": record.id, "request_uri": record.link}, status_code=201)

    def _found(request: Request) -> _Request | None:
        return verifier.get(str(request.path_params["id"]))

    async def status(request: Request) -> Response:
        record = _found(request)
        if record is None:
            return JSONResponse({"error": "not_found"}, status_code=404)
        return JSONResponse(record.summary())

    async def request_object(request: Request) -> Response:
        record = _found(request)
        if record is None:
            return Response("no such request", status_code=404, media_type="text/plain")
        return Response(record.request_object, media_type=f"application/{REQUEST_TYP}")

    async def page(request: Request) -> Response:
        record = _found(request)
        if record is None:
            return HTMLResponse("<p>No such request.</p>", status_code=404)
        return HTMLResponse(await run_in_threadpool(_page, record))

    async def response(request: Request) -> Response:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await request.body()
        if kind != "application/x-www-form-urlencoded" or len(body) > MAX_BODY_BYTES:
            return JSONResponse(_error("expected a form-encoded response"), status_code=400)
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            return JSONResponse(_error("the response is not UTF-8"), status_code=400)
        form = dict(pairs)
        if len(form) != len(pairs):
            return JSONResponse(_error("a parameter is repeated"), status_code=400)
        code, answer = await run_in_threadpool(verifier.receive, form)
        return JSONResponse(answer, status_code=code)

    async def home(request: Request) -> Response:
        return HTMLResponse(
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<title>Tessera demo verifier</title></head><body><h1>Tessera demo verifier</h1>"
            f"<p>Verifier: {html.escape(verifier.client_id)}</p>"
            "<p>Create a request with <code>POST /demo/requests</code> and open "
            "<code>/requests/ID/page</code>.</p></body></html>"
        )

    app = Starlette(
        routes=[
            Route("/", home, methods=["GET"]),
            Route("/demo/requests", create, methods=["POST"]),
            Route("/demo/requests/{id}", status, methods=["GET"]),
            Route("/requests/{id}", request_object, methods=["GET"]),
            Route("/requests/{id}/page", page, methods=["GET"]),
            Route("/response", response, methods=["POST"]),
            *shop_routes(Shop(verifier), _qr_data_uri),
        ]
    )
    app.state.verifier = verifier
    return app
