"""Receiving credentials with OpenID4VCI 1.0: the wallet side of the pre-authorized code flow.

Two entry points, for the command line and the app alike:

- :func:`describe_offer`: what an ``openid-credential-offer://`` link offers (the issuer,
  its display name, the credentials, whether a transaction code is needed), for the
  offer screen; reads the offer and the issuer metadata, stores nothing;
- :func:`receive`: the whole flow. Offer → issuer metadata → authorization server
  metadata → token request (pre-authorized code, ``tx_code``) → ``c_nonce`` from the
  Nonce Endpoint → proof JWT (``typ`` ``openid4vci-proof+jwt``, ``aud`` the credential
  issuer, no ``iss``; header ``kid`` naming the identity's DID verification method) →
  credential request (``proofs: {"jwt": [...]}``) → the SD-JWT VC from
  ``{"credentials": [{"credential": …}]}`` is checked and stored by
  :meth:`core.wallet.Wallet.import_credential`, with the issuer key from the issuer's
  ``/.well-known/jwt-vc-issuer`` fetched over the same client.

Every URL must be https, or http to a loopback host (:func:`core.did.fetch.check_fetch_url`);
redirects are not followed and answers are read up to :data:`MAX_RESPONSE_BYTES`.
Nothing is stored unless the very last step succeeds.

Errors: InvalidInput(``invalid_offer``) for a malformed offer or one Tessera cannot
follow, InvalidInput(``insecure_url``) for a refused URL, InvalidInput(``invalid_input``)
for a missing transaction code, IssuanceError with the issuer's OAuth error code
(``invalid_grant``, ``invalid_proof``, ``invalid_nonce``, ...) or ``issuer_unreachable``
/ ``invalid_issuer_response``, and what ``import_credential`` raises. The HTTP client
(``httpx.Client``) is passed in, or made per call and closed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qs, urlsplit

from core import jose
from core.credentials import StoredCredential
from core.did.fetch import check_fetch_url, is_loopback_host
from core.did.resolver import DidResolver
from core.errors import (
    ISSUANCE_CODES,
    InvalidInput,
    IssuanceError,
    TesseraError,
    VerificationError,
)
from core.identity import Identity
from core.sdjwt.issuer_keys import issuer_keys_from_jwks, jwt_vc_issuer_url

if TYPE_CHECKING:
    import httpx

    from core.wallet import Wallet

OFFER_SCHEME: Final = "openid-credential-offer"
PRE_AUTHORIZED_GRANT: Final = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
PROOF_TYP: Final = "openid4vci-proof+jwt"
#: Credential formats Tessera stores.
SD_JWT_FORMATS: Final = frozenset({"dc+sd-jwt", "vc+sd-jwt"})
MAX_OFFER_URI_CHARS: Final = 32 * 1024
MAX_RESPONSE_BYTES: Final = 1024 * 1024
TIMEOUT_SECONDS: Final = 10.0

_PLAIN_MESSAGES: Final[Mapping[str, str]] = {
    "invalid_grant": (
        "the issuer did not accept the offer: the transaction code is wrong, or the offer "
        "was already used or has expired"
    ),
    "invalid_proof": "the issuer did not accept the wallet's proof that it holds the key",
    "invalid_nonce": "the issuer says the wallet's proof was not fresh",
    "invalid_token": "the issuer did not accept the wallet's access token",
    "unsupported_grant_type": "the issuer does not support pre-authorized offers",
    "unknown_credential_configuration": "the issuer does not issue that credential here",
    "credential_request_denied": "the issuer refused to issue the credential",
}


def _invalid_offer(message: str) -> InvalidInput:
    return InvalidInput(message, code="invalid_offer")


def _bad_response(message: str) -> IssuanceError:
    return IssuanceError(message, code="invalid_issuer_response")


def _checked_url(url: Any, what: str) -> str:
    """``url`` if it is an https URL (or http on loopback) without a fragment."""
    if not isinstance(url, str) or not url:
        raise _invalid_offer(f"the {what} is missing or not a string")
    try:
        check_fetch_url(url)
    except TesseraError as exc:
        raise InvalidInput(
            f"the {what} {url!r} is refused: only https (or http to this computer) is allowed",
            code="insecure_url",
        ) from exc
    if "#" in url:
        raise _invalid_offer(f"the {what} must not have a fragment")
    return url


# --- offers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TxCode:
    """How the transaction code the issuer sends separately looks (OpenID4VCI §4.1.1)."""

    input_mode: str = "numeric"
    length: int | None = None
    description: str | None = None


@dataclass(frozen=True)
class CredentialOffer:
    """A credential offer object, validated (pre-authorized code grant only)."""

    credential_issuer: str
    credential_configuration_ids: tuple[str, ...]
    pre_authorized_code: str
    tx_code: TxCode | None
    authorization_server: str | None = None

    @classmethod
    def from_json(cls, value: Any) -> CredentialOffer:
        """Raises InvalidInput(invalid_offer | insecure_url)."""
        if not isinstance(value, dict):
            raise _invalid_offer("a credential offer must be a JSON object")
        issuer = _checked_url(value.get("credential_issuer"), "credential issuer")
        if urlsplit(issuer).query:
            raise _invalid_offer("a credential issuer identifier has no query")
        ids = value.get("credential_configuration_ids")
        if (
            not isinstance(ids, list)
            or not ids
            or not all(isinstance(i, str) and i for i in ids)
            or len(set(ids)) != len(ids)
        ):
            raise _invalid_offer("credential_configuration_ids must be a list of distinct names")
        grants = value.get("grants")
        if grants is None:
            grants = {}
        if not isinstance(grants, dict):
            raise _invalid_offer("grants must be a JSON object")
        grant = grants.get(PRE_AUTHORIZED_GRANT)
        if grant is None:
            raise _invalid_offer(
                "this offer needs signing in at the issuer (the authorization code flow), "
                "which Tessera does not support yet"
            )
        if not isinstance(grant, dict):
            raise _invalid_offer("the pre-authorized code grant must be a JSON object")
        code = grant.get("pre-authorized_code")
        if not isinstance(code, str) or not code:
            raise _invalid_offer("the offer has no pre-authorized code")
        server = grant.get("authorization_server")
        if server is not None:
            server = _checked_url(server, "authorization server")
        return cls(issuer, tuple(ids), code, _tx_code(grant.get("tx_code")), server)

    def to_json(self) -> dict[str, Any]:
        grant: dict[str, Any] = {"pre-authorized_code": self.pre_authorized_code}
        if self.tx_code is not None:
            grant["tx_code"] = {
                k: v
                for k, v in (
                    ("input_mode", self.tx_code.input_mode),
                    ("length", self.tx_code.length),
                    ("description", self.tx_code.description),
                )
                if v is not None
            }
        if self.authorization_server is not None:
            grant["authorization_server"] = self.authorization_server
        return {
            "credential_issuer": self.credential_issuer,
            "credential_configuration_ids": list(self.credential_configuration_ids),
            "grants": {PRE_AUTHORIZED_GRANT: grant},
        }


def _tx_code(value: Any) -> TxCode | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _invalid_offer("tx_code must be a JSON object")
    mode = value.get("input_mode", "numeric")
    if mode not in ("numeric", "text"):
        raise _invalid_offer("tx_code input_mode must be 'numeric' or 'text'")
    length = value.get("length")
    if length is not None and (
        not isinstance(length, int) or isinstance(length, bool) or not 1 <= length <= 64
    ):
        raise _invalid_offer("tx_code length must be a number from 1 to 64")
    description = value.get("description")
    if description is not None and (not isinstance(description, str) or len(description) > 300):
        raise _invalid_offer("tx_code description must be text of at most 300 characters")
    return TxCode(mode, length, description)


@dataclass(frozen=True)
class OfferLink:
    """A parsed offer link: the offer itself (by value) or where to fetch it (by reference)."""

    offer: CredentialOffer | None = None
    offer_uri: str | None = None


def parse_offer_uri(uri: Any) -> OfferLink:
    """Parse ``openid-credential-offer://?credential_offer=…`` or ``…?credential_offer_uri=…``.

    Exactly one of the two parameters, once, and nothing else. Raises
    InvalidInput(invalid_offer | insecure_url).
    """
    if not isinstance(uri, str):
        raise _invalid_offer("a credential offer link must be text")
    uri = uri.strip()
    if len(uri) > MAX_OFFER_URI_CHARS:
        raise _invalid_offer("the credential offer link is too long")
    if not uri:
        raise _invalid_offer("the credential offer link is empty")
    try:
        parts = urlsplit(uri)
    except ValueError as exc:
        raise _invalid_offer("that is not a credential offer link") from exc
    if parts.scheme.lower() != OFFER_SCHEME:
        raise _invalid_offer(f"a credential offer link starts with {OFFER_SCHEME}://")
    if parts.netloc or parts.path not in ("", "/") or parts.fragment:
        raise _invalid_offer("a credential offer link carries only its query")
    try:
        query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    except ValueError as exc:
        raise _invalid_offer("the credential offer link's query is malformed") from exc
    names = set(query)
    if names not in ({"credential_offer"}, {"credential_offer_uri"}):
        raise _invalid_offer(
            "a credential offer link has exactly one of credential_offer and credential_offer_uri"
        )
    (name,) = names
    values = query[name]
    if len(values) != 1 or not values[0]:
        raise _invalid_offer(f"{name} must be given once, not empty")
    if name == "credential_offer_uri":
        return OfferLink(offer_uri=_checked_url(values[0], "credential offer URL"))
    try:
        value = json.loads(values[0])
    except ValueError as exc:
        raise _invalid_offer("the credential offer in the link is not JSON") from exc
    return OfferLink(offer=CredentialOffer.from_json(value))


# --- HTTP -----------------------------------------------------------------------------------


@contextmanager
def _client(http: httpx.Client | None, url: str) -> Iterator[httpx.Client]:
    if http is not None:
        yield http
        return
    import httpx

    loopback = is_loopback_host(urlsplit(url).hostname or "")
    with httpx.Client(
        timeout=TIMEOUT_SECONDS, follow_redirects=False, trust_env=not loopback
    ) as client:
        yield client


def _call(
    http: httpx.Client,
    method: str,
    url: str,
    *,
    what: str,
    data: Mapping[str, str] | None = None,
    body: Any = None,
    token: str | None = None,
) -> dict[str, Any]:
    """Send one request; the JSON object answered. Errors become IssuanceError."""
    import httpx

    headers = {"Accept": "application/json", "Accept-Encoding": "identity"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    try:
        request = http.build_request(method, url, headers=headers, data=data, json=body)
        response = http.send(request, stream=True)
        try:
            raw = _read_bounded(response, what)
        finally:
            response.close()
    except httpx.HTTPError as exc:
        raise IssuanceError(
            f"could not reach the issuer for the {what} ({type(exc).__name__})",
            code="issuer_unreachable",
        ) from exc
    try:
        answer = json.loads(raw) if raw else None
    except ValueError:
        answer = None
    if response.status_code >= 400:
        raise _issuer_error(response.status_code, answer, what)
    if not 200 <= response.status_code < 300:
        raise _bad_response(f"the issuer answered HTTP {response.status_code} for the {what}")
    if not isinstance(answer, dict):
        raise _bad_response(f"the issuer's {what} is not a JSON object")
    return answer


def _read_bounded(response: httpx.Response, what: str) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_RESPONSE_BYTES:
        raise _bad_response(f"the issuer's {what} is too large")
    data = bytearray()
    for chunk in response.iter_bytes():
        data += chunk
        if len(data) > MAX_RESPONSE_BYTES:
            raise _bad_response(f"the issuer's {what} is too large")
    return bytes(data)


def _printable(text: str, limit: int = 200) -> str:
    cleaned = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    return cleaned[:limit] + ("…" if len(cleaned) > limit else "")


def _issuer_error(status: int, answer: Any, what: str) -> IssuanceError:
    error = answer.get("error") if isinstance(answer, dict) else None
    description = answer.get("error_description") if isinstance(answer, dict) else None
    if not isinstance(error, str) or error not in ISSUANCE_CODES:
        return _bad_response(f"the issuer refused the {what} (HTTP {status})")
    message = _PLAIN_MESSAGES.get(error, f"the issuer refused the {what} ({error})")
    if isinstance(description, str) and description.strip():
        message += f" (the issuer says: {_printable(description)})"
    return IssuanceError(message, code=error)


def _well_known(url: str, name: str) -> str:
    """``/.well-known/NAME`` between the host and the path of ``url`` (RFC 8414 §3)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/.well-known/{name}{parts.path.rstrip('/')}"


# --- metadata ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferedCredential:
    """One credential in an offer, as the issuer describes it."""

    configuration_id: str
    name: str
    format: str | None
    vct: str | None
    #: Display names of the claims the issuer lists, in its order.
    claims: tuple[str, ...]


@dataclass(frozen=True)
class OfferSummary:
    """What the offer screen shows."""

    issuer: str
    issuer_name: str
    credentials: tuple[OfferedCredential, ...]
    tx_code: TxCode | None

    @property
    def needs_tx_code(self) -> bool:
        return self.tx_code is not None


def _display_name(entry: Mapping[str, Any], fallback: str) -> str:
    displays = entry.get("display")
    if isinstance(displays, list):
        for display in displays:
            if isinstance(display, dict) and isinstance(display.get("name"), str):
                return _printable(display["name"], 100)
    return fallback


def _offered(configuration_id: str, entry: Any) -> OfferedCredential:
    if not isinstance(entry, dict):
        raise _bad_response(f"the issuer does not describe the credential {configuration_id!r}")
    metadata = entry.get("credential_metadata")
    metadata = metadata if isinstance(metadata, dict) else entry  # drafts kept it top level
    claims: list[str] = []
    listed = metadata.get("claims")
    if isinstance(listed, list):
        for claim in listed:
            if isinstance(claim, dict):
                path = claim.get("path")
                fallback = ".".join(str(p) for p in path) if isinstance(path, list) else "?"
                claims.append(_display_name(claim, fallback))
    format_ = entry.get("format")
    vct = entry.get("vct")
    return OfferedCredential(
        configuration_id=configuration_id,
        name=_display_name(metadata, configuration_id),
        format=format_ if isinstance(format_, str) else None,
        vct=vct if isinstance(vct, str) else None,
        claims=tuple(claims),
    )


@dataclass(frozen=True)
class _Issuer:
    offer: CredentialOffer
    metadata: dict[str, Any]
    summary: OfferSummary


def _load(http: httpx.Client, link: OfferLink) -> _Issuer:
    offer = link.offer
    if offer is None:
        assert link.offer_uri is not None
        offer = CredentialOffer.from_json(_call(http, "GET", link.offer_uri, what="offer"))
    metadata = _call(
        http,
        "GET",
        _well_known(offer.credential_issuer, "openid-credential-issuer"),
        what="issuer metadata",
    )
    if metadata.get("credential_issuer") != offer.credential_issuer:
        raise _bad_response("the issuer metadata is for another issuer than the offer names")
    supported = metadata.get("credential_configurations_supported")
    if not isinstance(supported, dict):
        raise _bad_response("the issuer metadata lists no credentials")
    offered = []
    for configuration_id in offer.credential_configuration_ids:
        if configuration_id not in supported:
            raise _invalid_offer(
                f"the offer names a credential the issuer does not describe: {configuration_id!r}"
            )
        offered.append(_offered(configuration_id, supported[configuration_id]))
    summary = OfferSummary(
        issuer=offer.credential_issuer,
        issuer_name=_display_name(metadata, urlsplit(offer.credential_issuer).netloc),
        credentials=tuple(offered),
        tx_code=offer.tx_code,
    )
    return _Issuer(offer, metadata, summary)


def describe_offer(offer_uri: str, http: httpx.Client | None = None) -> OfferSummary:
    """What the offer at ``offer_uri`` gives (fetching the offer and issuer metadata).

    Raises as the module docstring says.
    """
    link = parse_offer_uri(offer_uri)
    with _client(http, link.offer_uri or (link.offer.credential_issuer if link.offer else "")) as c:
        return _load(c, link).summary


# --- the flow --------------------------------------------------------------------------------


def _choose_identity(wallet: Wallet, did: str | None, algorithms: Any) -> Identity:
    allowed = set(algorithms) if isinstance(algorithms, list) else None
    if did is not None:
        identity = wallet.identities.get(did)
        if allowed is not None and identity.alg not in allowed:
            raise _invalid_offer(
                f"the issuer does not accept keys of type {identity.alg}; choose another identity"
            )
        return identity
    identities = wallet.identities.all()
    if not identities:
        raise InvalidInput("the wallet has no identity yet: create one with 'tessera did new'")
    for identity in identities:
        if allowed is None or identity.alg in allowed:
            return identity
    raise _invalid_offer("none of your identities has a key type the issuer accepts")


def _verification_method(did: str) -> str:
    """The DID URL of the identity's (single) signing key, for the proof's ``kid``."""
    document = DidResolver().resolve(did)
    methods = document.methods_for("authentication") or document.all_methods()
    if not methods:
        raise InvalidInput(f"{did} has no key to sign with")
    return methods[0].id


def _proof_algorithms(entry: Mapping[str, Any]) -> Any:
    proof_types = entry.get("proof_types_supported")
    if proof_types is None:
        return None
    jwt = proof_types.get("jwt") if isinstance(proof_types, dict) else None
    if not isinstance(jwt, dict):
        raise _invalid_offer("the issuer does not accept proofs of key possession as JWTs")
    return jwt.get("proof_signing_alg_values_supported")


def _token_endpoint(http: httpx.Client, issuer: _Issuer) -> str:
    server = issuer.offer.authorization_server
    servers = issuer.metadata.get("authorization_servers")
    if server is None and isinstance(servers, list) and servers:
        server = servers[0]
    server = _checked_url(server or issuer.offer.credential_issuer, "authorization server")
    metadata = _call(
        http,
        "GET",
        _well_known(server, "oauth-authorization-server"),
        what="authorization server metadata",
    )
    if metadata.get("issuer") != server:
        raise _bad_response("the authorization server metadata names another server")
    try:
        return _checked_url(metadata.get("token_endpoint"), "token endpoint")
    except InvalidInput as exc:
        raise _bad_response(exc.message) from exc


def _endpoint(metadata: Mapping[str, Any], name: str) -> str:
    try:
        return _checked_url(metadata.get(name), name.replace("_", " "))
    except InvalidInput as exc:
        raise _bad_response(exc.message) from exc


def _unverified_payload(credential: str) -> dict[str, Any]:
    try:
        jws = jose.parse(credential.split("~", 1)[0])
        payload = json.loads(jws.payload)
    except (TesseraError, ValueError) as exc:
        raise _bad_response("the issuer sent something that is not an SD-JWT VC") from exc
    if not isinstance(payload, dict):
        raise _bad_response("the issuer sent something that is not an SD-JWT VC")
    return payload


def _issuer_keys(http: httpx.Client, issuer: str) -> Any:
    try:
        url = jwt_vc_issuer_url(issuer)
    except VerificationError as exc:
        raise _bad_response(exc.message) from exc
    metadata = _call(http, "GET", url, what="signing keys")
    if metadata.get("issuer") != issuer or not isinstance(metadata.get("jwks"), dict):
        raise _bad_response("the issuer publishes no signing keys for itself")
    try:
        return issuer_keys_from_jwks(issuer, metadata["jwks"])
    except InvalidInput as exc:
        raise _bad_response(f"the issuer's signing keys are unusable: {exc.message}") from exc


def receive(
    wallet: Wallet,
    offer_uri: str,
    *,
    tx_code: str | None = None,
    http: httpx.Client | None = None,
    did: str | None = None,
    configuration_id: str | None = None,
) -> StoredCredential:
    """Run the pre-authorized code flow for ``offer_uri`` and store the credential.

    ``did`` picks the identity the credential is bound to (default: the oldest one whose
    key type the issuer accepts); ``configuration_id`` picks one of several offered
    credentials (default: the first). The wallet must be unlocked. Raises as the module
    docstring says; nothing is stored then.
    """
    link = parse_offer_uri(offer_uri)
    if tx_code is not None and (not tx_code.strip() or len(tx_code) > 64):
        raise InvalidInput("the transaction code must be 1 to 64 characters")
    start = link.offer_uri or (link.offer.credential_issuer if link.offer else "")
    with _client(http, start) as client:
        issuer = _load(client, link)
        offer = issuer.offer
        chosen = configuration_id or offer.credential_configuration_ids[0]
        if chosen not in offer.credential_configuration_ids:
            raise InvalidInput(f"the offer has no credential {chosen!r}")
        entry = issuer.metadata["credential_configurations_supported"][chosen]
        if entry.get("format") not in SD_JWT_FORMATS:
            raise _invalid_offer(
                f"the offered credential's format {entry.get('format')!r} is not one "
                "Tessera can store (SD-JWT VC)"
            )
        if offer.tx_code is not None and tx_code is None:
            raise InvalidInput("this offer needs the transaction code the issuer sent you")
        identity = _choose_identity(wallet, did, _proof_algorithms(entry))
        credential_endpoint = _endpoint(issuer.metadata, "credential_endpoint")
        nonce_endpoint = (
            _endpoint(issuer.metadata, "nonce_endpoint")
            if "nonce_endpoint" in issuer.metadata
            else None
        )

        form = {
            "grant_type": PRE_AUTHORIZED_GRANT,
            "pre-authorized_code": offer.pre_authorized_code,
        }
        if offer.tx_code is not None and tx_code is not None:
            form["tx_code"] = tx_code
        token = _call(client, "POST", _token_endpoint(client, issuer), what="token", data=form)
        access_token = token.get("access_token")
        if not isinstance(access_token, str) or not access_token:
            raise _bad_response("the issuer's token answer has no access_token")

        claims: dict[str, Any] = {"aud": offer.credential_issuer, "iat": int(wallet.clock.now())}
        if nonce_endpoint is not None:
            nonce = _call(client, "POST", nonce_endpoint, what="nonce").get("c_nonce")
            if not isinstance(nonce, str) or not nonce:
                raise _bad_response("the issuer's nonce answer has no c_nonce")
            claims["nonce"] = nonce
        header = {"typ": PROOF_TYP, "kid": _verification_method(identity.did)}
        proof = jose.sign_json(wallet.identities.private_key(identity.did), claims, header=header)

        answer = _call(
            client,
            "POST",
            credential_endpoint,
            what="credential",
            body={"credential_configuration_id": chosen, "proofs": {"jwt": [proof]}},
            token=access_token,
        )
        credentials = answer.get("credentials")
        if "transaction_id" in answer and credentials is None:
            raise _bad_response(
                "the issuer will issue later (deferred), which Tessera cannot wait for yet"
            )
        if (
            not isinstance(credentials, list)
            or not credentials
            or not isinstance(credentials[0], dict)
            or not isinstance(credentials[0].get("credential"), str)
        ):
            raise _bad_response('the issuer\'s answer has no {"credentials": [{"credential": …}]}')
        credential: str = credentials[0]["credential"]
        payload = _unverified_payload(credential)
        if payload.get("iss") != offer.credential_issuer:
            raise _bad_response("the credential names another issuer than the offer")
        if isinstance(entry.get("vct"), str) and payload.get("vct") != entry["vct"]:
            raise _bad_response("the credential is of another type than the one offered")
        keys = _issuer_keys(client, offer.credential_issuer)
    return wallet.import_credential(credential, issuer_keys=keys)
