"""Answering OpenID4VP 1.0 requests: choosing what to share, presenting it and posting the
response (see :mod:`core.oid4vp` for the rules)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.dcql import Candidate, match
from core.encoding import parse_json_object
from core.errors import InvalidInput, UserCancelled
from core.oid4vp.request import DEFAULT_TIMEOUT, AuthorizationRequest, fetch_request, refusal
from core.sdjwt.process import ClaimPath, format_path

if TYPE_CHECKING:
    import httpx

    from core.credentials import StoredCredential
    from core.did import DidResolver
    from core.wallet import Wallet


# --- choosing what to share -------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """One credential to present for a credential query, and the claims it will show."""

    query_id: str
    credential_id: str
    vct: str | None
    paths: tuple[ClaimPath, ...]

    @property
    def dotted(self) -> tuple[str, ...]:
        return tuple(format_path(path) for path in self.paths)


def plan(
    request: AuthorizationRequest,
    credentials: Sequence[StoredCredential],
    disclose: Iterable[str] | None = None,
) -> tuple[Share, ...]:
    """What to present: the first credential matching each selected query, showing the
    claims the verifier prefers, or, with ``disclose`` (dotted paths the person agreed
    to share), the verifier's most preferred claim combination within them.

    Raises PresentationRequestError: no_matching_credential (with the reasons in plain
    words), claims_withheld (a required claim was left out), claim_not_requested (a
    ``disclose`` path the request does not ask for).
    """
    candidates = {credential.id: credential for credential in credentials}
    found = match(request.dcql, [Candidate.from_stored(c) for c in credentials])
    if not found.satisfied:
        reasons = " ".join(found.explanations) or "Nothing in this wallet answers the request."
        raise refusal(f"This request cannot be answered. {reasons}", "no_matching_credential")
    wanted = None if disclose is None else set(disclose)
    requested: set[str] = set()
    shares: list[Share] = []
    for query_id, matches in found.answer().items():
        required = found.query(query_id).required
        for chosen in matches:
            options = [tuple(format_path(p) for p in option) for option in chosen.alternatives]
            requested.update(path for option in options for path in option)
            paths: tuple[ClaimPath, ...] | None = chosen.paths
            if wanted is not None:
                fitting = [i for i, option in enumerate(options) if set(option) <= wanted]
                paths = chosen.alternatives[fitting[0]] if fitting else None
            vct = candidates[chosen.credential_id].vct
            if paths is not None:
                shares.append(Share(query_id, chosen.credential_id, vct, paths))
            elif required:
                missing = min((set(option) - (wanted or set()) for option in options), key=len)
                raise refusal(
                    f"The verifier needs {', '.join(sorted(missing))} from your "
                    f"{vct or 'credential'}, which you chose not to share.",
                    "claims_withheld",
                )
    extra = sorted((wanted or set()) - requested)
    if extra:
        raise refusal(
            f"The verifier does not ask for {', '.join(extra)}; only requested claims are shared.",
            "claim_not_requested",
        )
    if not shares:
        raise refusal("You chose to share nothing the verifier asks for.", "claims_withheld")
    return tuple(shares)


def refuse_transaction_data(request: AuthorizationRequest) -> None:
    """Raises PresentationRequestError(unsupported_transaction_data) when the request
    carries transaction data: see the module docstring."""
    if request.transaction_data:
        raise refusal(
            "This request asks you to sign transaction data (such as a payment), which this "
            "version of Tessera cannot show you yet, so it will not answer it.",
            "unsupported_transaction_data",
        )


def build_response(
    wallet: Wallet, request: AuthorizationRequest, shares: Sequence[Share]
) -> dict[str, Any]:
    """The authorization response: ``{"vp_token": {query id: [presentation, …]}, "state"}``
    (``state`` only when the request had one). Each presentation is logged by the wallet.

    Raises PresentationRequestError(unsupported_transaction_data), and what
    :meth:`core.wallet.Wallet.present_credential` raises.
    """
    refuse_transaction_data(request)
    vp_token: dict[str, list[str]] = {}
    for share in shares:
        text = wallet.present_credential(
            share.credential_id, share.paths, nonce=request.nonce, audience=request.client_id
        )
        vp_token.setdefault(share.query_id, []).append(text)
    response: dict[str, Any] = {"vp_token": vp_token}
    if request.state is not None:
        response["state"] = request.state
    return response


# --- posting -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseResult:
    """What happened when the response was posted."""

    request: AuthorizationRequest
    shares: tuple[Share, ...]
    status_code: int
    #: Where the verifier asks the person's browser to go next, if anywhere.
    redirect_uri: str | None = None


def post_response(
    request: AuthorizationRequest,
    response: Mapping[str, Any],
    http: httpx.Client,
    shares: Sequence[Share] = (),
) -> ResponseResult:
    """POST ``response`` form-encoded (``vp_token`` as JSON text) to the ``response_uri``.

    Raises PresentationRequestError: verifier_unreachable, response_rejected (any answer
    but 2xx, with the verifier's error description).
    """
    import httpx

    form = {"vp_token": json.dumps(response["vp_token"], separators=(",", ":"))}
    if response.get("state") is not None:
        form["state"] = str(response["state"])
    try:
        answer = http.post(
            request.response_uri,
            data=form,
            headers={"Accept": "application/json"},
            follow_redirects=False,
        )
    except httpx.HTTPError as exc:
        raise refusal(
            f"could not reach the verifier at {request.response_uri}: {type(exc).__name__}",
            "verifier_unreachable",
        ) from exc
    try:
        body = parse_json_object(answer.content) if answer.content else {}
    except InvalidInput:
        body = {}
    if not 200 <= answer.status_code < 300:
        said = " ".join(str(body.get(name, "")) for name in ("error", "error_description"))
        raise refusal(
            f"The verifier refused the response (HTTP {answer.status_code}): "
            f"{said.strip() or 'no reason given'}",
            "response_rejected",
        )
    redirect = body.get("redirect_uri")
    return ResponseResult(
        request, tuple(shares), answer.status_code, redirect if isinstance(redirect, str) else None
    )


Approver = Callable[[AuthorizationRequest, tuple[Share, ...]], bool]


def respond(
    wallet: Wallet,
    uri: str,
    *,
    disclose: Iterable[str] | None = None,
    http: httpx.Client | None = None,
    resolver: DidResolver | None = None,
    approve: Approver | None = None,
) -> ResponseResult:
    """Fetch, check, match, (ask ``approve``,) present and post: the whole flow.

    ``approve`` sees the request and what would be shared before anything is signed;
    False stops with UserCancelled. Nothing is posted when any step fails. Raises what
    :func:`fetch_request`, :func:`plan`, :func:`build_response` and
    :func:`post_response` raise, and UserCancelled.
    """
    import httpx

    client = http if http is not None else httpx.Client(timeout=DEFAULT_TIMEOUT)
    try:
        request = fetch_request(uri, client, resolver=resolver, clock=wallet.clock)
        refuse_transaction_data(request)
        shares = plan(request, wallet.credentials.all(), disclose)
        if approve is not None and not approve(request, shares):
            raise UserCancelled("nothing was shared")
        response = build_response(wallet, request, shares)
        return post_response(request, response, client, shares)
    finally:
        if http is None:
            client.close()
