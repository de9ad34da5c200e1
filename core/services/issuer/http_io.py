"""Request reading and OAuth-style error answers for the demo issuer's endpoints."""

from __future__ import annotations

import json
from typing import Any, Final
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse

MAX_BODY_BYTES: Final = 64 * 1024
#: Kept in memory at most (oldest dropped first): offers, tokens, nonces.
MAX_ENTRIES: Final = 10_000


class Refusal(Exception):
    """An OAuth-style error answer: ``{"error", "error_description"}`` with ``status``."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status

    def response(self) -> JSONResponse:
        """The answer, with ``WWW-Authenticate`` for a 401."""
        headers = {"Cache-Control": "no-store"}
        if self.status == 401:
            headers["WWW-Authenticate"] = f'Bearer error="{self.error}"'
        return JSONResponse(
            {"error": self.error, "error_description": self.description},
            status_code=self.status,
            headers=headers,
        )


def put_bounded(table: dict[str, Any], key: str, value: Any) -> None:
    """``table[key] = value``, dropping the oldest entries beyond :data:`MAX_ENTRIES`."""
    while len(table) >= MAX_ENTRIES:
        table.pop(next(iter(table)))
    table[key] = value


def bearer(request: Request) -> str:
    """The bearer access token; raises Refusal(invalid_token, 401)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Refusal("invalid_token", "a bearer access token is required", 401)
    return token.strip()


async def body(request: Request) -> bytes:
    """The body, at most :data:`MAX_BODY_BYTES`; raises Refusal(invalid_request, 413)."""
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
        raise Refusal("invalid_request", "the request body is too large", 413)
    data = await request.body()
    if len(data) > MAX_BODY_BYTES:
        raise Refusal("invalid_request", "the request body is too large", 413)
    return data


async def json_body(request: Request, error: str = "invalid_request") -> dict[str, Any]:
    """A JSON object body; raises Refusal(``error``) for anything else."""
    data = await body(request)
    try:
        value = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refusal(error, "the request body is not JSON") from exc
    if not isinstance(value, dict):
        raise Refusal(error, "the request body must be a JSON object")
    return value


async def form_body(request: Request) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body; every field at most once.

    Raises Refusal(invalid_request).
    """
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise Refusal("invalid_request", "the token request must be form-encoded")
    try:
        fields = parse_qs((await body(request)).decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError) as exc:
        raise Refusal("invalid_request", "the form is malformed") from exc
    if any(len(values) != 1 for values in fields.values()):
        raise Refusal("invalid_request", "a form field is repeated")
    return {name: values[0] for name, values in fields.items()}
