"""A tiny static HTTP server on 127.0.0.1 for tests that need real HTTP (did:web documents,
issuer metadata, status lists) without a framework."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: status, headers, body
Route = tuple[int, dict[str, str], bytes]
NOT_FOUND: Route = (404, {}, b"not found")


@contextmanager
def serving(
    lookup: Callable[[str], Route | None],
    *,
    on_request: Callable[[Mapping[str, str]], None] | None = None,
) -> Iterator[int]:
    """Answer GET requests with ``lookup(path)`` (404 when it gives None) on a free port of
    127.0.0.1, in a thread, and yield the port. ``on_request`` sees each request's headers."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if on_request is not None:
                on_request(self.headers)
            status, headers, body = lookup(self.path) or NOT_FOUND
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)
