"""DidResolver: DID → DID document, DID URL → public key, for did:key, did:jwk, did:web.

Methods are dispatched by name. did:key and did:jwk resolve offline; did:web uses the
injected fetcher, or an :class:`core.did.fetch.HttpxFetcher` created on first use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from core.did.document import DidDocument, VerificationMethod
from core.did.fetch import HttpxFetcher
from core.did.jwk import resolve_did_jwk
from core.did.key import resolve_did_key
from core.did.syntax import Did, parse_did, parse_did_url
from core.did.web import Fetcher, resolve_did_web
from core.errors import InvalidInput, ResolutionError
from core.keys import PublicKey

#: Relationships that make a method usable as "the" key of a bare DID.
SIGNING_RELATIONSHIPS = ("assertionMethod", "authentication")


class DidResolver:
    """Resolves DIDs of the methods in :attr:`methods`.

    ``fetcher`` serves did:web (default: HttpxFetcher, made lazily). ``loopback_http``
    lets did:web DIDs on loopback hosts be fetched over plain http.
    """

    def __init__(self, fetcher: Fetcher | None = None, *, loopback_http: bool = True) -> None:
        self._fetcher = fetcher
        self._loopback_http = loopback_http

    @property
    def methods(self) -> Mapping[str, Callable[[Did], DidDocument]]:
        """Method name → resolver function."""
        return {"key": resolve_did_key, "jwk": resolve_did_jwk, "web": self._resolve_web}

    def resolve(self, did: str) -> DidDocument:
        """The DID document of ``did`` (a bare DID, not a DID URL).

        Raises InvalidInput (invalid_did, unsupported_did_method, or the method's key
        and encoding codes) and ResolutionError (did_not_found, resolution_failed,
        invalid_did_document).
        """
        parsed = parse_did(did)
        resolve = self.methods.get(parsed.method)
        if resolve is None:
            raise InvalidInput(
                f"DID method {parsed.method!r} is not supported", code="unsupported_did_method"
            )
        return resolve(parsed)

    def resolve_method(
        self, did_url: str, *, relationship: str | None = None
    ) -> VerificationMethod:
        """The verification method a DID URL names.

        ``did#fragment`` names the method with that id. A bare DID names the single method
        its document lists under assertionMethod or authentication. With ``relationship``
        the method must also be listed under it. Raises as :meth:`resolve`, plus
        InvalidInput(invalid_did_url) for a path or query, and ResolutionError(key_not_found).
        """
        parsed = parse_did_url(did_url)
        if parsed.path or parsed.query is not None:
            raise InvalidInput(
                "only DID URLs with just a fragment can name a key", code="invalid_did_url"
            )
        document = self.resolve(str(parsed.did))
        if parsed.fragment is not None:
            method = document.find(str(parsed))
            if method is None:
                raise ResolutionError(
                    f"{document.id} has no verification method #{parsed.fragment}",
                    code="key_not_found",
                )
        else:
            method = self._only_signing_method(document)
        if relationship is not None and all(
            m.id != method.id for m in document.methods_for(relationship)
        ):
            raise ResolutionError(
                f"{method.id} is not listed under {relationship}", code="key_not_found"
            )
        return method

    def resolve_key(self, did_url: str, *, relationship: str | None = None) -> PublicKey:
        """The public key a DID URL names. Raises as :meth:`resolve_method`."""
        return self.resolve_method(did_url, relationship=relationship).public_key

    @staticmethod
    def _only_signing_method(document: DidDocument) -> VerificationMethod:
        candidates: dict[str, VerificationMethod] = {}
        for name in SIGNING_RELATIONSHIPS:
            for method in document.methods_for(name):
                candidates.setdefault(method.id, method)
        if len(candidates) != 1:
            raise ResolutionError(
                f"{document.id} has {len(candidates)} signing keys; name one with #fragment",
                code="key_not_found",
            )
        return next(iter(candidates.values()))

    def _resolve_web(self, did: Did) -> DidDocument:
        if self._fetcher is None:
            self._fetcher = HttpxFetcher()
        return resolve_did_web(did, self._fetcher, loopback_http=self._loopback_http)
