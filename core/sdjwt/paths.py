"""Claim paths as people and programs name them, resolved against a claim tree.

A path is a tuple of steps (``("address", "locality")``, ``("nationalities", 1)``) or
the dotted form the CLI and GUI use (``address.locality``, ``nationalities.1``). The
dotted form is read against the tree it names: a step into an object is a member name
(``age_equal_or_over.18`` names the member ``"18"``), a step into an array is an index.
Member names that contain a dot can only be named with a tuple.
"""

from __future__ import annotations

from typing import Any

from core.errors import InvalidInput
from core.sdjwt.process import ClaimPath, format_path


def describe(path: ClaimPath | str) -> str:
    """The path as a person reads it (dotted), for messages."""
    if isinstance(path, str):
        return path
    if isinstance(path, tuple):
        return format_path(path)
    return repr(path)


def _steps(path: ClaimPath | str) -> tuple[Any, ...]:
    if isinstance(path, str):
        if not path:
            raise InvalidInput("an empty claim path names no claim")
        return tuple(path.split("."))
    if isinstance(path, tuple) and path:
        return path
    raise InvalidInput(f"a claim path is a dotted string or a non-empty tuple, not {path!r}")


def _index(step: Any, length: int) -> int | None:
    if isinstance(step, bool):
        return None
    if isinstance(step, str) and step.isdecimal() and step.isascii():
        step = int(step)
    if isinstance(step, int) and 0 <= step < length:
        return step
    return None


def resolve_path(tree: Any, path: ClaimPath | str) -> ClaimPath | None:
    """The tuple form of ``path`` if it names a node of ``tree``, else None.

    Raises InvalidInput if ``path`` is neither a dotted string nor a non-empty tuple.
    """
    node = tree
    resolved: list[str | int] = []
    for step in _steps(path):
        if isinstance(node, dict):
            if not isinstance(step, str) or step not in node:
                return None
            resolved.append(step)
            node = node[step]
        elif isinstance(node, list):
            index = _index(step, len(node))
            if index is None:
                return None
            resolved.append(index)
            node = node[index]
        else:
            return None
    return tuple(resolved)


def is_prefix(prefix: ClaimPath, path: ClaimPath) -> bool:
    """Whether ``prefix`` is ``path`` or one of its ancestors."""
    return len(prefix) <= len(path) and path[: len(prefix)] == prefix
