"""How hard a passphrase is to guess, in words a person can act on.

Uses ``zxcvbn`` (Dropbox's estimator: dictionaries, keyboard patterns, repeats, dates)
when it is installed, otherwise a small estimator that only counts characters and is
deliberately pessimistic about short input. Both give a score from 0 to 4 on zxcvbn's
scale (guesses below 10^3, 10^6, 10^8, 10^10, and above). A vault passphrase needs
:data:`MIN_SCORE`.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass
from typing import Any

try:  # the gui extra installs it; the fallback keeps the app usable without it
    from zxcvbn import zxcvbn as _zxcvbn
except ImportError:  # pragma: no cover - exercised only without the package
    _zxcvbn = None

MIN_SCORE = 3
MIN_LENGTH = 8
#: zxcvbn gets slow on very long input; the tail adds nothing to the verdict.
_MAX_CHECKED = 100
LABELS = ("Very weak", "Weak", "Fair", "Good", "Strong")
_THRESHOLDS = (3.0, 6.0, 8.0, 10.0)  # log10 guesses between scores 0|1|2|3|4
_COMMON = frozenset(
    {"password", "passphrase", "qwerty", "letmein", "welcome", "tessera", "iloveyou",
     "admin", "monkey", "dragon", "123456", "12345678", "abc123", "password1"}
)


@dataclass(frozen=True)
class Strength:
    """A verdict: ``score`` 0-4, a one-word ``label``, a short ``hint`` and whether the
    passphrase is ``acceptable`` for a vault."""

    score: int
    label: str
    hint: str
    acceptable: bool
    estimator: str


def _score(log10_guesses: float) -> int:
    return sum(log10_guesses >= t for t in _THRESHOLDS)


def basic_score(passphrase: str) -> int:
    """The fallback's score: it cannot see words or patterns, so anything under 12
    characters scores at most 2, fewer than 6 different characters at most 1, and a
    known common password 0."""
    score = _score(_basic_guesses(passphrase))
    if len(set(passphrase)) < 6:
        return min(score, 1)
    return min(score, MIN_SCORE - 1) if len(passphrase) < 12 else score


def _basic_guesses(passphrase: str) -> float:
    """log10 of the guesses needed, counting character classes and distinct characters."""
    if passphrase.lower() in _COMMON:
        return 0.0
    pool = 0
    for chars, size in (
        (string.ascii_lowercase, 26),
        (string.ascii_uppercase, 26),
        (string.digits, 10),
        (string.punctuation + " ", 33),
    ):
        if any(c in chars for c in passphrase):
            pool += size
    if any(ord(c) > 127 for c in passphrase):
        pool += 100
    # Repeated characters add little: count each distinct character, plus a quarter
    # for every repeat.
    distinct = len(set(passphrase))
    effective = distinct + (len(passphrase) - distinct) / 4
    return effective * math.log10(max(pool, 2))


def estimate(
    passphrase: str, user_inputs: tuple[str, ...] = (), *, use_zxcvbn: bool = True
) -> Strength:
    """Judge ``passphrase``; ``user_inputs`` are words it should not be built from.

    ``use_zxcvbn=False`` forces the basic estimator (it is used anyway when zxcvbn is
    not installed).
    """
    checked = passphrase[:_MAX_CHECKED]
    if not checked:
        return Strength(0, "", "Use four or more unrelated words. Longer is stronger.",
                        False, "none")
    warning = ""
    if use_zxcvbn and _zxcvbn is not None:
        result: dict[str, Any] = _zxcvbn(checked, user_inputs=list(user_inputs))
        score = int(result["score"])
        feedback = result.get("feedback") or {}
        warning = feedback.get("warning") or next(iter(feedback.get("suggestions") or []), "")
        estimator = "zxcvbn"
    else:
        score = basic_score(checked)
        estimator = "basic"
    if len(passphrase) < MIN_LENGTH:
        score = min(score, MIN_SCORE - 1)
        warning = f"Use at least {MIN_LENGTH} characters; four or more words is better."
    acceptable = score >= MIN_SCORE
    if acceptable:
        hint = "Good. Keep it somewhere only you can find it." if score == MIN_SCORE else (
            "Strong. Keep it somewhere only you can find it.")
    else:
        hint = warning or "Add another word or two. Uncommon words are better."
    return Strength(score, LABELS[score], hint, acceptable, estimator)
