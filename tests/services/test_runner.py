"""core.services.runner: a real uvicorn server on a free loopback port."""

from __future__ import annotations

import io
import threading

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from core.errors import TesseraError
from core.services.runner import base_url_of, bind, serve_in_thread


def _echo_app(base_url: str) -> Starlette:
    async def home(request: Request) -> JSONResponse:
        return JSONResponse({"base_url": base_url})

    return Starlette(routes=[Route("/", home)])


def test_serve_in_thread_serves_and_stops() -> None:
    with serve_in_thread(_echo_app) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        response = httpx.get(base_url + "/", timeout=5)
        assert response.json() == {"base_url": base_url}
    with pytest.raises(httpx.ConnectError):
        httpx.get(base_url + "/", timeout=2)
    assert not [t for t in threading.enumerate() if t.name == f"serve {base_url}"]


def test_bind_refuses_bad_port() -> None:
    with pytest.raises(TesseraError):
        bind("127.0.0.1", 70000)


def test_base_url_of_a_bound_socket() -> None:
    sock = bind()
    try:
        assert base_url_of(sock) == f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()


def test_serve_prints_base_url_first(monkeypatch: pytest.MonkeyPatch) -> None:
    # Covered end to end by the `tessera issuer serve` subprocess test; here only the
    # stream contract: the URL line is written and flushed before serving starts.
    out = io.StringIO()
    from core.services import runner

    def fake_server(app: object) -> object:
        class _S:
            def run(self, sockets: object) -> None:
                assert out.getvalue().startswith("http://127.0.0.1:")

        return _S()

    monkeypatch.setattr(runner, "_server", fake_server)
    runner.serve(_echo_app, stdout=out)
    assert out.getvalue().count("\n") == 1
