"""Naming a stored record by its id or by a unique prefix of it (as the CLI lets people)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Final

from core.errors import InvalidInput, RecordNotFound

#: The shortest prefix accepted in place of a whole id.
MIN_ID_PREFIX: Final = 6


def resolve_prefix(ids: Collection[str], given: str, *, what: str) -> str:
    """The one id in ``ids`` that is ``given`` (case and surrounding space ignored) or that
    starts with it, when ``given`` has at least :data:`MIN_ID_PREFIX` characters.

    Raises RecordNotFound (no match, or a shorter prefix), InvalidInput(ambiguous_id).
    """
    wanted = given.strip().lower() if isinstance(given, str) else ""
    if wanted in ids:
        return wanted
    if len(wanted) < MIN_ID_PREFIX:
        raise RecordNotFound(
            f"no {what} {wanted!r} (give the id, or at least its first {MIN_ID_PREFIX} "
            "characters)"
        )
    matches = [i for i in ids if i.startswith(wanted)]
    if not matches:
        raise RecordNotFound(f"no {what} {wanted!r}")
    if len(matches) > 1:
        raise InvalidInput(
            f"{wanted!r} starts {len(matches)} {what} ids; give more characters",
            code="ambiguous_id",
        )
    return matches[0]
