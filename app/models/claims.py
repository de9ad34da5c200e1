"""A credential's claims as a tree, grouped like the credential itself, with what can be
withheld; in checkable mode (the Share dialog) a check box per claim that can be withheld.

Which claims can be withheld comes from the holder (``HeldCredential.items``): a claim is
*withholdable* when a disclosure carries it. Checking one checks the withholdable claims
around it (their disclosures come along anyway); unchecking one unchecks those inside it.
A credential shared ``whole`` (a W3C credential) has none: every claim says so, and in
checkable mode every box is ticked and locked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, Qt, Signal

from app.credential_text import format_value
from app.models.claim_nodes import (
    SHARING_TEXT,
    SHARING_WHY,
    ClaimNode,
    Path,
    Sharing,
    build_tree,
    dotted,
)
from app.models.rows import Index, header_text, role_names


class ClaimColumn(IntEnum):
    CLAIM = 0
    VALUE = 1
    SHARING = 2


HEADERS = {ClaimColumn.CLAIM: "Claim", ClaimColumn.VALUE: "Value", ClaimColumn.SHARING: ""}
WHOLE_TEXT = "Shared whole: cannot be withheld"
WHOLE_WHY = ("This credential has no selective disclosure: every claim goes with every "
             "presentation.")


class ClaimRole(IntEnum):
    PATH = Qt.ItemDataRole.UserRole + 1  # dotted, as the CLI and core name it
    WITHHOLDABLE = Qt.ItemDataRole.UserRole + 2
    ALWAYS_SHARED = Qt.ItemDataRole.UserRole + 3
    SHARING = Qt.ItemDataRole.UserRole + 4  # a Sharing
    RAW_VALUE = Qt.ItemDataRole.UserRole + 5


class ClaimTreeModel(QAbstractItemModel):
    """The claims of one credential. ``checkable`` adds check boxes (the Share dialog);
    ``whole`` marks a credential that is always shared whole; ``selection_changed`` fires
    when the set of checked claims changes."""

    selection_changed = Signal()

    def __init__(
        self,
        claims: Mapping[str, Any],
        disclosable: Iterable[Path],
        *,
        checkable: bool = False,
        whole: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.checkable = checkable
        self.whole = whole
        self._disclosable = frozenset(tuple(p) for p in disclosable)
        self._root = build_tree(claims, self._disclosable)

    # --- what is there and what is checked --------------------------------------------

    def nodes(self) -> list[ClaimNode]:
        """Every claim shown, depth first."""
        return [node for node in self._root.walk() if node is not self._root]

    def node(self, index: Index) -> ClaimNode:
        if not index.isValid():
            return self._root
        node = index.internalPointer()
        assert isinstance(node, ClaimNode)
        return node

    def index_of(self, path: str | Path) -> QModelIndex:
        """The index (column 0) of the claim at a dotted or tuple ``path``, or invalid."""
        wanted = path if isinstance(path, str) else dotted(path)
        for node in self.nodes():
            if dotted(node.path) == wanted:
                return self.createIndex(node.row, 0, node)
        return QModelIndex()

    def selected_paths(self) -> list[str]:
        """Dotted paths of the checked withholdable claims, in tree order."""
        return [
            dotted(n.path) for n in self.nodes()
            if n.sharing is Sharing.WITHHOLDABLE and n.checked
        ]

    def set_checked(self, path: str | Path, checked: bool) -> bool:
        """Check or uncheck a withholdable claim (as a click does). False if it is not one."""
        index = self.index_of(path)
        if not index.isValid():
            return False
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        return self.setData(index, state, Qt.ItemDataRole.CheckStateRole)

    def _apply(self, node: ClaimNode, checked: bool) -> list[ClaimNode]:
        changed = [node]
        node.checked = checked
        if checked:  # the withholdable claims around it come along
            up = node.parent
            while up is not None and up is not self._root:
                if up.sharing is Sharing.WITHHOLDABLE and not up.checked:
                    up.checked = True
                    changed.append(up)
                up = up.parent
        else:  # nothing inside an unshared claim can be shared
            for inner in node.walk():
                if inner.sharing is Sharing.WITHHOLDABLE and inner.checked:
                    inner.checked = False
                    changed.append(inner)
        return changed

    def _shown_checked(self, node: ClaimNode) -> bool | None:
        """The check box of ``node``: None when it has none."""
        if node.sharing is Sharing.WITHHOLDABLE:
            return node.checked
        if node.sharing is Sharing.ALWAYS:
            return True
        if node.sharing is Sharing.WITH_PARENT:
            up = node.parent
            while up is not None and up.sharing is not Sharing.WITHHOLDABLE:
                up = up.parent
            return bool(up and up.checked)
        return None

    # --- the tree ---------------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        return self.createIndex(row, column, self.node(parent).children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        up = self.node(index).parent
        if up is None or up is self._root:
            return QModelIndex()
        return self.createIndex(up.row, 0, up)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(ClaimColumn)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self.node(index)
        column = ClaimColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(node, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._why(node)
        if role == Qt.ItemDataRole.CheckStateRole and self.checkable:
            if column != ClaimColumn.CLAIM:
                return None
            shown = self._shown_checked(node)
            if shown is None:
                return None
            return Qt.CheckState.Checked if shown else Qt.CheckState.Unchecked
        raw = {
            ClaimRole.PATH: dotted(node.path),
            ClaimRole.WITHHOLDABLE: node.sharing is Sharing.WITHHOLDABLE,
            ClaimRole.ALWAYS_SHARED: node.sharing is Sharing.ALWAYS,
            ClaimRole.SHARING: node.sharing,
            ClaimRole.RAW_VALUE: node.value,
        }
        return raw.get(role)  # type: ignore[call-overload]

    def _text(self, node: ClaimNode, column: ClaimColumn) -> str:
        if column == ClaimColumn.CLAIM:
            return node.label
        if column == ClaimColumn.VALUE:
            return "" if node.children else format_value(node.value)
        if self.checkable and node.sharing is Sharing.WITHHOLDABLE:
            return ""  # the check box says it
        if self.whole:
            return WHOLE_TEXT
        return SHARING_TEXT[node.sharing]

    def _why(self, node: ClaimNode) -> str:
        if self.whole:
            return WHOLE_WHY
        why = SHARING_WHY[node.sharing]
        if node.sharing is Sharing.WITH_PARENT:
            up = node.parent
            while up is not None and up.sharing is not Sharing.WITHHOLDABLE:
                up = up.parent
            why = why.format(parent=up.label if up is not None else "its group")
        return why

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not (self.checkable and index.isValid() and role == Qt.ItemDataRole.CheckStateRole):
            return False
        node = self.node(index)
        if index.column() != ClaimColumn.CLAIM or node.sharing is not Sharing.WITHHOLDABLE:
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked
        if checked == node.checked:
            return True
        for changed in self._apply(node, checked):
            first = self.createIndex(changed.row, 0, changed)
            last = self.createIndex(changed.row, len(ClaimColumn) - 1, changed)
            self.dataChanged.emit(first, last, [Qt.ItemDataRole.CheckStateRole])
        self.selection_changed.emit()
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        node = self.node(index)
        if self.checkable and index.column() == ClaimColumn.CLAIM:
            if node.sharing is Sharing.WITHHOLDABLE:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            elif node.sharing in (Sharing.ALWAYS, Sharing.WITH_PARENT):
                flags &= ~Qt.ItemFlag.ItemIsEnabled  # shown, never changeable here
        return flags

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return header_text(HEADERS, ClaimColumn, section, orientation, role)

    def roleNames(self) -> dict[int, bytes]:
        return role_names(super().roleNames(), ClaimRole)
