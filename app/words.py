"""Checking recovery words as they are typed, without Qt and without echoing them.

Messages name a word by its position only: the words are the secret.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from mnemonic import Mnemonic

from core.errors import InvalidInput
from core.vault.recovery import PHRASE_WORDS, normalize_phrase

WORDLIST: tuple[str, ...] = tuple(Mnemonic("english").wordlist)
_KNOWN = frozenset(WORDLIST)


def clean_word(text: str) -> str:
    return text.strip().lower()


def is_word(text: str) -> bool:
    """Whether ``text`` is a recovery word (case and surrounding space ignored)."""
    return clean_word(text) in _KNOWN


def could_become_word(text: str) -> bool:
    """Whether some recovery word starts with ``text`` (so it may still be being typed)."""
    prefix = clean_word(text)
    i = bisect.bisect_left(WORDLIST, prefix)
    return i < len(WORDLIST) and WORDLIST[i].startswith(prefix)


@dataclass(frozen=True)
class PhraseCheck:
    """The verdict on what was typed so far: ``ok`` only for a whole, valid phrase;
    ``bad_position`` is the 1-based position of the first word that cannot be right."""

    ok: bool
    message: str
    bad_position: int | None = None
    error_code: str = ""


def check_words(words: list[str], editing: int | None = None) -> PhraseCheck:
    """Judge the typed ``words`` (one per position, "" when empty).

    ``editing`` is the 0-based position being typed in: a word there is only wrong once
    no recovery word starts with it.
    """
    for position, raw in enumerate(words):
        word = clean_word(raw)
        if not word or is_word(word):
            continue
        if position == editing and could_become_word(word):
            continue
        return PhraseCheck(
            False,
            f"Word {position + 1} isn't in the recovery word list. Check its spelling.",
            position + 1,
            "invalid_recovery_phrase",
        )
    complete = sum(1 for w in words if is_word(w))
    if complete < PHRASE_WORDS or len(words) != PHRASE_WORDS:
        return PhraseCheck(False, f"{complete} of {PHRASE_WORDS} words entered.")
    try:
        normalize_phrase(" ".join(clean_word(w) for w in words))
    except InvalidInput as exc:
        return PhraseCheck(
            False,
            "All the words are in the list, but they don't fit together. "
            "One is probably wrong or in the wrong place.",
            None,
            exc.code,
        )
    return PhraseCheck(True, f"All {PHRASE_WORDS} words check out.")
