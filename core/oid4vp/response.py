"""Answering OpenID4VP 1.0 requests: choosing what to share, presenting it and posting the
response (see :mod:`core.oid4vp` for the rules)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.consent import check_duration
from core.consents import record_presentation_consents
from core.dcql import Candidate, match
from core.encoding import parse_json_object
from core.errors import InvalidInput, UserCancelled
from core.oid4vp.approval import record_decision
from core.oid4vp.request import DEFAULT_TIMEOUT, AuthorizationRequest, fetch_request, refusal
from core.sdjwt.process import ClaimPath, format_path
from core.vc.held import LDP_VC_FORMAT, W3C_FORMATS

if TYPE_CHECKING:
    import httpx

    from core.credentials import StoredCredential
    from core.did import DidResolver
    from core.wallet import Wallet


# --- choosing what to share -------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """One credential to present for a credential query, and the claims it will show.

    A W3C credential (``format`` ``jwt_vc_json`` or ``ldp_vc``) is :attr:`shared_whole`:
    ``paths`` are then only what the verifier asked for, and every claim goes.
    """

    query_id: str
    credential_id: str
    vct: str | None
    paths: tuple[ClaimPath, ...]
    format: str = "dc+sd-jwt"

    @property
    def dotted(self) -> tuple[str, ...]:
        return tuple(format_path(path) for path in self.paths)

    @property
    def shared_whole(self) -> bool:
        return self.format in W3C_FORMATS


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
            kind = candidates[chosen.credential_id].format
            if paths is not None:
                shares.append(Share(query_id, chosen.credential_id, vct, paths, kind))
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


def _check_confirmed(request: AuthorizationRequest, shares: Sequence[Share]) -> None:
    """Every transaction must be confirmed by a presentation answering one of its queries.

    Raises PresentationRequestError(claims_withheld).
    """
    answered = {share.query_id for share in shares}
    for entry in request.transactions:
        if not answered & set(entry.credential_ids):
            raise refusal(
                f"“{entry.view.title}” must be confirmed with a credential answering "
                f"{' or '.join(entry.credential_ids)}, which you chose not to share.",
                "claims_withheld",
            )


def build_response(
    wallet: Wallet,
    request: AuthorizationRequest,
    shares: Sequence[Share],
    *,
    approved: Sequence[str] = (),
    consent: str = "once",
) -> dict[str, Any]:
    """The authorization response: ``{"vp_token": {query id: [presentation, …]}, "state"}``
    (``state`` only when the request had one). Each presentation is logged by the wallet.

    A request with transaction data is answered only when ``approved`` lists exactly its
    ``transaction_data`` strings (what the person was shown and approved); each
    presentation's KB-JWT then confirms the entries naming its query, and the approval is
    logged in the same vault transaction as the presentations.

    ``consent`` is how long the person's consent lasts (``once``, ``1d``, ``30d``,
    ``until_withdrawn``): one signed consent record per presenting identity is stored and
    logged in that transaction too (:func:`core.consents.record_presentation_consents`).

    Raises InvalidInput (an unknown ``consent``, before anything is signed),
    UserCancelled (transaction data not approved: nothing is signed),
    PresentationRequestError(claims_withheld) when a transaction would go unconfirmed,
    and what :meth:`core.wallet.Wallet.present_credential` raises.
    """
    if tuple(approved) != request.transaction_data:
        raise UserCancelled("the transaction was not approved, so nothing was signed")
    _check_confirmed(request, shares)
    check_duration(consent)
    vp_token: dict[str, list[Any]] = {}
    with wallet.vault.transaction():
        for share in shares:
            text = wallet.present_credential(
                share.credential_id,
                () if share.shared_whole else share.paths,
                nonce=request.nonce,
                audience=request.client_id,
                transaction_data=request.transactions_for(share.query_id),
            )
            # an ldp_vc presentation is a JSON object in the vp_token (OpenID4VP B.1.3.2)
            sent = parse_json_object(text) if share.format == LDP_VC_FORMAT else text
            vp_token.setdefault(share.query_id, []).append(sent)
        if request.transactions:
            record_decision(wallet, request, approved=True)
        record_presentation_consents(wallet, request, shares, consent)
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
    consent: str = "once",
) -> ResponseResult:
    """Fetch, check, match, (ask ``approve``,) present and post: the whole flow.
    ``consent`` is the consent duration :func:`build_response` records.

    ``approve`` sees the request (its transaction data included) and what would be shared
    before anything is signed; False stops with UserCancelled, and a declined
    transaction is logged. A request with transaction data is never answered without an
    ``approve`` that says yes. Nothing is posted when any step fails. Raises what
    :func:`fetch_request`, :func:`plan`, :func:`build_response` and
    :func:`post_response` raise, and UserCancelled.
    """
    import httpx

    client = http if http is not None else httpx.Client(timeout=DEFAULT_TIMEOUT)
    try:
        request = fetch_request(uri, client, resolver=resolver, clock=wallet.clock)
        shares = plan(request, wallet.credentials.all(), disclose)
        _check_confirmed(request, shares)
        if approve is None:
            if request.transactions:
                raise UserCancelled("transaction data needs the person's approval")
        elif not approve(request, shares):
            if request.transactions:
                record_decision(wallet, request, approved=False)
            raise UserCancelled("nothing was shared")
        response = build_response(
            wallet, request, shares, approved=request.transaction_data, consent=consent
        )
        return post_response(request, response, client, shares)
    finally:
        if http is None:
            client.close()
