"""The nodes behind :class:`app.models.claims.ClaimTreeModel`: one per claim, in the
order people look for them, each knowing how it travels in a presentation."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from enum import Enum
from typing import Any

from app.credential_text import REGISTERED_CLAIMS, claim_label

Path = tuple[str | int, ...]


class Sharing(Enum):
    """How a claim travels in a presentation."""

    WITHHOLDABLE = "withholdable"
    ALWAYS = "always"
    WITH_PARENT = "with_parent"  # goes wherever the withholdable claim around it goes
    GROUP = "group"  # an always-present object or list whose parts can be withheld


SHARING_TEXT = {
    Sharing.WITHHOLDABLE: "Can be withheld",
    Sharing.ALWAYS: "Always shared",
    Sharing.WITH_PARENT: "",
    Sharing.GROUP: "",
}


SHARING_WHY = {
    Sharing.WITHHOLDABLE: "You choose whether to share this each time.",
    Sharing.ALWAYS: "The issuer made this part of every presentation.",
    Sharing.WITH_PARENT: "Shared together with {parent}.",
    Sharing.GROUP: "You choose its parts one by one.",
}


def dotted(path: Path) -> str:
    return ".".join(str(step) for step in path)


class ClaimNode:
    """One claim: a leaf value, or an object/array with children."""

    def __init__(self, key: str | int | None, value: Any, parent: ClaimNode | None) -> None:
        self.key = key
        self.value = value
        self.parent = parent
        self.path: Path = () if parent is None or key is None else (*parent.path, key)
        self.children: list[ClaimNode] = []
        self.sharing = Sharing.ALWAYS
        self.checked = False

    @property
    def row(self) -> int:
        return 0 if self.parent is None else self.parent.children.index(self)

    @property
    def label(self) -> str:
        return "" if self.key is None else claim_label(self.key)

    def walk(self) -> Iterator[ClaimNode]:
        yield self
        for child in self.children:
            yield from child.walk()


#: Claims people look for first, in this order; the rest follow alphabetically. (The
#: order inside an SD-JWT says nothing: digests are sorted, so it cannot be kept.)
FIRST_CLAIMS = (
    "given_name", "family_name", "name", "birthdate", "birth_date", "date_of_birth",
    "email", "phone_number", "street_address", "house_number", "postal_code", "locality",
    "region", "country",
)
_RANK = {name: rank for rank, name in enumerate(FIRST_CLAIMS)}


def _order(names: Iterable[str]) -> list[str]:
    return sorted(names, key=lambda n: (_RANK.get(n, len(_RANK)), n.casefold(), n))


def _build(node: ClaimNode, disclosable: frozenset[Path]) -> None:
    items: Iterable[tuple[str | int, Any]]
    if isinstance(node.value, Mapping):
        items = [(name, node.value[name]) for name in _order(node.value)]
    elif isinstance(node.value, list):
        items = enumerate(node.value)
    else:
        return
    for key, value in items:
        if node.parent is None and key in REGISTERED_CLAIMS and (key,) not in disclosable:
            continue  # the issuer, type and dates are shown above the tree
        child = ClaimNode(key, value, node)
        node.children.append(child)
        _build(child, disclosable)


def _classify(root: ClaimNode, disclosable: frozenset[Path]) -> None:
    for node in root.walk():
        if node is root:
            continue
        around = any(node.path[:n] in disclosable for n in range(1, len(node.path)))
        inside = any(d[: len(node.path)] == node.path and d != node.path for d in disclosable)
        if node.path in disclosable:
            node.sharing = Sharing.WITHHOLDABLE
        elif around:
            node.sharing = Sharing.WITH_PARENT
        elif inside:
            node.sharing = Sharing.GROUP
        else:
            node.sharing = Sharing.ALWAYS


def build_tree(claims: Mapping[str, Any], disclosable: frozenset[Path]) -> ClaimNode:
    """The root of the tree of ``claims`` (the credential's own registered claims left
    out unless disclosable), every node classified by how it is shared."""
    root = ClaimNode(None, dict(claims), None)
    _build(root, disclosable)
    _classify(root, disclosable)
    return root
