"""Serve a demo ASGI app on loopback: from the command line, or in a thread for tests.

The app usually needs its own base URL (an issuer identifier, a ``response_uri``) before
it is built, and with ``--port 0`` the port is only known once a socket is bound. So both
entry points bind first and then call an *app factory* with the base URL:

- :func:`serve` (``tessera issuer serve``): bind, build, print the base URL as the first
  line on stdout and flush, then serve until interrupted;
- :func:`serve_in_thread`: a context manager that serves in a daemon thread, waits until
  uvicorn accepts connections, yields the base URL and stops the server on exit.

Only 127.0.0.1 by default; another host must be asked for explicitly.
"""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO

from core.errors import MissingDependency, TesseraError

if TYPE_CHECKING:
    import uvicorn

#: An ASGI application (typed loosely: Starlette apps and plain callables both qualify).
AsgiApp = Any
#: Builds the app once its base URL (``http://127.0.0.1:PORT``) is known.
AppFactory = Callable[[str], AsgiApp]

DEFAULT_HOST = "127.0.0.1"
#: How long :func:`serve_in_thread` waits for the server to start.
START_TIMEOUT_SECONDS = 10.0


def _uvicorn() -> Any:
    try:
        import uvicorn
    except ImportError as exc:  # pragma: no cover - the server extra is installed in dev
        raise MissingDependency(
            "the demo services need uvicorn and starlette: pip install 'tessera-wallet[server]'",
            package="uvicorn",
            extra="server",
        ) from exc
    return uvicorn


def bind(host: str = DEFAULT_HOST, port: int = 0) -> socket.socket:
    """A listening TCP socket on ``host:port`` (``port`` 0: a free port)."""
    if not 0 <= port <= 65535:
        raise TesseraError(f"port {port} is out of range", code="usage")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on
    # sockets whose protocol is TCP, and with protocol 0 every request stalled ~40 ms on
    # delayed ACKs over loopback.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        message = f"cannot listen on {host}:{port}: {exc.strerror}"
        raise TesseraError(message, code="bind_failed") from exc
    return sock


def base_url_of(sock: socket.socket) -> str:
    """``http://HOST:PORT`` for a bound socket (IPv6 hosts in brackets)."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _server(app: AsgiApp) -> uvicorn.Server:
    uv = _uvicorn()
    config = uv.Config(app, log_level="warning", access_log=False, lifespan="off")
    server: uvicorn.Server = uv.Server(config)
    return server


def serve(
    factory: AppFactory,
    *,
    host: str = DEFAULT_HOST,
    port: int = 0,
    stdout: TextIO | None = None,
) -> None:
    """Bind, build the app, print its base URL as the first stdout line, serve until stopped."""
    out = stdout if stdout is not None else sys.stdout
    sock = bind(host, port)
    try:
        base_url = base_url_of(sock)
        server = _server(factory(base_url))
        out.write(base_url + "\n")
        out.flush()
        server.run(sockets=[sock])
    finally:
        sock.close()


@contextmanager
def serve_in_thread(factory: AppFactory, *, host: str = DEFAULT_HOST) -> Iterator[str]:
    """Serve ``factory(base_url)`` on a free port in a daemon thread; yield the base URL.

    The server is stopped (and the thread joined) when the ``with`` block ends.
    """
    sock = bind(host, 0)
    base_url = base_url_of(sock)
    server = _server(factory(base_url))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"serve {base_url}", daemon=True
    )
    thread.start()
    try:
        waited, step, pause = 0.0, 0.01, threading.Event()
        while not server.started and thread.is_alive() and waited < START_TIMEOUT_SECONDS:
            pause.wait(step)
            waited += step
        if not server.started:
            raise TesseraError(f"the server at {base_url} did not start", code="bind_failed")
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout=START_TIMEOUT_SECONDS)
        sock.close()
