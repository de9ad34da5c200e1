"""The demo credential issuer (OpenID4VCI 1.0, pre-authorized code, SD-JWT VC).

- :mod:`.app`: the HTTP layer, :func:`create_issuer_app` (its docstring lists the routes);
- :mod:`.configurations`: the three credentials offered (:data:`CONFIGURATIONS`);
- :mod:`.status_registry`: the issuer's Token Status List (:class:`StatusRegistry`:
  allocate, revoke, suspend, reinstate, publish; revocation is final);
- :mod:`.proofs`: the check of proof-of-possession JWTs;
- :mod:`.http_io`: request bodies and OAuth-style error answers.
"""

from core.services.issuer.app import create_issuer_app
from core.services.issuer.configurations import (
    ALGORITHMS,
    CONFIGURATIONS,
    CredentialConfiguration,
    mask_iban,
)
from core.services.issuer.status_registry import (
    STATUS_BITS,
    STATUS_LIST_SIZE,
    STATUS_LIST_TTL,
    STATUS_VALUES,
    StatusRegistry,
)

__all__ = [
    "ALGORITHMS",
    "CONFIGURATIONS",
    "STATUS_BITS",
    "STATUS_LIST_SIZE",
    "STATUS_LIST_TTL",
    "STATUS_VALUES",
    "CredentialConfiguration",
    "StatusRegistry",
    "create_issuer_app",
    "mask_iban",
]
