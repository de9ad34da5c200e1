"""Fetching documents over HTTPS: the URL policy and the default httpx fetcher.

Policy (:func:`check_fetch_url`): ``https`` always; plain ``http`` only to a loopback host
(127.0.0.0/8, ::1, ``localhost``), whose traffic never leaves the machine, so tests and
local demos can serve documents. The default fetcher applies the policy to every URL it
touches, follows at most a few redirects and only to the same scheme, honours system proxy
settings only for non-loopback hosts, and stops reading past a size limit. httpx is
imported on first fetch, so offline users of :mod:`core.did` never load it.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Final
from urllib.parse import urljoin, urlsplit

from core.errors import ResolutionError

if TYPE_CHECKING:
    import httpx

DEFAULT_TIMEOUT: Final = 10.0
DEFAULT_MAX_BYTES: Final = 256 * 1024
MAX_REDIRECTS: Final = 3
_NOT_FOUND: Final = frozenset({404, 410})


def is_loopback_host(host: str) -> bool:
    """True for ``localhost``, 127.0.0.0/8 and ::1 (brackets allowed)."""
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_fetch_url(url: str) -> str:
    """Return ``url`` if it may be fetched; raise ResolutionError(resolution_failed) if not."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError as exc:
        raise ResolutionError(f"not a valid URL: {url!r}", code="resolution_failed") from exc
    if not host or parts.username is not None or parts.password is not None:
        raise ResolutionError(f"not a fetchable URL: {url!r}", code="resolution_failed")
    if parts.scheme == "https" or (parts.scheme == "http" and is_loopback_host(host)):
        return url
    raise ResolutionError(
        f"refusing to fetch {url!r}: only https (or http to a loopback host) is allowed",
        code="resolution_failed",
    )


class HttpxFetcher:
    """The default :class:`core.did.web.Fetcher`: GET with httpx, bounded in time and size.

    Construction does nothing; each call opens and closes its own client. Raises
    ResolutionError: did_not_found (404/410), resolution_failed (policy, network,
    timeout, other status, too many redirects, response over ``max_bytes``).
    """

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        accept: str = "application/did+json, application/json;q=0.9",
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.accept = accept

    def __call__(self, url: str) -> bytes:
        current = check_fetch_url(url)
        scheme = urlsplit(current).scheme
        for _ in range(MAX_REDIRECTS + 1):
            body, location = self._get_once(current)
            if location is None:
                return body
            target = check_fetch_url(urljoin(current, location))
            if urlsplit(target).scheme != scheme:
                raise ResolutionError(
                    f"refusing a redirect from {scheme} to another scheme", code="resolution_failed"
                )
            current = target
        raise ResolutionError(f"too many redirects fetching {url!r}", code="resolution_failed")

    def _get_once(self, url: str) -> tuple[bytes, str | None]:
        """One GET: (body, None), or (b"", Location) for a redirect."""
        import httpx  # imported on first use: did:key/did:jwk users never pay for it

        loopback = is_loopback_host(urlsplit(url).hostname or "")
        headers = {
            "Accept": self.accept,
            "Accept-Encoding": "identity",  # keeps the size limit about bytes on the wire
        }
        try:
            with (
                httpx.Client(
                    timeout=self.timeout, follow_redirects=False, trust_env=not loopback
                ) as client,
                client.stream("GET", url, headers=headers) as response,
            ):
                if response.is_redirect:  # a 3xx with a Location header
                    return b"", response.headers["Location"]
                if response.status_code in _NOT_FOUND:
                    raise ResolutionError(f"{url} was not found", code="did_not_found")
                if response.status_code != 200:
                    raise ResolutionError(
                        f"{url} answered HTTP {response.status_code}", code="resolution_failed"
                    )
                return self._read_bounded(response, url), None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise ResolutionError(
                f"could not fetch {url}: {type(exc).__name__}", code="resolution_failed"
            ) from exc

    def _read_bounded(self, response: httpx.Response, url: str) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise ResolutionError(
                f"{url} is larger than {self.max_bytes} bytes", code="resolution_failed"
            )
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > self.max_bytes:
                raise ResolutionError(
                    f"{url} is larger than {self.max_bytes} bytes", code="resolution_failed"
                )
        return bytes(body)
