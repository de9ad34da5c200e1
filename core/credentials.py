"""Credentials the holder keeps: SD-JWT VCs and W3C credentials (``jwt_vc_json``,
``ldp_vc``: see :mod:`core.credentials_w3c`) checked on import, stored in the vault.

A credential is imported only after :meth:`core.verifier.Verifier.verify_issued` accepted
it (issuer signature, type, times, every disclosure) and, when it names a holder key
(``cnf.jwk``), only if that key belongs to one of this wallet's identities: a credential
issued to another wallet could never be presented from this one.

Binding is found without deriving any private key: the DID of an identity is a pure
function of its public key (did:key and did:jwk), so the ``cnf.jwk`` key is turned into
the DID each method would give it and that identity record is looked up. The identity
records are sealed in the vault, so the lookup cannot be fooled by a changed record.

Record (kind ``credential``, id = :func:`credential_id`): JSON of
:class:`StoredCredential` (``holder_did`` is also what ``Identities.bound_credentials``
reads). Records written before W3C credentials (no ``format``, the text under
``sd_jwt``) still load, as SD-JWT VCs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, TypeAlias

from core import jose
from core.clock import Clock
from core.credentials_w3c import SD_JWT_FORMAT as SD_JWT_FORMAT  # re-exported
from core.credentials_w3c import check_w3c, detect_format, present_whole, shared_names
from core.did import DidResolver, HttpxFetcher, did_jwk_from_public_key, did_key_from_public_key
from core.encoding import parse_json_object
from core.errors import InvalidInput, RecordNotFound, VerificationError
from core.identity import CREDENTIAL_KIND, Identities
from core.ids import MIN_ID_PREFIX as MIN_ID_PREFIX  # re-exported
from core.ids import resolve_prefix
from core.keys import PrivateKey, PublicKey, public_key_from_jwk
from core.sdjwt import holder
from core.sdjwt.compact import split
from core.sdjwt.holder import HeldCredential, IssuedVerifier
from core.sdjwt.issuer_keys import IssuerKey, issuer_keys_from_jwks
from core.sdjwt.process import ClaimPath
from core.vault.store import Vault
from core.vc import W3C_FORMATS, HeldW3cCredential
from core.vc.held import type_name
from core.verifier import Verifier, VerifierPolicy

IssuerKeys: TypeAlias = Mapping[str | None, Iterable[PublicKey | IssuerKey]]
#: Makes the verifier used at import, given keys for the issuer from outside (or None).
VerifierFactory: TypeAlias = Callable[[IssuerKeys | None], IssuedVerifier]


def import_verifier_factory(clock: Clock) -> VerifierFactory:
    """The wallet's verifiers for imports: any issuer (the person chose to import the
    credential), keys from ``issuer_keys`` or from the issuer's DID or metadata. The
    network is used only for a did:web or https issuer, when such a credential is
    imported; did:key and did:jwk stay offline."""

    def make(issuer_keys: IssuerKeys | None) -> Verifier:
        fetcher = HttpxFetcher()
        policy = VerifierPolicy(trusted_issuers=None, issuer_keys=issuer_keys or {})
        return Verifier(policy, clock=clock, resolver=DidResolver(fetcher), fetcher=fetcher)

    return make


def credential_id(sd_jwt: str) -> str:
    """Lowercase hex SHA-256 of the SD-JWT text (whitespace around it stripped): stable,
    so importing the same credential twice finds the first copy.

    Hex rather than base64url: one base64url id in 64 starts with ``-``, which a command
    line takes for an option (``tessera credential show -Gws…`` fails to parse).
    """
    return hashlib.sha256(sd_jwt.strip().encode("utf-8")).hexdigest()


def unverified_issuer(unverified_sd_jwt: str) -> str | None:
    """The ``iss`` an SD-JWT claims, read WITHOUT checking anything: only for choosing
    which keys to check it with (keys given for an issuer are still the only keys the
    signature may verify with).

    Raises VerificationError(malformed) if it is not an SD-JWT with a JSON payload.
    """
    jws = jose.parse(split(unverified_sd_jwt).issuer_jwt)
    try:
        payload = parse_json_object(jws.payload)
    except InvalidInput as exc:
        raise VerificationError("malformed", f"issuer JWT payload: {exc.message}") from exc
    iss = payload.get("iss")
    return iss if isinstance(iss, str) else None


def issuer_keys_for(unverified_sd_jwt: str, jwks: Any) -> dict[str | None, tuple[IssuerKey, ...]]:
    """A JWK set given for "the issuer of this SD-JWT", keyed by its (unverified) ``iss``.

    Raises VerificationError(malformed) as :func:`unverified_issuer`; InvalidInput
    (invalid_jwk) if ``jwks`` is not a JWK set with a usable signing key,
    InvalidInput(unsupported_format) for a W3C credential (its issuer is a DID).
    """
    if detect_format(unverified_sd_jwt) in W3C_FORMATS:
        raise _issuer_is_a_did()
    return issuer_keys_from_jwks(unverified_issuer(unverified_sd_jwt), jwks)


def _issuer_is_a_did() -> InvalidInput:
    return InvalidInput(
        "issuer keys are given only for SD-JWT VCs: a W3C credential's issuer is a DID, and "
        "its key comes from the DID",
        code="unsupported_format",
    )


@dataclass(frozen=True)
class StoredCredential:
    """One credential in the vault, with what lists need without parsing it again.

    ``format`` is ``dc+sd-jwt`` (SD-JWT VC), ``jwt_vc_json`` or ``ldp_vc`` (W3C). ``vct``
    is the SD-JWT VC type (None for W3C credentials, whose ``type`` list is ``types``).
    """

    id: str
    format: str
    issuer: str | None
    vct: str | None
    #: The identity the credential is bound to: whose key is its ``cnf.jwk`` (SD-JWT VC)
    #: or who its ``credentialSubject.id`` is (W3C); None when it is bound to none.
    holder_did: str | None
    issued_at: float | None
    expires_at: float | None
    imported_at: float
    #: As issued: the SD-JWT, the VC-JWT, or the W3C credential's JSON text.
    text: str = field(repr=False)
    #: A W3C credential's ``type`` list; () for SD-JWT VCs.
    types: tuple[str, ...] = ()

    @property
    def sd_jwt(self) -> str:
        """The stored text (its name before W3C credentials: prefer :attr:`text`)."""
        return self.text

    @property
    def needs_holder_key(self) -> bool:
        """Whether presenting it proves possession of a key (a KB-JWT or a signed VP)."""
        return self.holder_did is not None

    @property
    def shared_whole(self) -> bool:
        """Whether every presentation carries all of it (W3C: no selective disclosure)."""
        return self.format in W3C_FORMATS

    @property
    def kind(self) -> str | None:
        """Its type for people and logs: the ``vct``, or a W3C credential's own type."""
        return self.vct if not self.shared_whole else type_name(self.types)

    def held(self) -> HeldCredential:
        """The SD-JWT parsed for showing and presenting (no signature check: it was
        checked on import). Raises InvalidInput if the stored text is not an SD-JWT
        (``unsupported_format`` for a W3C credential: see :meth:`parsed`)."""
        if self.shared_whole:
            raise InvalidInput(
                f"this is a W3C credential ({self.format}), not an SD-JWT",
                code="unsupported_format",
            )
        return HeldCredential.from_storage(self.text)

    def w3c(self) -> HeldW3cCredential:
        """The W3C credential parsed (no signature check). Raises InvalidInput
        (``unsupported_format`` for an SD-JWT VC; else a damaged text)."""
        if not self.shared_whole:
            raise InvalidInput("this is an SD-JWT VC, not a W3C credential",
                               code="unsupported_format")
        return HeldW3cCredential.from_storage(self.text, self.format)

    def parsed(self) -> HeldCredential | HeldW3cCredential:
        """Parsed for showing, whatever the format: both have ``claims``, ``items`` (what
        can be withheld: none for W3C) and ``will_disclose(paths)``. Raises InvalidInput."""
        return self.w3c() if self.shared_whole else self.held()

    def to_json(self) -> dict[str, Any]:
        value = asdict(self)
        value["types"] = list(self.types)
        return value

    @classmethod
    def from_json(cls, value: Any) -> StoredCredential:
        """Raises InvalidInput for a record that is not a stored credential."""
        if not isinstance(value, dict):
            raise InvalidInput("stored credential is incomplete")
        value = {"format": SD_JWT_FORMAT, "types": [], **value}
        if "text" not in value and "sd_jwt" in value:  # written before W3C credentials
            value["text"] = value["sd_jwt"]
        try:
            fields = {name: value[name] for name in cls.__dataclass_fields__}
        except KeyError as exc:
            raise InvalidInput("stored credential is incomplete") from exc
        types = fields["types"]
        if (
            not isinstance(fields["id"], str)
            or not isinstance(fields["text"], str)
            or not isinstance(fields["format"], str)
            or not isinstance(types, list)
            or not all(isinstance(t, str) for t in types)
        ):
            raise InvalidInput("stored credential is damaged")
        fields["types"] = tuple(types)
        return cls(**fields)


@dataclass(frozen=True)
class Presented:
    """A presentation and what the wallet logs about it (names, never values)."""

    credential: StoredCredential
    text: str
    #: Dotted paths of the claims whose disclosures were sent.
    disclosed: tuple[str, ...]


class Credentials:
    """Import, list, look up, delete and present the credentials stored in ``vault``.

    ``verifier_factory`` makes the verifier used on import of an SD-JWT VC; ``resolver``
    finds a W3C credential's issuer key (default: did:key and did:jwk offline, did:web
    fetched); ``clock`` dates imports and presentations. Construction does no work.
    Nothing here writes the activity log: :class:`core.wallet.Wallet` does, in the same
    transaction.
    """

    def __init__(
        self,
        vault: Vault,
        identities: Identities,
        clock: Clock,
        verifier_factory: VerifierFactory,
        *,
        resolver: DidResolver | None = None,
    ) -> None:
        self._vault = vault
        self._identities = identities
        self._clock = clock
        self._verifier_factory = verifier_factory
        self._resolver = resolver

    # --- import ---------------------------------------------------------------------------

    def find(self, text: str) -> StoredCredential | None:
        """The stored copy of exactly this credential text, if any. Raises VaultLocked."""
        if not isinstance(text, str):
            return None
        try:
            return self._load(credential_id(text))
        except RecordNotFound:
            return None

    def check(self, text: str, *, issuer_keys: IssuerKeys | None = None) -> StoredCredential:
        """Verify ``text`` and find the identity it is bound to; store nothing.

        The format comes from the text (:func:`core.credentials_w3c.detect_format`).
        ``issuer_keys`` gives keys for an SD-JWT issuer that is not a DID (see
        :func:`issuer_keys_for`). May fetch an https issuer's metadata or a did:web
        document. Raises VerificationError (its code: malformed, bad_signature, expired,
        unresolvable_key, ...), InvalidInput(not_bound_to_wallet) for an SD-JWT VC bound to
        a key this wallet does not hold, InvalidInput(unsupported_format) for issuer keys
        given with a W3C credential, VaultLocked.
        """
        if not isinstance(text, str):
            raise VerificationError("malformed", "a credential must be text")
        text = text.strip()
        if not text:
            raise VerificationError("malformed", "that is empty, not a credential")
        found = detect_format(text)
        if found in W3C_FORMATS:
            return self._check_w3c(text, found, issuer_keys)
        held = holder.import_credential(text, self._verifier_factory(issuer_keys))
        return StoredCredential(
            id=credential_id(held.sd_jwt),
            format=SD_JWT_FORMAT,
            issuer=held.issuer,
            vct=held.vct,
            holder_did=self._holder_did(held),
            issued_at=held.issued_at,
            expires_at=held.expires_at,
            imported_at=self._clock.now(),
            text=held.sd_jwt,
        )

    def _check_w3c(
        self, text: str, found: str, issuer_keys: IssuerKeys | None
    ) -> StoredCredential:
        if issuer_keys:
            raise _issuer_is_a_did()
        resolver = self._resolver or DidResolver(HttpxFetcher())
        checked = check_w3c(
            text, found, identities=self._identities, resolver=resolver, clock=self._clock
        )
        held = checked.held
        return StoredCredential(
            id=credential_id(held.text),
            format=found,
            issuer=held.issuer,
            vct=None,
            holder_did=checked.holder_did,
            issued_at=held.issued_at,
            expires_at=held.valid_until,
            imported_at=self._clock.now(),
            text=held.text,
            types=held.types,
        )

    def store(self, credential: StoredCredential) -> None:
        """Write a credential :meth:`check` returned. Raises VaultLocked."""
        self._vault.put_json(CREDENTIAL_KIND, credential.id, credential.to_json())

    def import_(self, text: str, *, issuer_keys: IssuerKeys | None = None) -> StoredCredential:
        """Check and store ``text``; the same credential again returns the stored copy.

        Raises what :meth:`check` raises; nothing is stored then.
        """
        existing = self.find(text)
        if existing is not None:
            return existing
        credential = self.check(text, issuer_keys=issuer_keys)
        self.store(credential)
        return credential

    def _holder_did(self, held: HeldCredential) -> str | None:
        """The identity whose key is ``cnf.jwk``. Raises InvalidInput(not_bound_to_wallet)."""
        if not held.bound:
            return None
        if held.holder_jwk is None:
            raise InvalidInput(
                "this credential names its holder in a way other than a public key "
                "('cnf.jwk'), so no wallet key can present it",
                code="not_bound_to_wallet",
            )
        key = public_key_from_jwk(held.holder_jwk)  # the verifier already accepted it
        for did in (did_key_from_public_key(key), did_jwk_from_public_key(key)):
            try:
                return self._identities.get(did).did
            except RecordNotFound:
                continue
        raise InvalidInput(
            "this credential was issued to another wallet (its holder key is not one of "
            "your identities), so it could not be presented from here; nothing was stored",
            code="not_bound_to_wallet",
        )

    # --- reading --------------------------------------------------------------------------

    def all(self) -> list[StoredCredential]:
        """Every stored credential, oldest import first (damaged records are left out).

        Raises VaultLocked.
        """
        records, _damaged = self._vault.list_records(CREDENTIAL_KIND)
        credentials = []
        for record in records:
            try:
                credentials.append(StoredCredential.from_json(record.json()))
            except (InvalidInput, ValueError):
                continue
        return sorted(credentials, key=lambda c: (c.imported_at, c.id))

    def resolve_id(self, credential_id_or_prefix: str) -> str:
        """The full id of the credential named by its id or a unique prefix of at least
        :data:`MIN_ID_PREFIX` characters.

        Raises RecordNotFound (no match, or a shorter prefix), InvalidInput(ambiguous_id).
        """
        ids = self._vault.ids(CREDENTIAL_KIND)
        return resolve_prefix(ids, credential_id_or_prefix, what="credential")

    def get(self, credential_id_or_prefix: str) -> StoredCredential:
        """The credential with this id (or unique prefix, see :meth:`resolve_id`).

        Raises RecordNotFound, InvalidInput(ambiguous_id), RecordDamaged, VaultLocked.
        """
        return self._load(self.resolve_id(credential_id_or_prefix))

    def _load(self, full_id: str) -> StoredCredential:
        return StoredCredential.from_json(self._vault.get(CREDENTIAL_KIND, full_id).json())

    def delete(self, credential_id_or_prefix: str) -> StoredCredential:
        """Remove a credential; returns what was removed.

        Raises RecordNotFound, InvalidInput(ambiguous_id), VaultLocked.
        """
        credential = self.get(credential_id_or_prefix)
        self._vault.delete(CREDENTIAL_KIND, credential.id)
        return credential

    # --- presenting -----------------------------------------------------------------------

    def present(
        self,
        credential_id_or_prefix: str,
        paths: Iterable[ClaimPath | str],
        *,
        nonce: str,
        audience: str,
        transaction_data: Sequence[str] = (),
    ) -> str:
        """An SD-JWT+KB showing exactly ``paths`` (see :func:`core.sdjwt.holder.present`),
        signed with the bound identity's key.

        Raises RecordNotFound (no such credential, or its identity was deleted),
        InvalidInput (an unknown path, an empty nonce or audience, bad transaction data,
        ambiguous_id), CryptoError, VaultLocked.
        """
        return self.presentation(
            credential_id_or_prefix,
            paths,
            nonce=nonce,
            audience=audience,
            transaction_data=transaction_data,
        ).text

    def presentation(
        self,
        credential_id_or_prefix: str,
        paths: Iterable[ClaimPath | str],
        *,
        nonce: str,
        audience: str,
        transaction_data: Sequence[str] = (),
    ) -> Presented:
        """:meth:`present`, also saying which claims were disclosed. Raises as it does.

        A W3C credential is presented whole (see :func:`core.credentials_w3c.present_whole`):
        ``paths`` must be empty, else InvalidInput(shared_whole); one bound to no identity
        raises InvalidInput(unbound_credential).
        """
        credential = self.get(credential_id_or_prefix)
        paths = [paths] if isinstance(paths, str) else list(paths)
        if credential.shared_whole:
            return self._present_whole(credential, paths, nonce, audience, transaction_data)
        held = credential.held()
        chosen = {d.encoded for d in holder.select(held, paths)}
        key = None
        if credential.holder_did is not None:
            key = self._holder_key(credential.holder_did)
        text = holder.present(
            held,
            paths,
            holder_key=key,
            nonce=nonce,
            audience=audience,
            clock=self._clock,
            transaction_data=tuple(transaction_data),
        )
        disclosed = tuple(i.dotted for i in held.items if i.disclosure.encoded in chosen)
        return Presented(credential, text, disclosed)

    def _holder_key(self, did: str) -> PrivateKey:
        """Raises RecordNotFound (the identity was deleted), VaultLocked."""
        try:
            return self._identities.private_key(did)
        except RecordNotFound as exc:
            raise RecordNotFound(
                f"the identity this credential is bound to ({did}) was deleted, so it "
                "cannot be presented"
            ) from exc

    def _present_whole(
        self,
        credential: StoredCredential,
        paths: Sequence[object],
        nonce: str,
        audience: str,
        transaction_data: Sequence[str],
    ) -> Presented:
        held = credential.w3c()
        key = None
        if credential.holder_did is not None and not paths and not transaction_data:
            key = self._holder_key(credential.holder_did)
        text = present_whole(
            held, paths, holder_did=credential.holder_did, key=key, nonce=nonce,
            audience=audience, clock=self._clock, transaction_data=transaction_data,
        )
        return Presented(credential, text, shared_names(held))
