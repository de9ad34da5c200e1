"""The demo verifier's shop: a checkout that asks the wallet to authorize a payment.

An order becomes an OpenID4VP request (:class:`core.services.verifier.DemoVerifier`)
whose DCQL query asks for the demo bank account credential (its masked account
number) and whose ``transaction_data`` is one TS12 payment (:mod:`core.payments`) naming
that query. The order counts as paid only when the verifier has checked the
presentation, which includes the KB-JWT's ``transaction_data_hashes`` over exactly that
payment string (``transaction_data_mismatch`` otherwise).

Routes (added to the verifier app):

- ``GET /shop``: the checkout page (a basket and a Pay button);
- ``POST /shop/checkout`` (form ``amount``, ``currency``): a new order, then a redirect
  to its page;
- ``GET /shop/orders/{id}``: the order: what is to be paid, the request's QR code and
  link, and "Paid" once verified (the page refreshes itself while waiting);
- ``POST /demo/checkout`` JSON ``{"amount": "12.50", "currency": "EUR", "payee"?:
  {"name", "id"}}`` → ``{"id", "request_uri", "transaction_data", "order_uri"}``; the
  order's state is then ``GET /demo/requests/{id}`` (``verified`` means paid).
"""

from __future__ import annotations

import html
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from core.encoding import parse_json_object
from core.errors import InvalidInput, PresentationRequestError
from core.payments import format_amount, payment_entry

if TYPE_CHECKING:
    from core.services.verifier import DemoVerifier

PAYMENT_VCT: Final = "urn:tessera:demo:bank-account:1"
PAYMENT_QUERY_ID: Final = "payment_account"
SHOP_NAME: Final = "Tessera Demo Shop"
SHOP_ID: Final = "DE02120300000000202051"
PURPOSE: Final = "Authorize the payment for your order at the Tessera Demo Shop."
BASKET: Final = (
    ("Hiking map, Eifel 1:25 000", Decimal("9.90")),
    ("Trail snack box", Decimal("2.60")),
)


def payment_dcql() -> dict[str, Any]:
    """The DCQL query of a checkout: the payer's bank account, masked number only."""
    return {
        "credentials": [
            {
                "id": PAYMENT_QUERY_ID,
                "format": "dc+sd-jwt",
                "meta": {"vct_values": [PAYMENT_VCT]},
                "claims": [{"path": ["account_display"]}],
            }
        ]
    }


def parse_amount(text: Any) -> Decimal:
    """A positive decimal amount from a form or JSON text. Raises InvalidInput."""
    try:
        amount = Decimal(str(text).strip())
    except InvalidOperation as exc:
        raise InvalidInput("the amount must be a decimal number such as 12.50") from exc
    if not amount.is_finite() or amount <= 0:
        raise InvalidInput("the amount must be more than zero")
    return amount


def payment_for(
    order_id: str,
    amount: Decimal,
    currency: str,
    payee_name: str = SHOP_NAME,
    payee_id: str = SHOP_ID,
) -> str:
    """The order's TS12 payment entry. Raises InvalidInput (bad amount or currency)."""
    try:
        return payment_entry(
            [PAYMENT_QUERY_ID],
            transaction_id=order_id,
            amount=amount,
            currency=currency,
            payee_name=payee_name,
            payee_id=payee_id,
        )
    except PresentationRequestError as exc:
        raise InvalidInput(exc.message) from exc


def order_page(
    order_id: str, amount: Decimal, currency: str, status: str, link: str, qr: str | None
) -> str:
    """The order page: the amount and payee, the request's QR code while pending,
    "Paid" only once the verifier has verified the authorization."""
    shown = html.escape(f"{format_amount(amount, currency)} {currency}")
    if status == "verified":
        state = "<h2 id='state'>Paid</h2><p>Your wallet authorized this payment.</p>"
    elif status == "failed":
        state = "<h2 id='state'>Payment failed</h2><p>The authorization did not verify.</p>"
    else:
        image = f"<img alt='QR code of the payment request' src='{qr}'>" if qr else ""
        escaped = html.escape(link)
        state = (
            "<h2 id='state'>Waiting for your wallet</h2>"
            "<p>Scan this code with Tessera, or open the link in it.</p>"
            f"{image}<p><a href=\"{escaped}\">{escaped}</a></p>"
        )
    refresh = "<meta http-equiv='refresh' content='2'>" if status == "pending" else ""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{SHOP_NAME}: order {html.escape(order_id)}</title>{refresh}</head><body>"
        f"<h1>{SHOP_NAME}</h1><p>Order {html.escape(order_id)}: pay <strong>{shown}</strong>"
        f" to {SHOP_NAME} ({SHOP_ID}).</p>{state}</body></html>"
    )


def shop_page() -> str:
    """The checkout page: the basket and a form that starts a payment."""
    total = sum((price for _, price in BASKET), Decimal(0))
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td>{format_amount(price, 'EUR')} EUR</td></tr>"
        for name, price in BASKET
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{SHOP_NAME}</title></head><body><h1>{SHOP_NAME}</h1>"
        f"<table>{rows}<tr><th>Total</th><th>{format_amount(total, 'EUR')} EUR</th></tr></table>"
        "<form method='post' action='/shop/checkout'>"
        f"<input type='hidden' name='amount' value='{total}'>"
        "<input type='hidden' name='currency' value='EUR'>"
        "<button type='submit'>Pay with Tessera</button></form></body></html>"
    )


# --- orders and routes ----------------------------------------------------------------------


@dataclass(frozen=True)
class Order:
    id: str
    request_id: str
    amount: Decimal
    currency: str
    transaction_data: str
    link: str


class Shop:
    """Orders, each backed by a request of ``verifier`` (in memory, like the verifier)."""

    def __init__(self, verifier: DemoVerifier) -> None:
        self.verifier = verifier
        self._orders: dict[str, Order] = {}
        self._lock = threading.Lock()

    def checkout(self, amount: Any, currency: Any = "EUR", payee: Any = None) -> Order:
        """A new order and its payment request. Raises InvalidInput."""
        order_id = f"ORD-{secrets.token_hex(6).upper()}"
        name, payee_id = SHOP_NAME, SHOP_ID
        if payee is not None:
            if not isinstance(payee, dict) or set(payee) != {"name", "id"}:
                raise InvalidInput("payee must be an object with name and id")
            name, payee_id = payee["name"], payee["id"]
        if not isinstance(currency, str):
            raise InvalidInput("currency must be a three-letter code")
        value = parse_amount(amount)
        entry = payment_for(order_id, value, currency, name, payee_id)
        record = self.verifier.create(payment_dcql(), [entry], PURPOSE)
        order = Order(order_id, record.id, value, currency, entry, record.link)
        with self._lock:
            self._orders[order_id] = order
        return order

    def get(self, order_id: str) -> Order | None:
        with self._lock:
            return self._orders.get(order_id)

    def status(self, order: Order) -> str:
        record = self.verifier.get(order.request_id)
        return record.status if record is not None else "failed"


def shop_routes(shop: Shop, qr_data_uri: Callable[[str], str | None]) -> list[Route]:
    """The shop's routes (module docstring) for the verifier app."""

    async def shop_home(request: Request) -> Response:
        return HTMLResponse(shop_page())

    async def checkout_form(request: Request) -> Response:
        body = await request.body()
        try:
            if len(body) > 4096:
                raise InvalidInput("the order form is too large")
            form = dict(parse_qsl(body.decode("utf-8", "replace")))
            order = shop.checkout(form.get("amount"), form.get("currency", "EUR"))
        except InvalidInput as exc:
            return HTMLResponse(f"<p>{html.escape(exc.message)}</p>", status_code=400)
        return RedirectResponse(f"/shop/orders/{order.id}", status_code=303)

    async def order_view(request: Request) -> Response:
        order = shop.get(str(request.path_params["id"]))
        if order is None:
            return HTMLResponse("<p>No such order.</p>", status_code=404)
        status = shop.status(order)
        qr = await run_in_threadpool(qr_data_uri, order.link) if status == "pending" else None
        return HTMLResponse(
            order_page(order.id, order.amount, order.currency, status, order.link, qr)
        )

    async def checkout_json(request: Request) -> Response:
        try:
            body = parse_json_object(await request.body())
            order = shop.checkout(body.get("amount"), body.get("currency", "EUR"),
                                  body.get("payee"))
        except InvalidInput as exc:
            return JSONResponse({"error": exc.code, "message": exc.message}, status_code=400)
        return JSONResponse(
            {
                "id": order.request_id,
                "order_id": order.id,
                "request_uri": order.link,
                "transaction_data": [order.transaction_data],
                "order_uri": f"{shop.verifier.base_url}/shop/orders/{order.id}",
            },
            status_code=201,
        )

    return [
        Route("/shop", shop_home, methods=["GET"]),
        Route("/shop/checkout", checkout_form, methods=["POST"]),
        Route("/shop/orders/{id}", order_view, methods=["GET"]),
        Route("/demo/checkout", checkout_json, methods=["POST"]),
    ]
