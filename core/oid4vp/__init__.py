"""The wallet side of OpenID for Verifiable Presentations 1.0 (cross-device, ``direct_post``).

    request = fetch_request("openid4vp://?client_id=…&request_uri=…", http)
    shares = plan(request, wallet.credentials.all(), disclose=None)
    result = post_response(request, build_response(wallet, request, shares), http)

or all at once with :func:`respond`. The steps:

- :func:`parse_request_uri` reads an ``openid4vp://`` link strictly: ``client_id`` and
  either ``request_uri`` (fetched with GET) or ``request`` (the request object by value);
  a link carrying the request as plain parameters is refused.
- The ``client_id`` prefix (§5.9) decides how the verifier is known. ``redirect_uri:``:
  the request MUST NOT be signed (§5.9.3), so it arrives as an unsecured JWT and the
  verifier is only "whoever answers at that URL" (``verified`` is False); its
  ``response_uri`` must be exactly that URL. ``decentralized_identifier:``: the request
  MUST be signed with a key of that DID, named by the ``kid`` header; the signature is
  checked with the key resolved from the DID (``verified`` is True). Any other prefix,
  or none, is refused with ``unsupported_client_id_prefix`` before anything is fetched.
- The request object must name the same ``client_id``, ``response_type=vp_token``,
  ``response_mode=direct_post``, a ``response_uri`` that is https (plain http only to
  this machine), a ``nonce`` and a ``dcql_query`` (parsed by :mod:`core.dcql`).
- The answer: ``vp_token`` is a JSON object keyed by credential query id, each value an
  array of presentations whose KB-JWT carries the request's ``nonce`` and, as ``aud``,
  the full ``client_id`` with its prefix; it is posted form-encoded with ``state``.

- Transaction data (payments, things to sign): every entry is checked when the request
  is read (:mod:`core.payments`); an unknown ``type`` refuses the whole request with
  ``unsupported_transaction_data`` before anything can be signed. Answering needs the
  person's explicit approval of exactly those strings; each presentation answering a
  query an entry names carries ``transaction_data_hashes`` in its KB-JWT, and the
  approval or refusal is logged (:mod:`core.oid4vp.approval`).

Errors are :class:`core.errors.PresentationRequestError` with a code from
:data:`core.errors.PRESENTATION_REQUEST_CODES`, plus InvalidInput(invalid_dcql) for a
broken query, VerificationError for a signed request that does not verify and
ResolutionError for a DID that cannot be resolved.
"""

from core.oid4vp.approval import record_decision
from core.oid4vp.request import (
    PREFIXES,
    REQUEST_TYP,
    SCHEME,
    AuthorizationRequest,
    RequestLink,
    check_endpoint,
    fetch_request,
    parse_request_uri,
    read_request,
    split_client_id,
)
from core.oid4vp.response import (
    Approver,
    ResponseResult,
    Share,
    build_response,
    plan,
    post_response,
    respond,
)

__all__ = [
    "PREFIXES",
    "REQUEST_TYP",
    "SCHEME",
    "Approver",
    "AuthorizationRequest",
    "RequestLink",
    "ResponseResult",
    "Share",
    "build_response",
    "check_endpoint",
    "fetch_request",
    "parse_request_uri",
    "plan",
    "post_response",
    "read_request",
    "record_decision",
    "respond",
    "split_client_id",
]
