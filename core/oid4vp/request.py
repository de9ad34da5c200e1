"""Reading OpenID4VP 1.0 requests: the ``openid4vp://`` link, the ``client_id`` prefix and
the request object (see :mod:`core.oid4vp` for the rules). Errors are
PresentationRequestError unless said otherwise."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qsl, urlsplit

from core import jose
from core.clock import Clock, SystemClock
from core.dcql import DcqlQuery, parse_dcql
from core.did import DidResolver, parse_did, parse_did_url
from core.did.fetch import is_loopback_host
from core.encoding import b64url_decode, parse_json_object
from core.errors import InvalidInput, PresentationRequestError, VerificationError
from core.payments import TransactionData, parse_all

if TYPE_CHECKING:
    import httpx

SCHEME: Final = "openid4vp"
REQUEST_TYP: Final = "oauth-authz-req+jwt"
PREFIXES: Final = ("redirect_uri", "decentralized_identifier")
#: Signature algorithms accepted on signed request objects (never ``none``).
REQUEST_ALGORITHMS: Final = frozenset({"EdDSA", "ES256"})
MAX_URI_CHARS: Final = 16 * 1024
MAX_REQUEST_BYTES: Final = 256 * 1024
DEFAULT_TIMEOUT: Final = 10.0


def refusal(message: str, code: str = "invalid_request") -> PresentationRequestError:
    """The error for a request Tessera will not answer (``code`` from the errors module)."""
    return PresentationRequestError(message, code=code)


# --- the link -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestLink:
    """An ``openid4vp://`` link, parsed; nothing in it is trusted yet."""

    client_id: str
    request_uri: str | None = None
    request: str | None = None


def check_endpoint(url: Any, what: str, code: str = "invalid_request") -> str:
    """``url`` if it is an absolute https URL (or http to a loopback host).

    Raises PresentationRequestError: ``code`` for something that is not such a URL,
    insecure_url for plain http to another machine.
    """
    try:
        parts = urlsplit(url) if isinstance(url, str) else None
        host = parts.hostname if parts else None
        if parts is not None:
            parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        parts = None
    if parts is None or not host or parts.scheme not in ("https", "http") or parts.fragment:
        raise refusal(f"the {what} is not a usable https URL", code)
    if parts.username is not None or parts.password is not None:
        raise refusal(f"the {what} must not carry a user name or password", code)
    if parts.scheme == "http" and not is_loopback_host(host):
        raise refusal(
            f"the {what} ({url}) uses plain http to another machine; only https is accepted",
            "insecure_url",
        )
    return str(url)


def parse_request_uri(uri: str) -> RequestLink:
    """Read an ``openid4vp://`` link. Raises PresentationRequestError: invalid_request_uri
    (not such a link, repeated or missing parameters, both or neither of ``request`` and
    ``request_uri``), unsupported_client_id_prefix, insecure_url."""
    bad = "invalid_request_uri"
    if not isinstance(uri, str) or not uri.strip():
        raise refusal("the request link is empty", bad)
    uri = uri.strip()
    if len(uri) > MAX_URI_CHARS or not uri.isascii() or any(c.isspace() for c in uri):
        raise refusal("that is not an openid4vp:// request link", bad)
    parts = urlsplit(uri)
    if parts.scheme.lower() != SCHEME or parts.netloc not in ("", "authorize"):
        raise refusal("that is not an openid4vp:// request link", bad)
    if parts.path not in ("", "/") or parts.fragment or not parts.query:
        raise refusal("the openid4vp:// link has no request parameters where they belong", bad)
    try:
        pairs = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=True)
    except ValueError as exc:
        raise refusal("the openid4vp:// link's parameters are garbled", bad) from exc
    params: dict[str, str] = {}
    for name, value in pairs:
        if name in params:
            raise refusal(f"the openid4vp:// link repeats '{name}'", bad)
        params[name] = value
    client_id = params.get("client_id", "")
    if not client_id:
        raise refusal("the openid4vp:// link does not say which verifier asks (client_id)", bad)
    split_client_id(client_id)
    request_uri, request = params.get("request_uri"), params.get("request")
    if (request_uri is None) == (request is None):
        raise refusal(
            "the openid4vp:// link must carry exactly one of request_uri and request "
            "(requests as plain parameters are not accepted)",
            bad,
        )
    if params.get("request_uri_method", "get") not in ("get", "post"):
        raise refusal("the openid4vp:// link asks for an unknown request_uri_method", bad)
    if request_uri is not None:
        check_endpoint(request_uri, "request_uri", bad)
    elif not request:
        raise refusal("the openid4vp:// link carries an empty request", bad)
    return RequestLink(client_id, request_uri, request)


def split_client_id(client_id: str) -> tuple[str, str]:
    """(prefix, identifier) of a supported ``client_id``.

    Raises PresentationRequestError(unsupported_client_id_prefix) for any prefix other
    than ``redirect_uri`` and ``decentralized_identifier`` (and for a client_id without
    one: Tessera knows no pre-registered verifiers); invalid_request_uri when the
    identifier after a supported prefix is not a URL or a DID.
    """
    prefix, colon, identifier = client_id.partition(":")
    if not colon or prefix not in PREFIXES:
        shown = prefix if colon else "(none)"
        raise refusal(
            f"the verifier identifies itself with the client_id prefix {shown!r}, which "
            f"Tessera does not support (only {', '.join(PREFIXES)})",
            "unsupported_client_id_prefix",
        )
    if prefix == "redirect_uri":
        check_endpoint(identifier, "verifier's URL (client_id)", "invalid_request_uri")
    else:
        try:
            parse_did(identifier)
        except InvalidInput as exc:
            raise refusal(
                f"the verifier's client_id is not a DID: {exc.message}", "invalid_request_uri"
            ) from exc
    return prefix, identifier


# --- the request object ------------------------------------------------------------------


@dataclass(frozen=True)
class AuthorizationRequest:
    """A validated OpenID4VP request. ``verified`` says whether the verifier's identity
    (``verifier``) was proven by a signature; ``verifier_name`` and ``purpose`` are the
    verifier's own words, never checked."""

    client_id: str
    client_id_prefix: str
    verifier: str
    verified: bool
    response_uri: str
    nonce: str
    state: str | None
    dcql: DcqlQuery
    #: The ``transaction_data`` entries, checked (:mod:`core.payments`); each keeps its
    #: string exactly as received.
    transactions: tuple[TransactionData, ...] = ()
    verifier_name: str | None = None
    purpose: str | None = None
    claims: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @property
    def transaction_data(self) -> tuple[str, ...]:
        """The ``transaction_data`` strings exactly as received."""
        return tuple(entry.raw for entry in self.transactions)

    def transactions_for(self, query_id: str) -> tuple[str, ...]:
        """The strings a presentation answering ``query_id`` must confirm."""
        return tuple(entry.raw for entry in self.transactions if query_id in entry.credential_ids)

    def describe_verifier(self) -> str:
        """Who asks, in words, saying how sure that is."""
        name = f"{self.verifier_name} " if self.verifier_name else ""
        if self.verified:
            return f"{name}({self.verifier}; the request is signed by this DID)"
        return f"{name}({self.verifier}; not verified: anyone able to serve that URL)"


def _json_segment(segment: str, what: str) -> dict[str, Any]:
    try:
        return parse_json_object(b64url_decode(segment))
    except InvalidInput as exc:
        raise refusal(f"the request object's {what} is not valid: {exc.message}") from exc


def _read_unsigned(token: str) -> dict[str, Any]:
    """The payload of an unsecured request object (RFC 7519 §6: ``alg`` ``none``, empty
    signature). OpenID4VP 1.0 §5.9.3: with the ``redirect_uri`` prefix "the Authorization
    Request MUST NOT be signed", and fetched by reference it is still a JWT whose ``typ``
    is ``oauth-authz-req+jwt`` (§5.10, RFC 9101). This is the only place Tessera reads
    ``alg: none``, and only for that prefix; nothing here is treated as verified."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0] or parts[2]:
        raise refusal("a request from a redirect_uri verifier must be an unsigned JWT")
    header = _json_segment(parts[0], "header")
    if header.get("alg") != "none":
        raise refusal("a request from a redirect_uri verifier must not be signed (alg none)")
    if header.get("typ") != REQUEST_TYP:
        raise refusal(f"the request object's typ must be {REQUEST_TYP}")
    return _json_segment(parts[1], "payload")


def _read_signed(token: str, did: str, resolver: DidResolver) -> dict[str, Any]:
    """The payload of a request object signed by a key of ``did`` (OpenID4VP 1.0 §5.9.3,
    ``decentralized_identifier``: the ``kid`` names the key in the DID document).

    Raises PresentationRequestError(invalid_request), VerificationError, ResolutionError.
    """
    try:
        jws = jose.parse(token, max_chars=MAX_REQUEST_BYTES)
    except VerificationError as exc:
        raise refusal(f"the signed request object is malformed: {exc.message}") from exc
    if jws.header.get("typ") != REQUEST_TYP:
        raise refusal(f"the request object's typ must be {REQUEST_TYP}")
    kid = jws.kid
    if kid is None:
        raise refusal("the signed request object does not name its key (kid)")
    try:
        named = str(parse_did_url(kid).did)
    except InvalidInput as exc:
        raise refusal(f"the request object's kid is not a DID URL: {exc.message}") from exc
    if named != did:
        raise refusal("the request object is signed by a key of another DID than the client_id")
    key = resolver.resolve_key(kid)
    return jose.verify(jws, key, algorithms=REQUEST_ALGORITHMS).payload_json()


def _text(claims: Mapping[str, Any], name: str, *, required: bool = True) -> str | None:
    value = claims.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value or len(value) > 2048:
        raise refusal(f"the request's '{name}' is missing or not a short text")
    return value


def _transactions(value: Any, dcql: DcqlQuery, clock: Clock) -> tuple[TransactionData, ...]:
    """Every entry checked before anything else happens: an unknown type is refused here,
    long before anything could be signed."""
    if value is None:
        return ()
    return parse_all(value, (query.id for query in dcql.credentials), now=clock.now())


def _build(
    link: RequestLink, claims: Mapping[str, Any], verified: bool, clock: Clock
) -> AuthorizationRequest:
    prefix, identifier = split_client_id(link.client_id)
    if claims.get("client_id") != link.client_id:
        raise refusal("the request object names another verifier than the link (client_id)")
    if claims.get("response_type") != "vp_token":
        raise refusal("the request must ask for a vp_token (response_type)")
    if claims.get("response_mode") != "direct_post":
        raise refusal("only response_mode direct_post is supported")
    if "redirect_uri" in claims:
        raise refusal("a direct_post request must not carry a redirect_uri")
    response_uri = check_endpoint(claims.get("response_uri"), "response_uri")
    if prefix == "redirect_uri" and response_uri != identifier:
        raise refusal("the response_uri must be the verifier's own URL from its client_id")
    expires = claims.get("exp")
    if isinstance(expires, int | float) and not isinstance(expires, bool):
        if expires < clock.now():
            raise refusal("the request has expired; ask the verifier for a new one")
    elif expires is not None:
        raise refusal("the request's 'exp' must be a number")
    if "dcql_query" not in claims:
        raise refusal("the request has no dcql_query (Tessera answers only DCQL queries)")
    dcql = parse_dcql(claims["dcql_query"])
    metadata = claims.get("client_metadata")
    name = metadata.get("client_name") if isinstance(metadata, Mapping) else None
    purpose = claims.get("purpose")
    return AuthorizationRequest(
        client_id=link.client_id,
        client_id_prefix=prefix,
        verifier=identifier,
        verified=verified,
        response_uri=response_uri,
        nonce=str(_text(claims, "nonce")),
        state=_text(claims, "state", required=False),
        dcql=dcql,
        transactions=_transactions(claims.get("transaction_data"), dcql, clock),
        verifier_name=name if isinstance(name, str) and name else None,
        purpose=purpose if isinstance(purpose, str) and purpose else None,
        claims=dict(claims),
    )


def read_request(
    link: RequestLink,
    token: str,
    *,
    resolver: DidResolver | None = None,
    clock: Clock | None = None,
) -> AuthorizationRequest:
    """Check a request object for ``link`` (see the module docstring); raises as it says."""
    token = token.strip()
    if len(token) > MAX_REQUEST_BYTES:
        raise refusal("the request object is too large")
    prefix, identifier = split_client_id(link.client_id)
    if prefix == "redirect_uri":
        claims, verified = _read_unsigned(token), False
    else:
        claims, verified = _read_signed(token, identifier, resolver or DidResolver()), True
    return _build(link, claims, verified, clock or SystemClock())


def fetch_request(
    uri: str,
    http: httpx.Client,
    *,
    resolver: DidResolver | None = None,
    clock: Clock | None = None,
) -> AuthorizationRequest:
    """Parse ``uri``, fetch its request object (GET ``request_uri``) and check it.

    Raises PresentationRequestError (verifier_unreachable, request_fetch_failed and the
    codes of :func:`parse_request_uri` and :func:`read_request`), InvalidInput
    (invalid_dcql), VerificationError, ResolutionError.
    """
    link = parse_request_uri(uri)
    token = link.request
    if link.request_uri is not None:
        token = _get(http, link.request_uri)
    return read_request(link, str(token), resolver=resolver, clock=clock)


def _get(http: httpx.Client, url: str) -> str:
    import httpx

    headers = {"Accept": f"application/{REQUEST_TYP}, application/jwt;q=0.9"}
    try:
        with http.stream("GET", url, headers=headers, follow_redirects=False) as response:
            if response.status_code != 200:
                raise refusal(
                    f"the verifier answered HTTP {response.status_code} when asked for the "
                    "request; it may have expired",
                    "request_fetch_failed",
                )
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_REQUEST_BYTES:
                    raise refusal("the request object is too large", "request_fetch_failed")
    except httpx.HTTPError as exc:
        raise refusal(
            f"could not reach the verifier at {url}: {type(exc).__name__}", "verifier_unreachable"
        ) from exc
    try:
        return body.decode("ascii")
    except UnicodeDecodeError as exc:
        raise refusal("the request object is not a JWT") from exc
