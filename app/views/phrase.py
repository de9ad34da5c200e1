"""The recovery phrase on screen: a numbered grid to copy onto paper, word fields with
completion from the word list, and a 24-field grid to type a phrase back in."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import (
    QCompleter,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from app.views.typography import muted_text
from app.words import WORDLIST, could_become_word, is_word

COLUMNS = 4
ROWS = 6
#: A red outline on top of the application's QLineEdit style (see resources/style.qss).
_INVALID_STYLE = "QLineEdit { border: 2px solid #c62828; padding: 5px 7px; }"


def monospace_font(base: QFont, factor: float = 1.0) -> QFont:
    """The system's fixed-width font at ``base``'s size times ``factor``."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    font.setFixedPitch(True)
    size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
    font.setPointSizeF(size * factor)
    return font


def _number_label(number: int, parent: QWidget) -> QLabel:
    label = QLabel(f"{number}", parent)
    label.setObjectName("phraseNumber")
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    label.setMinimumWidth(label.fontMetrics().horizontalAdvance("24") + 4)
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, muted_text(parent.palette()))
    label.setPalette(palette)
    label.setAccessibleName("")
    return label


def grid_position(index: int) -> tuple[int, int]:
    """(row, column) of word ``index`` (0-based): numbered across, then down."""
    return divmod(index, COLUMNS)


class PhraseGrid(QFrame):
    """The words, numbered 1-24 in four columns, in a fixed-width font.

    The text cannot be selected or copied (phrases in clipboards leak); ``word_labels``
    holds one label per word, in order.
    """

    def __init__(self, words: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("phraseGrid")
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.setAccessibleName("Recovery phrase")
        self.word_labels: list[QLabel] = []
        grid = QGridLayout(self)
        grid.setContentsMargins(24, 18, 24, 18)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(12)
        font = monospace_font(self.font(), 1.15)
        for index, word in enumerate(words):
            row, column = grid_position(index)
            number = _number_label(index + 1, self)
            label = QLabel(word, self)
            label.setObjectName("phraseWord")
            label.setFont(font)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            label.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
            label.setMinimumWidth(label.fontMetrics().horizontalAdvance("m" * 8))
            label.setAccessibleName(f"Word {index + 1}")
            grid.addWidget(number, row, column * 2)
            grid.addWidget(label, row, column * 2 + 1)
            self.word_labels.append(label)
        for column in range(COLUMNS):
            grid.setColumnStretch(column * 2 + 1, 1)

    def wipe(self) -> None:
        """Blank every word (when the grid is no longer needed)."""
        for label in self.word_labels:
            label.clear()


def word_completer(parent: QWidget) -> QCompleter:
    """Completion from the recovery word list: case-insensitive, starts-with, a popup."""
    completer = QCompleter(QStringListModel(list(WORDLIST), parent), parent)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchStartsWith)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    completer.setModelSorting(QCompleter.ModelSorting.CaseSensitivelySortedModel)
    completer.setMaxVisibleItems(6)
    return completer


class WordEdit(QLineEdit):
    """One recovery word: completion from the list, no spelling help from the system,
    and a red outline once what is typed cannot become a word."""

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        self.setCompleter(word_completer(self))
        self.setInputMethodHints(
            Qt.InputMethodHint.ImhSensitiveData
            | Qt.InputMethodHint.ImhNoPredictiveText
            | Qt.InputMethodHint.ImhNoAutoUppercase
            | Qt.InputMethodHint.ImhPreferLowercase
        )
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.setFont(monospace_font(self.font(), 1.05))
        self.setMaxLength(400)  # room for a pasted phrase, which the entry grid spreads out
        self.invalid = False
        self.textChanged.connect(lambda _text: self.refresh(editing=self.hasFocus()))

    def refresh(self, *, editing: bool) -> None:
        """Mark the field red when its word cannot be right (or, when not ``editing``,
        is not a whole word)."""
        text = self.text().strip()
        possible = editing and could_become_word(text)
        invalid = bool(text) and not is_word(text) and not possible
        if invalid != self.invalid:
            self.invalid = invalid
            self.setStyleSheet(_INVALID_STYLE if invalid else "")

    def focusOutEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().focusOutEvent(event)
        self.refresh(editing=False)


class PhraseEntry(QFrame):
    """24 word fields in the same numbered layout as :class:`PhraseGrid`.

    Typing a space (or pasting several words) moves on to the next field. ``changed``
    fires on every edit; ``words()`` gives the fields' contents, ``editing()`` the field
    being typed in.
    """

    changed = Signal()

    def __init__(self, count: int = COLUMNS * ROWS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("phraseEntry")
        self.fields: list[WordEdit] = []
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        for index in range(count):
            row, column = grid_position(index)
            field = WordEdit(f"Word {index + 1}", self)
            field.textEdited.connect(lambda text, i=index: self._edited(i, text))
            field.textChanged.connect(self.changed)
            cell = QHBoxLayout()
            cell.setSpacing(6)
            cell.addWidget(_number_label(index + 1, self))
            cell.addWidget(field, 1)
            grid.addLayout(cell, row, column)
            self.fields.append(field)
        for earlier, later in zip(self.fields, self.fields[1:], strict=False):
            QWidget.setTabOrder(earlier, later)

    def words(self) -> list[str]:
        return [field.text().strip().lower() for field in self.fields]

    def editing(self) -> int | None:
        for index, field in enumerate(self.fields):
            if field.hasFocus():
                return index
        return None

    def clear(self) -> None:
        for field in self.fields:
            field.clear()

    def _edited(self, index: int, text: str) -> None:
        """Spread typed or pasted words over the fields from ``index`` on; a trailing
        space moves the cursor to the next field."""
        if not any(c.isspace() for c in text):
            return
        parts = text.split()[: len(self.fields) - index]
        for offset, word in enumerate(parts or [""]):
            self.fields[index + offset].setText(word.lower())
        last = index + max(len(parts) - 1, 0)
        if text[-1].isspace() and parts:
            last = min(last + 1, len(self.fields) - 1)
        self.fields[last].setFocus(Qt.FocusReason.OtherFocusReason)
        self.fields[last].end(False)
        self.changed.emit()
