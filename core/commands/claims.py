"""What the credential commands share: reading FILE|-, and showing claims and times safely.

Claim names and values come from whoever issued or presented a credential, so they are
shown through :func:`printable` (no terminal control sequences get through), and times
through :func:`when` (a nonsense ``exp`` shows as a number instead of failing).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from core.commands import Context, UsageError
from core.credentials import issuer_keys_for
from core.encoding import b64url_decode, parse_json
from core.errors import InvalidInput, VaultError
from core.sdjwt.compact import MAX_SD_JWT_CHARS
from core.sdjwt.issuer_keys import IssuerKey
from core.sdjwt.process import ClaimPath, format_path

#: The most read from FILE|- for an SD-JWT (its own limit, plus room for whitespace).
MAX_SD_JWT_INPUT: Final = MAX_SD_JWT_CHARS + 4096
#: The most read for a JWK set file.
MAX_JWKS_INPUT: Final = 256 * 1024
#: How many characters of an id (a hex SHA-256, or a random one) lists show.
SHORT_ID: Final = 10


def read_source(name: str, ctx: Context, *, limit: int, what: str) -> str:
    """The text of file ``name``, or of standard input for ``-``.

    Raises VaultError(io_error) for a file that cannot be read, InvalidInput for text
    that is not UTF-8 or InvalidInput(input_too_large) past ``limit`` characters.
    """
    try:
        if name == "-":
            text = ctx.stdin.read(limit + 1)
        else:
            with Path(name).open("rb") as handle:
                text = handle.read(limit + 1).decode("utf-8")
    except OSError as exc:
        raise VaultError(f"{name}: {exc.strerror or exc}", code="io_error") from exc
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"the {what} in {_source(name)} is not UTF-8 text") from exc
    if len(text) > limit:
        raise InvalidInput(
            f"the {what} in {_source(name)} is larger than Tessera reads", code="input_too_large"
        )
    return text


def _source(name: str) -> str:
    return "standard input" if name == "-" else name


def read_issuer_jwks(
    name: str | None, sd_jwt: str, ctx: Context
) -> dict[str | None, tuple[IssuerKey, ...]] | None:
    """The keys of the JWK set in file ``name`` (``--issuer-jwks``; ``-`` is standard
    input) for the issuer of ``sd_jwt``, or None without one.

    Raises what :func:`read_source` and :func:`core.credentials.issuer_keys_for` raise,
    and InvalidInput(malformed_json).
    """
    if name is None:
        return None
    jwks = read_source(name, ctx, limit=MAX_JWKS_INPUT, what="JWK set")
    return issuer_keys_for(sd_jwt, parse_json(jwks))


def only_one_stdin(*names: str | None) -> None:
    """Raises UsageError when more than one of ``names`` is ``-``."""
    if sum(1 for name in names if name == "-") > 1:
        raise UsageError("only one input can come from standard input ('-')")


def require_text(value: str, option: str) -> str:
    """Raises UsageError for an empty (or blank) option value."""
    if not value.strip():
        raise UsageError(f"{option} must not be empty")
    return value


def transaction_data(values: list[str] | None) -> tuple[str, ...]:
    """``--transaction-data`` values, each checked to be base64url.

    Raises InvalidInput(malformed_base64url).
    """
    for value in values or ():
        try:
            b64url_decode(value)
        except InvalidInput as exc:
            raise InvalidInput(
                f"--transaction-data {printable(value)[:40]!r} is not base64url",
                code="malformed_base64url",
            ) from exc
    return tuple(values or ())


def printable(text: str) -> str:
    """``text`` with every non-printable character (controls, escapes) as ``\\uXXXX``."""
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)


def show_value(value: Any) -> str:
    """A claim value on one line: JSON for leaves, ``{…}``/``[…]`` for non-empty containers."""
    if isinstance(value, dict) and value:
        return "{…}"
    if isinstance(value, list) and value:
        return "[…]"
    return printable(json.dumps(value, ensure_ascii=False))


def when(epoch: float | None, *, never: str = "never") -> str:
    """``2025-01-31 12:00`` (UTC), ``never`` for None, the number itself if out of range."""
    if epoch is None:
        return never
    try:
        return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%d %H:%M")
    except (OverflowError, OSError, ValueError):
        return str(epoch)


def walk_claims(node: Any, path: ClaimPath = ()) -> Iterator[tuple[ClaimPath, Any]]:
    """Every claim below ``node`` with its path, parents before their members."""
    children: list[tuple[str | int, Any]]
    if isinstance(node, dict):
        children = list(node.items())
    elif isinstance(node, list):
        children = list(enumerate(node))
    else:
        return
    for step, value in children:
        yield (*path, step), value
        yield from walk_claims(value, (*path, step))


def dotted(path: ClaimPath) -> str:
    """The dotted path, made printable."""
    return printable(format_path(path))


def fields(ctx: Context, pairs: Sequence[tuple[str, str]]) -> None:
    """Print ``LABEL  value`` lines, the values lined up one space past the longest label."""
    width = max(len(label) for label, _value in pairs) + 1
    for label, value in pairs:
        ctx.line(f"{label:<{width}} {value}")


def table(ctx: Context, header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    """Print aligned columns (the last one is not padded)."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header[:-1])]
    for row in (header, *rows):
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        ctx.line("  ".join([*cells, row[-1]]).rstrip())


def write_text_file(path: Path, text: str, *, mode: str) -> None:
    """Write (``w``) or append (``a``) ASCII ``text`` to ``path`` for a command's ``--out``.

    Raises VaultError(io_error).
    """
    try:
        with path.open(mode, encoding="ascii") as handle:
            handle.write(text)
    except OSError as exc:
        raise VaultError(f"{path}: {exc.strerror or exc}", code="io_error") from exc
