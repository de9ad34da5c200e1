"""did:web: a DID document served by a web host (w3c-ccg did-method-web).

DID → URL: split the method-specific id at ``:``; the first part is the host, with an
optional port after a percent-encoded colon (``example.com%3A3000``); the rest are path
segments. No path gives ``https://host/.well-known/did.json``, a path gives
``https://host/seg/…/did.json``. The spec forbids IP addresses; Tessera allows loopback
ones (and ``localhost``), and fetches those over plain http unless told otherwise, so
tests and local demos can serve documents. The document is fetched through an injected
:class:`Fetcher` and read by :func:`core.did.reader.read_did_document`.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Final, Protocol
from urllib.parse import unquote

from core.did.document import DidDocument
from core.did.fetch import check_fetch_url, is_loopback_host
from core.did.reader import read_did_document
from core.did.syntax import Did, parse_did
from core.encoding import parse_json_object
from core.errors import InvalidInput, ResolutionError, TesseraError

METHOD = "web"
#: Largest did:web document accepted (bytes).
MAX_DOCUMENT_BYTES: Final = 128 * 1024

_HOST_RE: Final = re.compile(r"(?P<host>[A-Za-z0-9.-]+)(?:%3[Aa](?P<port>[1-9][0-9]{0,4}))?")
_LABEL_RE: Final = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_BAD_SEGMENT_CHARS: Final = frozenset('/\\?#%"<>')


class Fetcher(Protocol):
    """GETs a URL and returns the body; raises ResolutionError (did_not_found, ...)."""

    def __call__(self, url: str, /) -> bytes: ...


def _invalid(message: str) -> InvalidInput:
    return InvalidInput(message, code="invalid_did")


def _check_host(host: str) -> None:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        if not address.is_loopback:
            raise _invalid("did:web must name a domain, not an IP address")
        return
    labels = host.split(".")
    if len(host) > 253 or not all(_LABEL_RE.fullmatch(label) for label in labels):
        raise _invalid(f"did:web host {host!r} is not a valid domain name")


def _check_segment(segment: str) -> str:
    decoded = unquote(segment)
    if decoded in ("", ".", "..") or _BAD_SEGMENT_CHARS & set(decoded) or not decoded.isprintable():
        raise _invalid(f"did:web path segment {segment!r} is not allowed")
    return segment


def did_web_url(did: str | Did, *, loopback_http: bool = True) -> str:
    """The URL of a did:web DID's document.

    ``loopback_http`` picks plain http for loopback hosts; every other host gets https.
    Raises InvalidInput(invalid_did) for a bad DID, host, port or path segment.
    """
    parsed = did if isinstance(did, Did) else parse_did(did)
    if parsed.method != METHOD:
        raise _invalid("not a did:web DID")
    host_part, *path = parsed.method_specific_id.split(":")
    match = _HOST_RE.fullmatch(host_part)
    if match is None:
        raise _invalid(f"did:web host {host_part!r} is not a domain with an optional %3A port")
    host, port = match["host"], match["port"]
    _check_host(host)
    if port is not None and int(port) > 65535:
        raise _invalid(f"did:web port {port} is out of range")
    scheme = "http" if loopback_http and is_loopback_host(host) else "https"
    authority = host if port is None else f"{host}:{port}"
    if path:
        location = "/" + "/".join(_check_segment(s) for s in path) + "/did.json"
    else:
        location = "/.well-known/did.json"
    return check_fetch_url(f"{scheme}://{authority}{location}")


def resolve_did_web(did: str | Did, fetcher: Fetcher, *, loopback_http: bool = True) -> DidDocument:
    """Fetch and check a did:web document.

    Raises InvalidInput(invalid_did) for a bad DID, and ResolutionError: did_not_found,
    resolution_failed (from the fetcher, or a fetcher that failed unexpectedly),
    invalid_did_document (not a JSON object, too large, wrong id, bad methods).
    """
    parsed = did if isinstance(did, Did) else parse_did(did)
    url = did_web_url(parsed, loopback_http=loopback_http)
    try:
        body = fetcher(url)
    except TesseraError:
        raise
    except Exception as exc:  # an injected fetcher must not leak its own exception types
        raise ResolutionError(
            f"fetching {url} failed: {type(exc).__name__}", code="resolution_failed"
        ) from exc
    if not isinstance(body, bytes | bytearray):
        raise ResolutionError("the fetcher did not return bytes", code="resolution_failed")
    try:
        document = parse_json_object(bytes(body), max_bytes=MAX_DOCUMENT_BYTES)
    except InvalidInput as exc:
        raise ResolutionError(
            f"the document at {url} is not acceptable: {exc.message}", code="invalid_did_document"
        ) from exc
    return read_did_document(document, str(parsed))
