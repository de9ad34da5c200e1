"""Words for a credential on a card: who issued it, what kind it is, whose it is, and
whether it is still valid. Plain functions over plain data (no Qt, no core objects), so
the card model, the detail page and their tests share one wording."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

from app.formatting import DAY, short_did

EXPIRING_DAYS = 30
MASK = "••••"

#: Claims the JWT and SD-JWT VC specs define for the credential itself, not its subject.
REGISTERED_CLAIMS = frozenset(
    {"iss", "sub", "iat", "nbf", "exp", "vct", "vct#integrity", "cnf", "status", "_sd_alg",
     "jti", "aud"}
)
#: Claim names (or parts of names) whose values are masked on a card.
_SENSITIVE_NAME = re.compile(
    r"(number|_no$|iban|ssn|social_security|tax|passport|personal_?id|national_?id|"
    r"account_?id|birth|^dob$|^pin$|secret|phone)",
    re.IGNORECASE,
)
_IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9 ]{10,32}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_LONG_NUMBER = re.compile(r"\d[\d \-./]{4,}\d")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_VERSION = re.compile(r"^v?\d+([._]\d+)*$", re.IGNORECASE)


# --- issuer --------------------------------------------------------------------------------

def issuer_name(iss: str) -> str:
    """A name people can read for an issuer identifier: the host of an ``https`` URL or a
    ``did:web``, else a shortened DID, else the identifier itself."""
    if iss.startswith(("https://", "http://")):
        host = urlsplit(iss).hostname
        return host or iss
    if iss.startswith("did:web:"):
        host = iss.split(":")[2].replace("%3A", ":").replace("%3a", ":")
        return host or iss
    if iss.startswith("did:"):
        return short_did(iss, keep=6)
    return iss


def issuer_initial(name: str) -> str:
    """One capital letter for the issuer badge: the first letter of its name, skipping a
    ``www.`` and, for a DID, the method ("?" when there is none)."""
    text = name
    if text.startswith("did:"):
        text = text.split(":", 2)[-1]
    text = text.removeprefix("www.")
    letter = next((c for c in text if c.isalpha()), "")
    return letter.upper() or "?"


# --- type ----------------------------------------------------------------------------------

def _words(segment: str) -> list[str]:
    spaced = _CAMEL.sub(" ", segment)
    return [w for w in re.split(r"[\s_\-.+]+", spaced) if w]


def type_label(vct: str) -> str:
    """A readable credential type from its ``vct``: the last meaningful segment of the URL
    or URN (version numbers skipped), de-camel-cased in sentence case.

    ``https://example.com/IdentityCredential`` → "Identity credential",
    ``urn:eudi:pid:1`` → "PID", ``employee_badge`` → "Employee badge".
    """
    text = vct.strip().rstrip("/#")
    segments = [s for s in re.split(r"[/:#]", text) if s]
    chosen = next((s for s in reversed(segments) if not _VERSION.match(s)), "")
    chosen = re.sub(r"\.(json|jsonld)$", "", chosen)
    words = _words(chosen)
    if not words:
        return "Credential"
    if len(words) == 1 and len(words[0]) <= 4 and words[0].isalpha():
        return words[0].upper()  # pid, mdl: acronyms
    shown = [w if w.isupper() and len(w) > 1 else w.lower() for w in words]
    first = shown[0]
    shown[0] = first if first.isupper() else first[:1].upper() + first[1:]
    return " ".join(shown)


def claim_label(key: str | int) -> str:
    """A claim name as a label: ``given_name`` → "Given name", ``birthDate`` → "Birth
    date"; an array position ``0`` → "1" (people count from one)."""
    if isinstance(key, int):
        return str(key + 1)
    words = _words(key)
    if not words:
        return key
    text = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words)
    return text[:1].upper() + text[1:]


# --- values --------------------------------------------------------------------------------

def format_value(value: Any) -> str:
    """A leaf claim value as text: Yes/No for booleans, "—" for null."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None:
        return "—"
    if isinstance(value, dict):
        return f"{len(value)} field" + ("" if len(value) == 1 else "s")
    if isinstance(value, list):
        return f"{len(value)} item" + ("" if len(value) == 1 else "s")
    return str(value)


def looks_sensitive(name: str, value: Any) -> bool:
    """Whether a value should be masked on a card: a number, an IBAN, a date of birth or
    any claim named like an identifier or account."""
    text = format_value(value)
    return bool(
        _SENSITIVE_NAME.search(name)
        or _IBAN.match(text.replace(" ", "").upper())
        or _LONG_NUMBER.search(text)
    )


def mask(value: Any) -> str:
    """``•••• 1234``: only the last four letters or digits show; dates show nothing."""
    text = format_value(value)
    if _DATE.match(text):
        return f"{MASK}-••-••"
    tail = "".join(c for c in text if c.isalnum())[-4:]
    if len(tail) < 4 or len(tail) * 2 > len(text):
        return MASK  # too short to show any of it safely
    return f"{MASK} {tail}"


def main_claim(claims: Mapping[str, Any]) -> str:
    """The holder's main claim: given and family name, else ``name``, else the first text
    claim (masked when it looks sensitive); "" when there is none."""
    given = claims.get("given_name")
    family = claims.get("family_name")
    parts = [str(p) for p in (given, family) if isinstance(p, str) and p.strip()]
    if parts:
        return " ".join(parts)
    name = claims.get("name")
    if isinstance(name, str) and name.strip():
        return name
    for key, value in claims.items():
        if key in REGISTERED_CLAIMS or not isinstance(value, str) or not value.strip():
            continue
        return mask(value) if looks_sensitive(key, value) else value
    return ""


def subject_claims(claims: Mapping[str, Any]) -> dict[str, Any]:
    """The claims about the holder, without the credential's own (iss, vct, iat, cnf…)."""
    return {k: v for k, v in claims.items() if k not in REGISTERED_CLAIMS}


def leaf_texts(value: Any) -> Iterator[str]:
    """Every leaf value under ``value`` as text (for search)."""
    if isinstance(value, Mapping):
        for child in value.values():
            yield from leaf_texts(child)
    elif isinstance(value, list):
        for child in value:
            yield from leaf_texts(child)
    elif value is not None:
        yield format_value(value)


# --- validity ------------------------------------------------------------------------------

class Validity(Enum):
    """What the badge on a card says."""

    VALID = "Valid"
    EXPIRING = "Expires soon"
    EXPIRED = "Expired"
    NOT_YET_VALID = "Not valid yet"


def validity(now: float, expires_at: float | None, not_before: float | None = None) -> Validity:
    """Expired at or after ``exp``; "expires soon" within 30 days of it."""
    if not_before is not None and now < not_before:
        return Validity.NOT_YET_VALID
    if expires_at is None:
        return Validity.VALID
    if now >= expires_at:
        return Validity.EXPIRED
    if expires_at - now < EXPIRING_DAYS * DAY:
        return Validity.EXPIRING
    return Validity.VALID


def days_left_text(now: float, expires_at: float) -> str:
    """"Expires in 12 days", "Expires tomorrow", "Expires today"."""
    days = int((expires_at - now) // DAY)
    if days <= 0:
        return "Expires today"
    if days == 1:
        return "Expires tomorrow"
    return f"Expires in {days} days"


# --- format --------------------------------------------------------------------------------

#: How each stored format reads on the detail page.
FORMAT_WORDS = {
    "dc+sd-jwt": "SD-JWT VC: you choose what to share",
    "vc+sd-jwt": "SD-JWT VC: you choose what to share",
    "jwt_vc_json": "W3C credential (VC-JWT): shared whole",
    "ldp_vc": "W3C credential (Data Integrity): shared whole",
}
SHARED_WHOLE = ("This credential is shared whole: its format can't leave any claim out, so "
                "the verifier will see every claim below.")


def format_words(fmt: str) -> str:
    """A stored credential's format in words, the technical name in brackets."""
    words = FORMAT_WORDS.get(fmt)
    return f"{words} ({fmt})" if words else fmt


def kind_name(kind: str | None, *, shared_whole: bool = False) -> str:
    """The type name to label a credential with (give it to :func:`type_label`): its
    ``vct``, or a W3C type without the "Credential" most W3C type names end with
    (``UniversityDegreeCredential`` → ``UniversityDegree``)."""
    name = kind or ""
    if shared_whole and name.endswith("Credential") and name != "Credential":
        return name.removesuffix("Credential")
    return name
