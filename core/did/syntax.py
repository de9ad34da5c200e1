"""DID and DID URL syntax (W3C DID Core 1.0, sections 3.1 and 3.2).

    did                = "did:" method-name ":" method-specific-id
    method-name        = 1*method-char            ; lowercase letters and digits
    method-specific-id = *( *idchar ":" ) 1*idchar
    idchar             = ALPHA / DIGIT / "." / "-" / "_" / pct-encoded
    did-url            = did path-abempty [ "?" query ] [ "#" fragment ]   ; RFC 3986

Parsing is purely syntactic; whether a method is supported is the resolver's business.
Raises InvalidInput(invalid_did) for a bad DID and InvalidInput(invalid_did_url) for a bad
path, query or fragment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from core.errors import InvalidInput

#: Longest DID or DID URL accepted anywhere (characters).
MAX_DID_LENGTH: Final = 4096

_IDCHAR = r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})"
_DID_RE: Final = re.compile(rf"did:(?P<method>[a-z0-9]+):(?P<msid>(?:{_IDCHAR}*:)*{_IDCHAR}+)")
_PCHAR = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})"
_PATH_RE: Final = re.compile(rf"(?:/{_PCHAR}*)*")
_QUERY_RE: Final = re.compile(rf"(?:{_PCHAR}|[/?])*")


@dataclass(frozen=True)
class Did:
    """A syntactically valid DID, split into its method and method-specific id."""

    method: str
    method_specific_id: str

    def __str__(self) -> str:
        return f"did:{self.method}:{self.method_specific_id}"


@dataclass(frozen=True)
class DidUrl:
    """A DID URL: a DID with an optional path, query and fragment (without ``/?#``)."""

    did: Did
    path: str = ""
    query: str | None = None
    fragment: str | None = None

    def __str__(self) -> str:
        text = str(self.did) + self.path
        if self.query is not None:
            text += "?" + self.query
        if self.fragment is not None:
            text += "#" + self.fragment
        return text


def parse_did(text: object) -> Did:
    """Parse a bare DID (no path, query or fragment). Raises InvalidInput(invalid_did)."""
    if not isinstance(text, str):
        raise InvalidInput("a DID must be a string", code="invalid_did")
    if len(text) > MAX_DID_LENGTH:
        raise InvalidInput(f"a DID is limited to {MAX_DID_LENGTH} characters", code="invalid_did")
    match = _DID_RE.fullmatch(text)
    if match is None:
        raise InvalidInput(f"not a valid DID: {_excerpt(text)}", code="invalid_did")
    return Did(match["method"], match["msid"])


def parse_did_url(text: object) -> DidUrl:
    """Parse a DID or DID URL.

    Raises InvalidInput(invalid_did) when the DID part is bad and
    InvalidInput(invalid_did_url) when the path, query or fragment is.
    """
    if not isinstance(text, str):
        raise InvalidInput("a DID URL must be a string", code="invalid_did_url")
    if len(text) > MAX_DID_LENGTH:
        raise InvalidInput(
            f"a DID URL is limited to {MAX_DID_LENGTH} characters", code="invalid_did_url"
        )
    cut = min((i for i in (text.find(c) for c in "/?#") if i >= 0), default=len(text))
    did = parse_did(text[:cut])
    rest = text[cut:]
    rest, hash_mark, fragment = rest.partition("#")
    path, question_mark, query = rest.partition("?")
    if _PATH_RE.fullmatch(path) is None:
        raise InvalidInput("the DID URL path has invalid characters", code="invalid_did_url")
    if question_mark and _QUERY_RE.fullmatch(query) is None:
        raise InvalidInput("the DID URL query has invalid characters", code="invalid_did_url")
    if hash_mark and (not fragment or _QUERY_RE.fullmatch(fragment) is None):
        raise InvalidInput("the DID URL fragment is empty or invalid", code="invalid_did_url")
    return DidUrl(
        did,
        path,
        query if question_mark else None,
        fragment if hash_mark else None,
    )


def _excerpt(text: str, limit: int = 80) -> str:
    """A printable, bounded excerpt of untrusted text for error messages."""
    shown = text if len(text) <= limit else text[:limit] + "…"
    return repr(shown)
